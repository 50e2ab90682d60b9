import type { MiddlewareHandler } from "hono";
import { ForbiddenError } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for the admin API (OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata" and
 * "Verifying Origin with standard headers"). The admin API already authenticates with a bearer
 * token in `Authorization`, which a cross-site form, image or link cannot send and a cross-site
 * `fetch` could only send after a CORS preflight that `/admin` never grants — so a browser cannot
 * be tricked into a state-changing admin call. This middleware makes that explicit and independent
 * of the token: an unsafe method (RFC 9110 §9.2.1) from a browser context that is not this origin
 * is refused before the token is looked at:
 *
 * - `Sec-Fetch-Site` (Fetch Metadata, sent by current browsers) must be `same-origin` or `none`
 *   (typed by the user);
 * - otherwise, an `Origin` header (RFC 6454 §7) must equal the request's own origin.
 *
 * Requests with neither header — curl, scripts, servers — are not browser requests and pass on to
 * the token check.
 *
 * Hand-written rather than `hono/csrf`, which checks the same two headers but fits a form-posting
 * site, not this API: it looks only at requests whose `Content-Type` a form can send
 * (urlencoded, multipart, text/plain — a cross-site JSON `DELETE` would pass it), it refuses a
 * request with neither header (every curl and script the admin API serves), it lets either header
 * pass a request where here `Sec-Fetch-Site`, when sent, decides alone, and it answers a bare-text
 * `403` instead of a typed GraphQL error.
 *
 * @throws ForbiddenError (403, `reason: CROSS_SITE_REQUEST`).
 * @example app.use("/admin/*", sameOriginWrites());
 */
export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const site = c.req.header("sec-fetch-site");
      const origin = c.req.header("origin");
      const crossSite =
        site !== undefined ? site !== "same-origin" && site !== "none" : origin !== undefined && origin !== new URL(c.req.url).origin;
      if (crossSite) {
        throw new ForbiddenError(
          "Cross-site requests may not change anything here; use the console on this origin or a non-browser client.",
          {
            reason: "CROSS_SITE_REQUEST",
          },
        );
      }
    }
    await next();
  };
}
