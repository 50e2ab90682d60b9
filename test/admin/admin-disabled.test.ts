import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";

/**
 * Without ADMIN_TOKEN and without Cloudflare Access the admin API is off, and says so (a plain
 * `wrangler dev` starts that way).
 */
describe("admin API without ADMIN_TOKEN or Access", () => {
  it.each([
    ["no credentials", {}],
    ["a guessed token", { authorization: "Bearer dev-admin-token" }],
  ])("answers %s with 401 saying it is disabled until ADMIN_TOKEN is set", async (_name, headers) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("http://gateway.test/admin/projects/demo/master", { headers }),
      { ...env, ADMIN_TOKEN: undefined, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined, ACCESS_ROLES: undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "admin-api-disabled" });
    expect(body.errors[0]?.message).toContain("ADMIN_TOKEN");
  });

  it("still admits an operator token when only ADMIN_TOKEN is unset (operators issued before keep working)", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("http://gateway.test/admin/whoami", { headers: { authorization: `Bearer ceo_${"A".repeat(43)}` } }),
      { ...env, ADMIN_TOKEN: undefined, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined, ACCESS_ROLES: undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    // Looked up (and unknown), not refused as "disabled".
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]?.extensions).toMatchObject({
      reason: "unknown-operator",
    });
  });
});
