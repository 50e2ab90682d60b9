import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_ROUTE_ROLES } from "../../src/middleware/admin-roles";
import { ROLES, roleAtLeast, type Role } from "../../src/operators/roles";
import { accessKey, publishAccessKeys, signAccess } from "../support/access";
import { createOperator } from "../support/audit-api";
import { errorExtensions } from "../support/cache";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";

/**
 * The role matrix of SPEC §5a through the real Worker: every row of the one role table
 * (ADMIN_ROUTE_ROLES) against a viewer, an editor and an owner (operator tokens), the break-glass
 * ADMIN_TOKEN, and an Access identity ACCESS_ROLES grants nothing. A role below the row's is
 * `403 FORBIDDEN_ROLE` naming the role needed; any other answer is the route's own.
 */

/** A caller: its role (`null`: none) and how it authenticates. */
type Caller = { role: Role | null; headers: Record<string, string> };
const callers: Record<string, Caller> = {};
let projectId = "";

beforeAll(async () => {
  ({ projectId } = await demoProject());
  for (const role of ROLES) {
    const operator = await createOperator(`${role}-${uniqueTag()}@example.com`, role);
    callers[`${role} operator token`] = { role, headers: operator.headers };
  }
  callers["break-glass ADMIN_TOKEN"] = { role: "owner", headers: ADMIN };
  const key = await accessKey();
  await publishAccessKeys(key);
  // alice@example.com matches no ACCESS_ROLES rule of the test environment: signed in, no role.
  const assertion = await signAccess(key, Math.floor(Date.now() / 1000), { email: "alice@example.com" });
  callers["Access identity without a role"] = { role: null, headers: { "cf-access-jwt-assertion": assertion } };
});

const CALLERS = [
  "viewer operator token",
  "editor operator token",
  "owner operator token",
  "break-glass ADMIN_TOKEN",
  "Access identity without a role",
];

/** A concrete path for a row: the project, its environment, then an id no test created. */
function concrete(pattern: string): string {
  const values = pattern.startsWith("/admin/operators/") ? [`op_${"0".repeat(20)}`] : [projectId, "master", crypto.randomUUID()];
  let i = 0;
  return pattern.replace(/\*/g, () => values[i++]!);
}

/** The request a row is tried with: writes carry an (empty) JSON object, which no write route takes as a change it must refuse by role. */
function request(method: string, pattern: string, headers: Record<string, string>): Promise<Response> {
  const write = method !== "GET" && method !== "HEAD" && method !== "DELETE";
  return gateway(concrete(pattern), {
    method,
    headers: write ? { ...headers, "content-type": "application/json" } : headers,
    ...(write ? { body: "{}" } : {}),
  });
}

async function expectRefused(response: Response, required: Role, role: Role | null): Promise<void> {
  expect(response.status).toBe(403);
  expect(await errorExtensions(response)).toEqual({ code: "FORBIDDEN_ROLE", required, role });
}

/** Reached the route: authenticated, allowed by role, answered by the route itself (2xx or 4xx). */
async function expectAllowed(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).not.toBe(401);
  expect(response.status, text).toBeLessThan(500);
  if (response.status === 403) expect(text).not.toContain("FORBIDDEN_ROLE");
}

describe("the role matrix: every row of ADMIN_ROUTE_ROLES, every kind of caller", () => {
  const cases = ADMIN_ROUTE_ROLES.flatMap(([method, pattern, required]) =>
    CALLERS.map((caller) => [method, pattern, required, caller] as const),
  );

  it.each(cases)("%s %s needs %s — %s", async (method, pattern, required, name) => {
    const caller = callers[name]!;
    const response = await request(method, pattern, caller.headers);
    if (required === "signed-in" || (caller.role !== null && roleAtLeast(caller.role, required))) await expectAllowed(response);
    else await expectRefused(response, required, caller.role);
  });

  it("every role is tried allowed and refused somewhere (the table is not all one role)", () => {
    for (const role of ROLES) expect(ADMIN_ROUTE_ROLES.some(([, , needed]) => needed === role)).toBe(true);
  });
});

describe("a route the table does not name needs owner", () => {
  const unnamed: Array<[string, string]> = [
    ["DELETE", "/admin/projects/*/*"],
    ["PUT", "/admin/projects/*/*/webhook-secret"],
    ["POST", "/admin/projects/*/*/stats"],
    ["GET", "/admin/projects/*/*/no-such-thing"],
    ["GET", "/admin/no-such-thing"],
  ];

  it.each(unnamed.flatMap(([method, pattern]) => CALLERS.map((caller) => [method, pattern, caller] as const)))(
    "%s %s — %s",
    async (method, pattern, name) => {
      // Not in the table (else this test would prove nothing about the default).
      const segments = pattern.split("/");
      const named = ADMIN_ROUTE_ROLES.some(
        ([m, p]) => m === method && p.split("/").length === segments.length && p.split("/").every((part, i) => part === segments[i]),
      );
      expect(named).toBe(false);
      const caller = callers[name]!;
      const response = await request(method, pattern, caller.headers);
      if (caller.role === "owner") {
        // Past the role check: no such route.
        expect(response.status).toBe(404);
      } else await expectRefused(response, "owner", caller.role);
    },
  );
});

describe("operator tokens are checked on every request", () => {
  it("a revoked operator token is 401 on the very next request", async () => {
    const operator = await createOperator(`revoked-${uniqueTag()}@example.com`, "editor");
    expect((await gateway("/admin/whoami", { headers: operator.headers })).status).toBe(200);
    expect((await gateway(`/admin/operators/${operator.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const response = await gateway(`/admin/projects/${projectId}/master/audit`, { headers: operator.headers });
    expect(response.status).toBe(401);
    expect(await errorExtensions(response)).toMatchObject({ code: "UNAUTHENTICATED", reason: "unknown-operator" });
    // Revoked, not forgotten: still listed, with when.
    const list = (await (await gateway("/admin/operators", { headers: ADMIN })).json()) as {
      operators: { id: string; revokedAt?: string }[];
    };
    expect(list.operators.find((o) => o.id === operator.id)?.revokedAt).toEqual(expect.any(String));
  });

  it.each<[string, string]>([
    ["an operator token no one issued", `ceo_${"A".repeat(43)}`],
    [
      "a random one of the right shape",
      `ceo_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .slice(0, 43)}`,
    ],
    ["one character short", `ceo_${"A".repeat(42)}`],
    ["the admin token with a ceo_ prefix", `ceo_${env.ADMIN_TOKEN}`],
  ])("%s is 401 UNAUTHENTICATED", async (_label, token) => {
    const response = await gateway("/admin/whoami", { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.["code"]).toBe("UNAUTHENTICATED");
  });

  it.each(CALLERS)("GET /admin/whoami answers the %s its role", async (name) => {
    const caller = callers[name]!;
    const response = await gateway("/admin/whoami", { headers: caller.headers });
    // An identity without a role is told so (role: null) rather than refused: it can tell the operator why.
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ role: caller.role, kind: name.includes("ADMIN_TOKEN") ? "admin" : "operator" });
  });
});
