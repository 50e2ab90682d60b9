import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";

/** Without ADMIN_TOKEN the admin API is off, and says so (a plain `wrangler dev` starts that way). */
describe("admin API without ADMIN_TOKEN", () => {
  it.each([
    ["no credentials", {}],
    ["a guessed token", { authorization: "Bearer dev-admin-token" }],
  ])("answers %s with 401 saying it is disabled until ADMIN_TOKEN is set", async (_name, headers) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("http://gateway.test/admin/projects/demo/master", { headers }),
      { ...env, ADMIN_TOKEN: undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "admin-api-disabled" });
    expect(body.errors[0]?.message).toContain("ADMIN_TOKEN");
  });
});
