import { describe, expect, it } from "vitest";
import { RATE_WINDOW_MS } from "../../src/authority/miss-window";
import { issueToken } from "../support/tokens";
import { demoProject, errorExtensions, originRequests, postQuery } from "../support/gateway";

/**
 * Origin protection (SPEC §3c) through the real Worker and the demo origin: `limits.originConcurrency`
 * (503 ORIGIN_BUSY, hits served, STALE where stale-if-error allows) and `rateLimits` (429
 * RATE_LIMITED, hits served, counted per client).
 */
const query = (first: number) => `{ pages(first: ${first}) { slug } }`;
/** The origin's delay while a request holds the only slot: well under the tests' ORIGIN_TIMEOUT_MS (1 s). */
const SLOW = "__delay/600/";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an origin request is {@link query}`(first)` (the gateway rewrites the document it forwards). */
const isQuery = (body: string, first: number) => new RegExp(`first: ${first}\\b`).test(body);

/** Waits until the demo origin has received `query(first)` (the slow request then holds its slot). */
async function originReceived(tag: string, first: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await originRequests(tag)).some((r) => isQuery(r.body, first))) return;
    await sleep(5);
  }
  throw new Error(`the origin never received query(${first})`);
}

describe("limits.originConcurrency", () => {
  it("a miss beyond the limit is 503 ORIGIN_BUSY with Retry-After; a hit meanwhile is served", async () => {
    const { content, tag } = await demoProject({ limits: { originConcurrency: 1, originQueueMs: 0 } }, SLOW);
    expect((await postQuery(content, { query: query(1) })).headers.get("x-cache")).toBe("MISS");

    const slow = postQuery(content, { query: query(2) });
    await originReceived(tag, 2);
    const busy = await postQuery(content, { query: query(3) });
    const hit = await postQuery(content, { query: query(1) });
    const stillBusy = await postQuery(content, { query: query(4) });

    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(busy.headers.get("cache-control")).toBe("no-store");
    expect(await errorExtensions(busy)).toEqual({ code: "ORIGIN_BUSY", limit: 1 });
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    // The hit was served while the slot was still taken.
    expect(stillBusy.status).toBe(503);
    await stillBusy.text();
    const first = await slow;
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    // Nothing refused reached the origin.
    const sent = (await originRequests(tag)).map((r) => r.body);
    expect(sent.filter((body) => isQuery(body, 3) || isQuery(body, 4))).toEqual([]);
  });

  it("a miss that finds the slot taken waits for it (up to originQueueMs; with 0 it is refused, above) and then goes", async () => {
    const { content, tag } = await demoProject({ limits: { originConcurrency: 1, originQueueMs: 5_000 } }, SLOW);
    expect((await postQuery(content, { query: query(1) })).status).toBe(200);
    const slow = postQuery(content, { query: query(2) });
    await originReceived(tag, 2);
    const waited = await postQuery(content, { query: query(3) });
    expect([waited.status, waited.headers.get("x-cache")]).toEqual([200, "MISS"]);
    expect((await slow).status).toBe(200);
  });

  it.each([
    { staleIfError: 3600, status: 200, xCache: "STALE" },
    { staleIfError: 0, status: 503, xCache: "MISS" },
  ])(
    "an expired entry while the origin is busy, staleIfError $staleIfError → $status $xCache",
    async ({ staleIfError, status, xCache }) => {
      const cache = { maxAge: 1, staleWhileRevalidate: 0, staleIfError };
      const { content, tag } = await demoProject({ cache, limits: { originConcurrency: 1, originQueueMs: 0 } }, SLOW);
      const primed = await postQuery(content, { query: query(1) });
      const body = await primed.text();
      await sleep(1_100);

      const slow = postQuery(content, { query: query(2) });
      await originReceived(tag, 2);
      const expired = await postQuery(content, { query: query(1) });
      expect(expired.status).toBe(status);
      expect(expired.headers.get("x-cache")).toBe(xCache);
      if (status === 200) {
        // The shared tier was asked first (its copy is as old): its member comes first (docs/shared-tier.md).
        expect(expired.headers.get("cache-status")).toMatch(
          /^content-edge-tier; fwd=miss, content-edge; fwd=stale; ttl=-?\d+; detail=stale-if-error$/,
        );
        expect(await expired.text()).toBe(body);
      } else {
        expect(expired.headers.get("retry-after")).toBe("1");
        expect((await errorExtensions(expired)).code).toBe("ORIGIN_BUSY");
      }
      expect((await slow).status).toBe(200);
    },
  );
});

