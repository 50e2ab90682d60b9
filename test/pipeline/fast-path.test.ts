import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import type { Authority } from "../../src/authority/client";
import { emptyView } from "../../src/authority/view";
import { createEntry } from "../../src/cache/entry";
import { ipFirewall } from "../../src/policies/ip-rules";
import { FastPath, fastKey, notePriming } from "../../src/pipeline/fast-path";
import { StatsRecorder } from "../../src/stats/recorder";
import { sumCounts, type StatsStore } from "../../src/stats/buckets";
import { histogramCount } from "../../src/stats/latency";

/**
 * The fast path's checks, one by one (issue 13): a primed repeat is answered with the full path's
 * headers and fresh age and Cache-Status; anything the full path would decide differently —
 * another header, a moved authority view, an expired entry or token, a changed schema, a refused
 * address — is left to the full path.
 */
const ref = { projectId: "p", environment: "master" };
const OPERATION = `${"a".repeat(64)} Posts`;
const T0 = 1_700_000_000_000;

function setUp(options: { principal?: Principal; expiresAt?: number; firewall?: ReturnType<typeof ipFirewall> } = {}) {
  let now = T0;
  const view = { ...emptyView(), seq: 7 };
  let viewKnown = true;
  let schema = "h1";
  const authority = { current: () => (viewKnown ? view : undefined) } as unknown as Authority;
  const stats = new StatsRecorder({ put: async () => undefined, list: async () => [] } as StatsStore, { now: () => now });
  /** What the traffic view would show of the fast path's counting: hits, timed hits, and the operation's requests. */
  const counted = async () => {
    const [bucket] = await stats.buckets(ref.projectId, ref.environment);
    const timed = Object.values(bucket?.latency ?? {}).reduce((n, [hits = {}]) => n + histogramCount(hits), 0);
    return { hits: sumCounts(bucket ? [bucket] : []).hits, timed, operations: bucket?.operations ?? {} };
  };
  const fast = new FastPath({ authority, stats, now: () => now, schemaHash: () => schema });
  return {
    fast,
    view,
    counted,
    setNow: (t: number) => void (now = t),
    forgetView: () => void (viewKnown = false),
    changeSchema: () => void (schema = "h2"),
    async prime(request: Request, body: string, status = 200) {
      const entry = await createEntry({
        body: new TextEncoder().encode('{"data":{}}'),
        headers: { "content-type": "application/json" },
        storedAt: T0,
      });
      notePriming(request, {
        hit: { entry, policy: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 0 }, seq: 7 },
        ref,
        origin: "https://origin.test",
        principal: options.principal ?? { kind: "public", rules: [] },
        schemaHash: "h1",
        firewall: options.firewall,
        operation: OPERATION,
      });
      const response = new Response(status === 304 ? null : '{"data":{}}', {
        status,
        headers: {
          "x-cache": "HIT",
          "cache-status": "content-edge; hit; ttl=60",
          age: "0",
          "server-timing": 'cache;desc="HIT";dur=1.0',
          vary: "accept",
          "access-control-allow-origin": "*",
        },
      });
      fast.prime(fastKey(request.method, request.url, request.headers, body), request, response);
      return entry;
    },
  };
}

const post = (headers: Record<string, string> = {}) =>
  new Request("http://gateway.test/content/p/master", { method: "POST", headers: { "content-type": "application/json", ...headers } });
const ctx = { waitUntil: () => undefined };
const keyOf = (request: Request, body = "{}") => fastKey(request.method, request.url, request.headers, body);

describe("fastKey: every header that can change the answer is part of the key", () => {
  it.each([
    ["authorization", { authorization: "Bearer cep_x" }],
    ["an empty authorization (a 401, not the public answer)", { authorization: "" }],
    ["gcms-stage", { "gcms-stage": "DRAFT" }],
    ["gcms-locales", { "gcms-locales": "de" }],
    ["hyg-stale-while-revalidate", { "hyg-stale-while-revalidate": "5" }],
    ["hyg-stale-if-error", { "hyg-stale-if-error": "5" }],
    ["accept", { accept: "application/graphql-response+json" }],
    ["origin", { origin: "https://site.example" }],
    ["if-none-match", { "if-none-match": '"abc"' }],
  ])("%s", (_name, headers) => {
    expect(keyOf(post(headers))).not.toBe(keyOf(post()));
  });

  it("ignores headers that cannot change the answer, and tells bodies apart", () => {
    expect(keyOf(post({ "user-agent": "x", "x-request-id": "1" }))).toBe(keyOf(post()));
    expect(keyOf(post(), '{"query":"{ a }"}')).not.toBe(keyOf(post(), '{"query":"{ b }"}'));
  });
});

