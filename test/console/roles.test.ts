import { describe, expect, it } from "vitest";
import { CONTROLS, may, whoText, type Control, type Whoami } from "../../console/roles";
import { requiredRole } from "../../src/middleware/admin-roles";
import type { Role } from "../../src/operators/roles";

/**
 * The console hides what a role may not use; the gateway decides. These tests keep the two in
 * step: every control's routes need, at the gateway, exactly the role the console shows it to.
 */
describe("console/roles.ts against the gateway's role table", () => {
  const routes = Object.entries(CONTROLS).flatMap(([control, { role, routes }]) =>
    routes.map(([method, pattern]) => ({ control, role, method, path: pattern.replaceAll("*", "x1") })),
  );

  it.each(routes)("$control: $method $path needs $role at the gateway", ({ role, method, path }) => {
    expect(requiredRole(method, path)).toBe(role);
  });

  // SPEC §5a: viewer reads; editor also purges and issues or revokes tokens and JWT revocations;
  // owner also changes configuration and operators.
  const shown: Record<Role | "none", Control[]> = {
    none: [],
    viewer: [],
    editor: ["purge", "tokens", "schemaRefresh", "revocations"],
    owner: ["purge", "tokens", "schemaRefresh", "revocations", "config", "operators"],
  };
  it.each(Object.entries(shown))("%s is shown exactly %j", (role, controls) => {
    const who = { role: role === "none" ? null : (role as Role) };
    const allowed = (Object.keys(CONTROLS) as Control[]).filter((control) => may(who, control));
    expect(allowed.sort()).toEqual([...controls].sort());
  });

  it.each<[Whoami, string]>([
    [{ kind: "admin", role: "owner", via: "admin-token" }, "admin token"],
    [{ kind: "operator", id: "op_1", email: "ana@example.com", role: "viewer", via: "operator-token" }, "ana@example.com (operator token)"],
    [{ kind: "operator", email: "bo@example.com", role: "editor", via: "access" }, "bo@example.com (Cloudflare Access)"],
    [{ kind: "operator", id: "service:ci.access", role: "viewer", via: "access" }, "service:ci.access (Cloudflare Access)"],
  ])("names %j as %s", (who, text) => {
    expect(whoText(who)).toBe(text);
  });
});
