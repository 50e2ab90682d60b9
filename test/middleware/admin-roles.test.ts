import { describe, expect, it } from "vitest";
import { ADMIN_ROUTE_ROLES, requiredRole, type RouteRequirement } from "../../src/middleware/admin-roles";
import { roleAtLeast, ROLES } from "../../src/operators/roles";

describe("the role each admin route needs (SPEC §5a)", () => {
  it.each<[string, string, RouteRequirement]>([
    ["GET", "/admin/projects/demo/master", "viewer"],
    ["HEAD", "/admin/projects/demo/master/stats", "viewer"],
    ["GET", "/admin/projects/demo/master/audit", "viewer"],
    ["GET", "/admin/projects/demo/master/audit/verify", "viewer"],
    ["POST", "/admin/projects/demo/master/explain", "viewer"],
    ["POST", "/admin/projects/demo/master/purge", "editor"],
    ["POST", "/admin/projects/demo/master/tokens", "editor"],
    ["DELETE", "/admin/projects/demo/master/tokens/tok_1", "editor"],
    ["POST", "/admin/projects/demo/master/schema/refresh", "editor"],
    ["POST", "/admin/projects/demo/master/revocations", "editor"],
    ["PUT", "/admin/projects/demo/master", "owner"],
    ["GET", "/admin/operators", "owner"],
    ["POST", "/admin/operators", "owner"],
    ["DELETE", "/admin/operators/op_1", "owner"],
    ["GET", "/admin/whoami", "signed-in"],
    ["GET", "/admin/audit/", "viewer"],
    // Not in the table: denied to everyone but owners.
    ["DELETE", "/admin/projects/demo/master", "owner"],
    ["GET", "/admin/projects/demo/master/secrets", "owner"],
    ["POST", "/admin/whoami", "owner"],
    ["GET", "/admin/projects/demo/master/tokens/tok_1/extra", "owner"],
  ])("%s %s needs %s", (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role);
  });

  it("gives every role the rights of the roles before it", () => {
    for (const [i, role] of ROLES.entries()) for (const [j, other] of ROLES.entries()) expect(roleAtLeast(role, other)).toBe(i >= j);
  });

  it("lists each route once", () => {
    const keys = ADMIN_ROUTE_ROLES.map(([method, path]) => `${method} ${path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