/** Starts a test far enough from a minute boundary that its window cannot roll over mid-test. */
async function clearOfWindowEdge(marginMs = 5_000): Promise<void> {
  const left = RATE_WINDOW_MS - (Date.now() % RATE_WINDOW_MS);
  if (left < marginMs) await sleep(left + 50);
}

const from = (ip: string, extra: Record<string, string> = {}) => ({ "cf-connecting-ip": ip, ...extra });

describe("rateLimits", () => {
  it("a client over the limit gets 429 RATE_LIMITED with Retry-After; its hits are served; another address is not limited", async () => {
    await clearOfWindowEdge();
    const { content, tag } = await demoProject({ rateLimits: { missesPerMinute: 2, by: "ip" } });
    const a = from("203.0.113.1");
    expect((await postQuery(content, { query: query(1) }, a)).headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, { query: query(1) }, a)).headers.get("x-cache")).toBe("HIT");
    expect((await postQuery(content, { query: query(2) }, a)).headers.get("x-cache")).toBe("MISS");

    const limited = await postQuery(content, { query: query(3) }, a);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await errorExtensions(limited)).toEqual({ code: "RATE_LIMITED", limit: 2, by: "ip", retryAfter });

    const hit = await postQuery(content, { query: query(1) }, a);
    expect([hit.status, hit.headers.get("x-cache")]).toEqual([200, "HIT"]);
    const other = await postQuery(content, { query: query(3) }, from("203.0.113.2"));
    expect([other.status, other.headers.get("x-cache")]).toEqual([200, "MISS"]);
    // The refused miss never reached the origin: the other client's did.
    expect((await originRequests(tag)).filter((r) => isQuery(r.body, 3))).toHaveLength(1);
  });

  it.each([
    { by: "token", secondStatus: 200 },
    { by: "ip", secondStatus: 429 },
  ])("by $by: two tokens from one address → the second token's miss is $secondStatus", async ({ by, secondStatus }) => {
    await clearOfWindowEdge();
    const { content, projectId } = await demoProject({ rateLimits: { missesPerMinute: 1, by } });
    const ref = { projectId, environment: "master" };
    const permissions = [{ action: "read", model: "*", stages: "*", locales: "*" }];
    const one = await issueToken(ref, { name: "one", permissions });
    const two = await issueToken(ref, { name: "two", permissions });
    const ip = "198.51.100.9";
    expect((await postQuery(content, { query: query(1) }, from(ip, { authorization: `Bearer ${one.token}` }))).status).toBe(200);
    expect((await postQuery(content, { query: query(2) }, from(ip, { authorization: `Bearer ${one.token}` }))).status).toBe(429);
    expect((await postQuery(content, { query: query(2) }, from(ip, { authorization: `Bearer ${two.token}` }))).status).toBe(secondStatus);
  });

  it("every /v2 request counts: the same query twice over the limit of 1 is 429 the second time", async () => {
    await clearOfWindowEdge();
    const { v2, tag } = await demoProject({ rateLimits: { missesPerMinute: 1, by: "ip" } });
    const ip = from("192.0.2.44");
    expect((await postQuery(v2, { query: query(1) }, ip)).status).toBe(200);
    const second = await postQuery(v2, { query: query(1) }, ip);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await errorExtensions(second)).code).toBe("RATE_LIMITED");
    expect(await originRequests(tag)).toHaveLength(1);
  });
});
