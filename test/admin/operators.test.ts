import { describe, expect, it } from "vitest";
import { ADMIN, errorExtensions, gateway } from "../support/gateway";

const json = (body: unknown, headers: Record<string, string> = ADMIN) => ({
  method: "POST",
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function createOperator(email: string, role: string) {
  const response = await gateway("/admin/operators", json({ email, role }));
  expect(response.status).toBe(201);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return (await response.json()) as { id: string; token: string; email: string; role: string; createdBy: string };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("operators (SPEC §5a)", () => {
  it("issues an operator token once, lists operators without it, and revokes one for every next request", async () => {
    const created = await createOperator(`Ana.${crypto.randomUUID()}@Example.com`, "editor");
    expect(created.token).toMatch(/^ceo_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ id: expect.stringMatching(/^op_[0-9a-f]{20}$/), role: "editor", createdBy: "admin" });
    expect(created.email).toBe(created.email.toLowerCase());

    const whoami = await gateway("/admin/whoami", { headers: bearer(created.token) });
    expect(await whoami.json()).toEqual({ kind: "operator", id: created.id, email: created.email, role: "editor", via: "operator-token" });

    const listing = await (await gateway("/admin/operators", { headers: ADMIN })).text();
    expect(listing).toContain(created.id);
    expect(listing).not.toContain(created.token);

    expect((await gateway(`/admin/operators/${created.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const after = await gateway("/admin/whoami", { headers: bearer(created.token) });
    expect(after.status).toBe(401);
    expect(await errorExtensions(after)).toMatchObject({ code: "UNAUTHENTICATED", reason: "unknown-operator" });
    expect((await gateway(`/admin/operators/${created.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
    const revoked = (
      (await (await gateway("/admin/operators", { headers: ADMIN })).json()) as { operators: Array<{ id: string; revokedAt?: string }> }
    ).operators;
    expect(revoked.find((o) => o.id === created.id)?.revokedAt).toEqual(expect.any(String));
  });

  it("lets an owner operator issue operators, naming them as the issuer", async () => {
    const owner = await createOperator(`owner.${crypto.randomUUID()}@example.com`, "owner");
    const response = await gateway(
      "/admin/operators",
      json({ email: `viewer.${crypto.randomUUID()}@example.com`, role: "viewer" }, bearer(owner.token)),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ role: "viewer", createdBy: owner.email });
  });

  it.each<[string, unknown, string]>([
    ["no email", { role: "viewer" }, "email"],
    ["a bad email", { email: "not-an-address", role: "viewer" }, "email"],
    ["an unknown role", { email: "a@example.com", role: "admin" }, "role"],
    ["an unknown field", { email: "a@example.com", role: "viewer", name: "A" }, "name"],
    ["not an object", ["a@example.com"], "(body)"],
  ])("refuses %s with 400 INVALID_CONFIG naming the field", async (_name, body, field) => {
    const response = await gateway("/admin/operators", json(body));
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_CONFIG", field });
  });

  it.each<[string, Record<string, string>]>([
    ["an unknown operator-shaped token", bearer(`ceo_${"A".repeat(43)}`)],
    ["a wrong admin token", bearer("not-the-admin-token")],
  ])("refuses %s with 401", async (_name, headers) => {
    const response = await gateway("/admin/whoami", { headers });
    expect(response.status).toBe(401);
    expect((await errorExtensions(response)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses a second live operator with the same e-mail, and allows it once the first is revoked", async () => {
    const email = `twice.${crypto.randomUUID()}@example.com`;
    const first = await createOperator(email, "viewer");
    const again = await gateway("/admin/operators", json({ email: email.toUpperCase(), role: "owner" }));
    expect(again.status).toBe(400);
    expect(await errorExtensions(again)).toMatchObject({ code: "INVALID_CONFIG", field: "email" });
    expect((await gateway(`/admin/operators/${first.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    expect((await createOperator(email, "editor")).role).toBe("editor");
  });

  it("answers whoami for the break-glass admin token as an owner", async () => {
    expect(await (await gateway("/admin/whoami", { headers: ADMIN })).json()).toEqual({ kind: "admin", role: "owner", via: "admin-token" });
  });
});
