import { describe, expect, it } from "vitest";
import { demoProject, errorCode, originRequests, postQuery } from "../support/gateway";

describe("what reaches the origin", () => {
  it("sends the project's originToken and the effective stage and locales, never the client's credentials or hop-by-hop headers", async () => {
    const { tag, content } = await demoProject({ originToken: "origin-secret-token" });
    const response = await postQuery(content, { query: "{ __typename }" }, {
      "gcms-stage": "PUBLISHED",
      "gcms-locales": "de, en",
      cookie: "session=abc",
      connection: "keep-alive, x-private",
      "x-private": "1",
      "proxy-authorization": "Basic Zm9vOmJhcg==",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
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
    const { tag, content } = await demoProject({}, fault);
    const started = Date.now();
    const response = await postQuery(content, { query: "{ __typename }" });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions.code).toBe(code);
    if (originStatus) expect(body.errors[0]?.extensions.originStatus).toBe(originStatus);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
    // The test config sets ORIGIN_TIMEOUT_MS=1000; a timeout must not wait for the origin's 3 s.
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(await originRequests(tag)).toHaveLength(1);
  });

  it("keeps serving the project after the origin failed", async () => {
    const { content } = await demoProject({}, "__status/500/");
    expect((await postQuery(content, { query: "{ __typename }" })).status).toBe(502);
    expect(await errorCode(await postQuery(content, { query: "{ __typename }" }))).toBe("ORIGIN_ERROR");
  });
});
