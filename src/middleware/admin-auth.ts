import type { MiddlewareHandler } from "hono";
import { sha256 } from "../platform/hash";
import { UnauthenticatedError } from "../errors";
import { digestEquals } from "../platform/constant-time";

/**
 * Requires `Authorization: Bearer <ADMIN_TOKEN>` (RFC 6750 §2.1). The presented token is hashed
 * and compared with the configured token's digest in constant time; when ADMIN_TOKEN is unset,
 * every request is refused with a 401 that says the admin API is disabled until it is set. The
 * token is never logged or echoed.
 *
 * @example
 * app.use("/admin/*", adminAuth({ adminTokenDigest: (c) => config(c).adminTokenDigest }));
 */
export function adminAuth(options: { adminTokenDigest: (env: unknown) => Promise<Uint8Array | null> }): MiddlewareHandler {
  if (typeof options.adminTokenDigest !== "function") throw new Error("adminAuth: adminTokenDigest is required");
  return async (c, next) => {
    const expected = await options.adminTokenDigest(c.env);
    if (!expected) {
      throw new UnauthenticatedError(
        "The admin API is disabled until ADMIN_TOKEN is set: `npx wrangler secret put ADMIN_TOKEN` for a deployed Worker, ADMIN_TOKEN=… in .dev.vars for `wrangler dev`.",
        { reason: "admin-api-disabled" },
        "invalid_request",
      );
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
    if (!match?.[1]) {
      throw new UnauthenticatedError("The admin API needs Authorization: Bearer <ADMIN_TOKEN>.", {}, "invalid_request");
    }
    if (!digestEquals(await sha256(match[1]), expected)) {
      throw new UnauthenticatedError("The admin token is not valid.");
    }
    await next();
  };
}
