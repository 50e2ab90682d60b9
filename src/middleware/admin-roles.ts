import type { MiddlewareHandler } from "hono";
import { ForbiddenRoleError } from "../errors";
import type { AdminEnv } from "../operators/identity";
import { roleAtLeast, type Role } from "../operators/roles";

/** What a route needs: a role, or only a verified identity (`signed-in`: `whoami`, which tells an identity without a role so). */
export type RouteRequirement = Role | "signed-in";

/**
 * The role each admin route needs (SPEC §5a), one table for the whole API so the matrix can be
 * read — and tested — in one place. `*` is one path segment. `viewer` reads, `editor` also purges
 * and issues or revokes content tokens and JWT revocations, `owner` also changes configuration and
 * operators. A route missing here needs `owner`: what cannot be classified is denied to the rest.
 */
export const ADMIN_ROUTE_ROLES: ReadonlyArray<readonly [method: string, path: string, role: RouteRequirement]> = [
  ["GET", "/admin/whoami", "signed-in"],
  ["GET", "/admin/audit", "viewer"],
  ["GET", "/admin/audit/verify", "viewer"],
  ["GET", "/admin/operators", "owner"],
  ["POST", "/admin/operators", "owner"],
  ["DELETE", "/admin/operators/*", "owner"],
  ["GET", "/admin/projects", "viewer"],
  ["GET", "/admin/projects/*/*", "viewer"],
  ["PUT", "/admin/projects/*/*", "owner"],
  ["PATCH", "/admin/projects/*/*", "owner"],
  ["POST", "/admin/projects/*/*/webhook-secret", "owner"],
  ["GET", "/admin/projects/*/*/webhook-deliveries", "viewer"],
  ["GET", "/admin/projects/*/*/tokens", "viewer"],
  ["POST", "/admin/projects/*/*/tokens", "editor"],
  ["DELETE", "/admin/projects/*/*/tokens/*", "editor"],
  ["POST", "/admin/projects/*/*/purge", "editor"],
  ["GET", "/admin/projects/*/*/stats", "viewer"],
  ["GET", "/admin/projects/*/*/traffic", "viewer"],
  ["GET", "/admin/projects/*/*/schema", "viewer"],
  ["POST", "/admin/projects/*/*/schema/refresh", "editor"],
  ["POST", "/admin/projects/*/*/explain", "viewer"],
  ["GET", "/admin/projects/*/*/audit", "viewer"],
  ["GET", "/admin/projects/*/*/audit/verify", "viewer"],
  ["GET", "/admin/projects/*/*/apps", "viewer"],
  ["GET", "/admin/projects/*/*/revocations", "viewer"],
  ["POST", "/admin/projects/*/*/revocations", "editor"],
  ["DELETE", "/admin/projects/*/*/revocations/*", "editor"],
  ["GET", "/admin/projects/*/*/documents", "viewer"],
  ["PUT", "/admin/projects/*/*/documents", "editor"],
  ["DELETE", "/admin/projects/*/*/documents/*", "editor"],
];

/**
 * The role `method path` needs: the table's, else `owner`. HEAD is GET's.
 *
 * @example requiredRole("POST", "/admin/projects/demo/master/purge"); // "editor"
 */
export function requiredRole(method: string, path: string): RouteRequirement {
  const wanted = method === "HEAD" ? "GET" : method;
  const segments = path.replace(/\/+$/, "").split("/");
  for (const [m, pattern, role] of ADMIN_ROUTE_ROLES) {
    if (m !== wanted) continue;
    const parts = pattern.split("/");
    if (parts.length === segments.length && parts.every((part, i) => part === "*" || part === segments[i])) return role;
  }
  return "owner";
}

/**
 * Refuses a request whose identity's role is below the route's ({@link requiredRole}) with
 * `403 FORBIDDEN_ROLE` naming the role needed. Runs after `adminAuth`.
 *
 * @example app.use("/admin/*", adminAuth(…)).use("/admin/*", adminRoles());
 */
export function adminRoles(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const needed = requiredRole(c.req.method, new URL(c.req.url).pathname);
    const { role } = c.get("admin");
    if (needed !== "signed-in" && (role === null || !roleAtLeast(role, needed))) throw new ForbiddenRoleError(needed, role);
    await next();
  };
}
