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