describe("FastPath: answers a primed repeat only while nothing the full path checks has changed", () => {
  it("answers with the full path's headers, a fresh age, Cache-Status and Server-Timing, and counts a hit", async () => {
    const s = setUp();
    const request = post();
    await s.prime(request, "{}");
    s.setNow(T0 + 12_500);
    const answer = s.fast.answer(keyOf(post()), post(), ctx)!;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('{"data":{}}');
    expect(Object.fromEntries(answer.headers)).toMatchObject({
      "x-cache": "HIT",
      "cache-status": "content-edge; hit; ttl=48",
      age: "12",
      vary: "accept",
      "access-control-allow-origin": "*",
    });
    expect(answer.headers.get("server-timing")).toMatch(/^cache;desc="HIT";dur=\d+\.\d$/);
    // One hit, timed, and counted for its operation (whose hash the fast path was given, never computed).
    expect(await s.counted()).toEqual({ hits: 1, timed: 1, operations: { [OPERATION]: [1, 0] } });
  });

  it("repeats a 304 without a body", async () => {
    const s = setUp();
    const request = new Request("http://gateway.test/content/p/master?query=%7Ba%7D", { headers: { "if-none-match": '"e"' } });
    await s.prime(request, "", 304);
    const answer = s.fast.answer(keyOf(request, ""), request, ctx)!;
    expect(answer.status).toBe(304);
    expect(answer.body).toBeNull();
  });

  it.each<[string, (s: ReturnType<typeof setUp>) => void]>([
    ["the authority view moved (a purge, a write, a rule or a revocation)", (s) => void (s.view.seq = 8)],
    ["the view is not confirmed within 250 ms (the full path refreshes it)", (s) => s.forgetView()],
    ["the entry is no longer fresh", (s) => s.setNow(T0 + 60_000)],
    ["the schema the decision was made with changed", (s) => s.changeSchema()],
  ])("does not answer once %s", async (_name, change) => {
    const s = setUp();
    await s.prime(post(), "{}");
    change(s);
    expect(s.fast.answer(keyOf(post()), post(), ctx)).toBeUndefined();
    expect(await s.counted()).toEqual({ hits: 0, timed: 0, operations: {} });
  });

  it("does not answer for a token past its expiry", async () => {
    const s = setUp({ principal: { kind: "pat", rules: [], expiresAt: T0 + 1_000 } });
    const request = post({ authorization: "Bearer cep_token" });
    await s.prime(request, "{}");
    s.setNow(T0 + 1_000);
    expect(s.fast.answer(keyOf(request), request, ctx)).toBeUndefined();
  });

  it("never remembers a JWT principal's answer", async () => {
    const s = setUp({ principal: { kind: "jwt", rules: [] } });
    const request = post({ authorization: "Bearer a.b.c" });
    await s.prime(request, "{}");
    expect(s.fast.answer(keyOf(request), request, ctx)).toBeUndefined();
  });

  it("checks every repeat's address against the IP firewall", async () => {
    const s = setUp({ firewall: ipFirewall({ allow: ["203.0.113.0/24"] }) });
    await s.prime(post({ "cf-connecting-ip": "203.0.113.9" }), "{}");
    expect(s.fast.answer(keyOf(post()), post({ "cf-connecting-ip": "198.51.100.1" }), ctx)).toBeUndefined();
  });

  it("remembers only fresh hits", async () => {
    const s = setUp();
    const request = post();
    notePriming(request, {
      hit: {
        entry: await createEntry({ body: new Uint8Array(1), headers: {}, storedAt: T0 }),
        policy: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 },
        seq: 7,
      },
      ref,
      origin: "o",
      principal: { kind: "public", rules: [] },
      schemaHash: "h1",
      firewall: undefined,
    });
    s.fast.prime(keyOf(request), request, new Response("{}", { headers: { "x-cache": "STALE" } }));
    expect(s.fast.answer(keyOf(request), request, ctx)).toBeUndefined();
  });
});
