import { beforeAll, describe, expect, it } from "vitest";
import { accessKey, publishAccessKeys, serviceTokenClaims, signAccess, type AccessKey } from "../support/access";
import { ADMIN, errorExtensions, gateway } from "../support/gateway";

/**
 * The admin API behind Cloudflare Access (SPEC §5a): the test environment's ACCESS_ROLES is
 * `owner@example.com=owner, *@editors.example=editor, group:content-readers=viewer,
 * service:ci.access=viewer` (test/vitest.gateway.config.ts); the demo origin serves the team's certs.
 */
let key: AccessKey;
let stranger: AccessKey;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  key = await accessKey();
  stranger = await accessKey();
  await publishAccessKeys(key);
});

async function whoami(assertion: string, headers: Record<string, string> = {}) {
  const response = await gateway("/admin/whoami", { headers: { "cf-access-jwt-assertion": assertion, ...headers } });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { errors?: Array<{ extensions: Record<string, unknown> }> },
  };
}

describe("signing in to the admin API through Cloudflare Access", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "an owner by e-mail (any case)",
      { email: "Owner@Example.com" },
      { kind: "operator", email: "owner@example.com", role: "owner", via: "access" },
    ],
    ["an editor by domain", { email: "bo@editors.example" }, { email: "bo@editors.example", role: "editor" }],
    ["a viewer by group", { email: "cy@elsewhere.example", groups: ["content-readers"] }, { role: "viewer" }],
    ["a service token", serviceTokenClaims("ci.access"), { kind: "operator", id: "service:ci.access", role: "viewer", via: "access" }],
  ])("%s", async (_name, claims, expected) => {
    const { status, body } = await whoami(await signAccess(key, now(), claims));
    expect(status).toBe(200);
    expect(body).toMatchObject(expected);
  });

  it("tells an identity ACCESS_ROLES grants no role so, and refuses it everything else with 403 FORBIDDEN_ROLE", async () => {
    const assertion = await signAccess(key, now(), { email: "mallory@example.org" });
    expect(await whoami(assertion)).toEqual({
      status: 200,
      body: { kind: "operator", email: "mallory@example.org", role: null, via: "access" },
    });
    const response = await gateway("/admin/projects/demo/master", { headers: { "cf-access-jwt-assertion": assertion } });
    expect(response.status).toBe(403);
    expect(await errorExtensions(response)).toMatchObject({ code: "FORBIDDEN_ROLE", required: "viewer", role: null });
  });

  it("refuses a viewer's purge with 403 FORBIDDEN_ROLE naming editor", async () => {
    const response = await gateway("/admin/projects/demo/master/purge", {
      method: "POST",
      headers: { "cf-access-jwt-assertion": await signAccess(key, now(), { email: "cy@elsewhere.example", groups: ["content-readers"] }) },
    });
    expect(response.status).toBe(403);
    expect(await errorExtensions(response)).toMatchObject({ code: "FORBIDDEN_ROLE", required: "editor", role: "viewer" });
  });

  it.each<[string, () => Promise<string>, string]>([
    ["a bad audience", () => signAccess(key, now(), { aud: ["another-application"] }), "access-bad-audience"],
    ["a bad issuer", () => signAccess(key, now(), { iss: "https://other.cloudflareaccess.com" }), "access-bad-issuer"],
    ["an expired assertion", () => signAccess(key, now() - 2 * 86_400), "access-expired"],
    ["an unknown key", () => signAccess(stranger, now()), "access-unknown-key"],
  ])("refuses %s with 401", async (_name, assertion, reason) => {
    const { status, body } = await whoami(await assertion());
    expect(status).toBe(401);
    expect(body.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason });
  });

  it("lets an explicit Authorization win over an assertion (break-glass behind Access)", async () => {
    const { status, body } = await whoami(await signAccess(key, now(), { email: "mallory@example.org" }), ADMIN);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: "admin", role: "owner" });
  });
});
