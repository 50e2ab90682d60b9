import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GATEWAY_USER_AGENT } from "../../src/origin/headers";
import { schemaKey } from "../../src/schema/store";
import { configureProject, demoOrigin, demoProject, errorCode, originRequests, postQuery, PUBLIC_READ } from "../support/gateway";

/**
 * A project whose origin fails in the given way on queries, but whose schema the gateway already
 * learned while the origin was healthy (as in production: the schema is known, then the origin
 * has a bad minute).
 */
async function projectWithFailingOrigin(fault: string) {
  const project = await demoProject();
  expect((await postQuery(project.content, { query: "{ __typename }" })).status).toBe(200);
  const ref = { projectId: project.projectId, environment: "master" };
  const learned = (await env.CONFIG.get<{ origin: string }>(schemaKey(ref), "json"))!;
  const failing = demoOrigin(project.tag, fault);
  await env.CONFIG.put(schemaKey(ref), JSON.stringify({ ...learned, origin: failing }));
  await configureProject(project.projectId, "master", { origin: failing, publicPermissions: PUBLIC_READ });
  return project;
}

describe("what reaches the origin", () => {
  it("sends the project's originToken and the effective stage and locales, never the client's credentials or hop-by-hop headers", async () => {
    const { tag, content } = await demoProject({ originToken: "origin-secret-token" });
    const response = await postQuery(
      content,
      { query: "{ __typename }" },
      {
        "gcms-stage": "PUBLISHED",
        "gcms-locales": "de, en",
        cookie: "session=abc",
        connection: "keep-alive, x-private",
        "x-private": "1",
        "proxy-authorization": "Basic Zm9vOmJhcg==",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
    );
    expect(response.status).toBe(200);
    const [reached] = await originRequests(tag);
    expect(reached?.headers).toMatchObject({
      authorization: "Bearer origin-secret-token",
      "gcms-stage": "PUBLISHED",
      "gcms-locales": "de,en",
      "content-type": "application/json",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
    for (const name of ["cookie", "x-private", "proxy-authorization", "keep-alive"]) expect(reached?.headers).not.toHaveProperty(name);
  });

  it("on /content, only the scope the key holds and the tracing headers of the client reach the origin: exactly these", async () => {
    const { tag, content } = await demoProject({ originToken: "origin-secret-token" });
    const response = await postQuery(
      content,
      { query: "{ __typename }" },
      {
        "user-agent": "Mozilla/5.0 (iPhone)",
        "accept-language": "de",
        "x-forwarded-for": "203.0.113.9",
        "x-custom": "1",
        origin: "https://www.example.com",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate: "vendor=1",
        "x-request-id": "req-1",
      },
    );
    expect(response.status).toBe(200);
    const [reached] = await originRequests(tag);
    // cache-control and pragma say no-store: the fetch's `cache: "no-store"` (caching is the gateway's job).
    expect(Object.keys(reached!.headers).sort()).toEqual([
      "accept",
      "authorization",
      "cache-control",
      "content-length",
      "content-type",
      "gcms-locales",
      "gcms-stage",
      "pragma",
      "traceparent",
      "tracestate",
      "user-agent",
      "x-request-id",
    ]);
    expect(reached!.headers["user-agent"]).toBe(GATEWAY_USER_AGENT);
  });

  it.each(["content", "v2"] as const)("on /%s, the origin sees the gateway's user agent, never a client's", async (endpoint) => {
    const project = await demoProject();
    for (const [userAgent, query] of [
      ["Mozilla/5.0 (iPhone)", "{ posts { id } }"],
      ["curl/8.5.0", "{ posts { title } }"],
    ]) {
      expect((await postQuery(project[endpoint], { query }, { "user-agent": userAgent! })).status).toBe(200);
    }
    const reached = await originRequests(project.tag);
    expect(reached.map((record) => record.headers["user-agent"])).toEqual([GATEWAY_USER_AGENT, GATEWAY_USER_AGENT]);
  });

  it("falls back to the project's default stage and locale when the client names none", async () => {
    const { tag, content } = await demoProject({ defaultStage: "DRAFT", defaultLocale: "de" });
    await postQuery(content, { query: "{ __typename }" });
    const [reached] = await originRequests(tag);
    expect(reached?.headers["gcms-stage"]).toBe("DRAFT");
    expect(reached?.headers["gcms-locales"]).toBe("de");
  });
});

describe("origin failures become GraphQL errors, never hangs or stack traces", () => {
  it.each([
    ["a 500", "__status/500/", 502, "ORIGIN_ERROR", 500],
    ["a 503", "__status/503/", 502, "ORIGIN_ERROR", 503],
    ["a timeout", "__delay/3000/", 504, "ORIGIN_TIMEOUT", undefined],
  ])("answers %s from the origin with a typed error", async (_name, fault, status, code, originStatus) => {
    const { tag, content } = await projectWithFailingOrigin(fault);
    const started = Date.now();
    const response = await postQuery(content, { query: "{ __typename }" });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions.code).toBe(code);
    if (originStatus) expect(body.errors[0]?.extensions.originStatus).toBe(originStatus);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
    // The test config sets ORIGIN_TIMEOUT_MS=1000; a timeout must not wait for the origin's 3 s.
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("answers 502 when the origin's schema cannot be learned, and never forwards the query unchecked", async () => {
    const { tag, content } = await demoProject({}, "__status/500/");
    const response = await postQuery(content, { query: "{ posts { title } }" });
    expect(response.status).toBe(502);
    expect(await errorCode(response)).toBe("ORIGIN_ERROR");
    // Only introspection attempts reached the origin (at PUT, to check the rules, and now): never the query.
    const reached = await originRequests(tag, { introspection: true });
    expect(reached.length).toBeGreaterThan(0);
    expect(reached.every((record) => record.body.includes("IntrospectionQuery"))).toBe(true);
  });

  it("keeps serving the project after the origin failed", async () => {
    const { content } = await projectWithFailingOrigin("__status/500/");
    expect((await postQuery(content, { query: "{ __typename }" })).status).toBe(502);
    expect(await errorCode(await postQuery(content, { query: "{ __typename }" }))).toBe("ORIGIN_ERROR");
  });
});
