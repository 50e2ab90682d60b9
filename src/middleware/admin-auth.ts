import type { MiddlewareHandler } from "hono";
import { sha256 } from "../platform/hash";
import { UnauthenticatedError } from "../errors";
import { digestEquals } from "../platform/constant-time";
import type { AdminEnv, AdminIdentity } from "../operators/identity";
import { looksLikeOperatorToken, operatorTokenDigest } from "../operators/operator-token";
import type { OperatorRecord } from "../operators/table";

/** What the middleware needs of the deployment, resolved per request from its `env`. */
export interface AdminAuthSettings {
  /** SHA-256 of ADMIN_TOKEN; `null` when unset. */
  adminTokenDigest: Uint8Array | null;
  /** The live operator whose token has this SHA-256 hex digest (the directory object). */
  findOperator(digest: string): Promise<OperatorRecord | null>;
  /**
   * Verifies a `Cf-Access-Jwt-Assertion` (`null` when Cloudflare Access is not configured): its
   * e-mail and the role ACCESS_ROLES grants it.
   */
  verifyAccess: ((assertion: string) => Promise<{ email?: string; id?: string; role: AdminIdentity["role"] }>) | null;
}

/**
 * Authenticates every `/admin` request and sets the caller's {@link AdminIdentity} (`c.get("admin")`):
 *
 * - `Authorization: Bearer <ADMIN_TOKEN>` (RFC 6750 §2.1) — the break-glass owner; hashed and
 *   compared with the configured digest in constant time;
 * - `Authorization: Bearer ceo_…` — an operator token, found by its SHA-256 digest at the
 *   directory object (a revoked one is refused by the next request, at every location);
 * - no `Authorization`, and a `Cf-Access-Jwt-Assertion` when Cloudflare Access is configured —
 *   the Access identity, verified with jose against the team's certs.
 *
 * An explicit `Authorization` wins over an Access assertion (a script behind Access uses its own
 * token). What the identity may do is `adminRoles`' decision. Credentials are never logged or echoed.
 *
 * @example
 * app.use("/admin/*", adminAuth({ settings: async (env) => ({ adminTokenDigest, findOperator, verifyAccess: null }) }));
 */
export function adminAuth(options: { settings: (env: AdminEnv["Bindings"]) => Promise<AdminAuthSettings> }): MiddlewareHandler<AdminEnv> {
  if (typeof options.settings !== "function") throw new Error("adminAuth: settings is required");
  return async (c, next) => {
    const settings = await options.settings(c.env);
    const header = c.req.header("authorization");
    const assertion = c.req.header("cf-access-jwt-assertion");
    if (header === undefined && assertion !== undefined && settings.verifyAccess) {
      const { email, id, role } = await settings.verifyAccess(assertion);
      c.set("admin", {
        kind: "operator",
        ...(email === undefined ? {} : { email }),
        ...(id === undefined ? {} : { id }),
        role,
        via: "access",
      });
      return next();
    }
    const token = /^Bearer ([\x21-\x7e]+)$/i.exec((header ?? "").trim())?.[1];
    if (!settings.adminTokenDigest && !settings.verifyAccess && !(token && looksLikeOperatorToken(token))) {
      throw new UnauthenticatedError(
        "The admin API is disabled until ADMIN_TOKEN is set: `npx wrangler secret put ADMIN_TOKEN` for a deployed Worker, ADMIN_TOKEN=… in .dev.vars for `wrangler dev`.",
        { reason: "admin-api-disabled" },
        "invalid_request",
      );
    }
    if (!token) {
      throw new UnauthenticatedError(
        settings.verifyAccess
          ? "The admin API needs a Cloudflare Access sign-in or Authorization: Bearer <token>."
          : "The admin API needs Authorization: Bearer <ADMIN_TOKEN> or an operator token.",
        {},
        "invalid_request",
      );
    }
    if (looksLikeOperatorToken(token)) {
      const operator = await settings.findOperator(await operatorTokenDigest(token));
      if (!operator)
        throw new UnauthenticatedError("The operator token is not valid (unknown or revoked).", { reason: "unknown-operator" });
      c.set("admin", { kind: "operator", id: operator.id, email: operator.email, role: operator.role, via: "operator-token" });
      return next();
    }
    if (!settings.adminTokenDigest || !digestEquals(await sha256(token), settings.adminTokenDigest)) {
      throw new UnauthenticatedError("The admin token is not valid.");
    }
    c.set("admin", { kind: "admin", role: "owner", via: "admin-token" });
    return next();
  };
}
