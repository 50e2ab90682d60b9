import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logUnhandledError } from "../src/platform/error-log";
import { projectKey } from "../src/projects/store";
import { ADMIN, demoOrigin, gateway, uniqueTag } from "./support/gateway";

/**
 * The one place unexpected failures become answers (src/app.ts onError): the client gets a
 * generic 500 INTERNAL_SERVER_ERROR, the operator a log line with the error's name, message and
 * stack — and never a credential, a secret or the request body.
 */
describe("an unhandled error", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers a generic 500 and logs name, message and stack, without tokens, secrets or the body", async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
    // A configuration corrupted in the store (no validation ran on it): reading its cache settings throws a TypeError.
    const tag = uniqueTag();
    const projectId = `p-${tag}`;
    await env.CONFIG.put(
      projectKey({ projectId, environment: "master" }),
      JSON.stringify({
        origin: demoOrigin(tag),
        originToken: "origin-secret-7f3a",
        webhookSecret: "webhook-secret-0123456789",
        defaultStage: "PUBLISHED",
        defaultLocale: "en",
        introspection: true,
        publicPermissions: [{ action: "read", model: "*", stages: "*", locales: "*" }],
        roles: {},
        cache: null,
      }),
    );
    const bodySecret = "body-secret-b0dy";
    const response = await gateway(`/content/${projectId}/master?utm=query-secret-q1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-42" },
      body: JSON.stringify({ query: "query($s: String) { posts(where: { slug_not: $s }) { title } }", variables: { s: bodySecret } }),
    });

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
    });

    const unhandled = logged.filter((args) => String(args[0]).includes("unhandled error"));
    expect(unhandled).toHaveLength(1);
    const text = JSON.stringify(unhandled[0]);
    expect(text).toContain("TypeError");
    expect(text).toMatch(/Cannot read properties of null \(reading '\w+'\)/); // the message says what was read of what
    expect(text).toMatch(/"at [^"]+:\d+:\d+\)?"/); // a stack frame with its position
    expect(text).toContain(`/content/${projectId}/master`);
    expect(text).toContain("req-42");
    for (const secret of ["origin-secret-7f3a", "webhook-secret-0123456789", bodySecret, "query-secret-q1", env.ADMIN_TOKEN]) {
      expect(text).not.toContain(secret);
    }
  });

  it("never logs the caller's credentials or the admin token, even when an error message carries them", async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
    const pat = "cep_abcdefghijklmnopqrstuvwxyz012345";
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
    const request = new Request("https://gateway.test/admin/projects/p/e?token=x", { headers: { ...ADMIN, "cf-ray": "8f00-AMS" } });
    const error = new Error(`upstream said: Bearer ${pat} / ${jwt} / ${env.ADMIN_TOKEN} / "{\\"password\\":\\"hunter2\\"}"`);
    logUnhandledError(error, request, [env.ADMIN_TOKEN]);
    const text = JSON.stringify(logged);
    expect(text).toContain("upstream said");
    expect(text).toContain("8f00-AMS");
    for (const secret of [pat, jwt, env.ADMIN_TOKEN, "hunter2", "token=x"]) expect(text).not.toContain(secret);
  });
});
