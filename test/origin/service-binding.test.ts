import { describe, expect, it } from "vitest";
import { OriginError } from "../../src/errors";
import { callOrigin, fetcherFor } from "../../src/origin/client";

/**
 * A project whose origin is a service binding (the demo origin under `npm start`). Under a plain
 * `wrangler dev` of the gateway alone, Miniflare's dev registry answers for the missing Worker
 * with a 503 "Worker … not found"; the gateway says how to start it instead of passing on a 503.
 */
const binding = (status: number, body: string) => ({ fetch: async () => new Response(body, { status }) }) as unknown as Fetcher;
const call = (fetcher: Fetcher) =>
  callOrigin({
    url: "https://demo-origin.internal/graphql",
    body: "{}",
    headers: new Headers(),
    timeoutMs: 1000,
    fetch: fetcherFor("https://demo-origin.internal/graphql", new Map([["demo-origin.internal", fetcher]])),
  });

describe("an origin reached through a service binding", () => {
  it("whose Worker is not running: 502 ORIGIN_ERROR that says how to start it", async () => {
    const error = await call(binding(503, 'Worker "content-edge-demo-origin" not found. Make sure it is running locally.')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OriginError);
    expect(error).toMatchObject({ status: 502, extensions: { reason: "service-binding-not-running", host: "demo-origin.internal" } });
    expect((error as Error).message).toContain("npm start");
  });

  it("whose Worker itself answers 503: that answer, for the cache step to judge", async () => {
    const answer = await call(binding(503, '{"errors":[{"message":"busy"}]}'));
    expect(answer).toMatchObject({ status: 503, body: '{"errors":[{"message":"busy"}]}' });
  });
});
