import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startLocations, type Locations } from "./harness";

/**
 * Traffic statistics across locations (issues 15 and 12): each location's isolate counts in
 * memory and flushes its totals to the project's authority (the Durable Object every location
 * shares) from `waitUntil`; the stats routes read the object. Traffic served at a and b must be
 * visible, summed, through the routes at c, which served none of it and whose KV (delayed by 60 s)
 * never saw the project. Locations flush at most once a second here (`STATS_FLUSH_MS=1000`).
 */
const FLUSH_MS = 1_000;
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
const COUNTED = { HIT: "hits", MISS: "misses", STALE: "stale", BYPASS: "bypasses" } as const;

let world: Locations;

beforeAll(async () => {
  world = await startLocations({ kvDelayMs: 60_000, statsFlushMs: FLUSH_MS });
}, 120_000);

afterAll(async () => {
  await world?.dispose();
});

/** Sends a query; returns its status and what the cache step answered (`x-cache`). */
async function query(location: string, path: string, q: string, headers: Record<string, string> = {}) {
  const response = await world.fetch(location, path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: q }),
  });
  await response.text();
  return { status: response.status, cache: response.headers.get("x-cache") };
}

/** Polls `path` at `location` until `done` holds for its JSON (at most 10 s); returns the last answer. */
async function until<T>(location: string, path: string, done: (body: T) => boolean): Promise<T> {
  const started = performance.now();
  for (;;) {
    const response = await world.fetch(location, path, { headers: ADMIN });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as T;
    if (done(body) || performance.now() - started > 10_000) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A new project, configured at a, whose published content anyone may read. */
async function createPublicProject(): Promise<{ projectId: string; content: string }> {
  const projectId = `stats-${crypto.randomUUID().slice(0, 8)}`;
  const put = await world.fetch("a", `/admin/projects/${projectId}/master`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({
      origin: "https://demo-origin.internal/graphql",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
    }),
  });
  expect(put.status).toBe(200);
  const content = `/content/${projectId}/master`;
  // b and c find a new project in the project directory (not in their KV, 60 s behind) within about
  // a second; asked through the explorer page, which counts no traffic.
  for (const location of ["b", "c"]) {
    const started = performance.now();
    const page = () => world.fetch(location, content, { headers: { accept: "text/html" } }).then(async (r) => (await r.text(), r.status));
    while ((await page()) === 404 && performance.now() - started < 5_000) await new Promise((r) => setTimeout(r, 50));
  }
  return { projectId, content };
}

describe("stats flushed to the project's authority", () => {
  it("traffic at a and b is summed by the stats and traffic routes at c", async () => {
    const { projectId, content } = await createPublicProject();
    const expected = { hits: 0, misses: 0, stale: 0, bypasses: 0 };
    const count = (answer: { status: number; cache: string | null }) => {
      expect(answer.status).toBe(200);
      expected[COUNTED[answer.cache as keyof typeof COUNTED]]++;
    };

    for (const [location, times] of [
      ["a", 4],
      ["b", 3],
    ] as const) {
      for (let i = 0; i < times; i++) count(await query(location, content, "{ posts(first: 1) { title } }"));
    }
    // A public read of DRAFT at b: refused (403), counted apart from the cache step's requests.
    expect((await query("b", content, "{ posts(first: 1) { title } }", { "gcms-stage": "DRAFT" })).status).toBe(403);
    // One more request at each location once the interval has passed hands its flush to waitUntil.
    await new Promise((r) => setTimeout(r, FLUSH_MS + 100));
    for (const location of ["a", "b"]) count(await query(location, content, "{ posts(first: 1) { title } }"));

    const requests = expected.hits + expected.misses + expected.stale + expected.bypasses;
    expect(requests).toBe(9);
    // a missed first; b, whose cache is its own, finds a's answer in the shared tier (a HIT) unless a's
    // background write to the tier had not landed yet (then a MISS of its own).
    expect(expected.misses).toBeGreaterThanOrEqual(1);

    const stats = await until<Record<string, unknown>>("c", `/admin/projects/${projectId}/master/stats`, (s) => s["requests"] === requests);
    const cacheable = expected.hits + expected.misses + expected.stale;
    expect(stats).toEqual({ ...expected, originErrors: 0, requests, hitRatio: expected.hits / cacheable });

    const traffic = await until<{ day: Record<string, unknown>; refusalCodes: unknown; topFailedActions: unknown }>(
      "c",
      `/admin/projects/${projectId}/master/traffic`,
      (t) => t.day["refusals"] === 1,
    );
    expect(traffic.day).toMatchObject({ ...expected, requests, refusals: 1, forbidden: 1, unauthenticated: 0 });
    expect(traffic.refusalCodes).toEqual([{ code: "403 FORBIDDEN", count: 1 }]);
    expect(traffic.topFailedActions).toEqual([{ action: "read", model: "Post", stage: "DRAFT", locale: "en", count: 1 }]);
  });

  it("a location cut off from the authority keeps serving; its counts reach the object once it is back", async () => {
    const { projectId, content } = await createPublicProject();
    for (let i = 0; i < 3; i++) expect((await query("b", content, "{ posts(first: 1) { id } }")).status).toBe(200);
    await world.reachable("b", false);
    try {
      // Past the flush interval, within the authority's stale limit: the request is served, its flush fails quietly.
      await new Promise((r) => setTimeout(r, FLUSH_MS + 100));
      expect((await query("b", content, "{ posts(first: 1) { id } }")).status).toBe(200);
    } finally {
      await world.reachable("b", true);
    }
    await new Promise((r) => setTimeout(r, FLUSH_MS + 100));
    expect((await query("b", content, "{ posts(first: 1) { id } }")).status).toBe(200);
    const stats = await until<Record<string, unknown>>("c", `/admin/projects/${projectId}/master/stats`, (s) => s["requests"] === 5);
    expect(stats).toMatchObject({ requests: 5, misses: 1, hits: 4 });
  });
});
