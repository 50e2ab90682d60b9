import { describe, expect, it } from "vitest";
import { BackgroundRefreshes, Coalescer, toSharedResult, type SharedResult } from "../../src/cache/coalesce";

const result = (text: string): SharedResult => ({
  status: 200,
  headers: [["content-type", "application/json"]],
  body: new TextEncoder().encode(text),
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("Coalescer", () => {
  it("shares one slow origin request among concurrent identical misses (bytes, not Responses)", async () => {
    const coalescer = new Coalescer({ followerTimeoutMs: 2_000 });
    const gate = deferred<void>();
    let calls = 0;
    const fetcher = async () => {
      calls++;
      await gate.promise; // slow origin
      return result('{"data":1}');
    };
    const runs = Array.from({ length: 5 }, () => coalescer.run("k", fetcher));
    await new Promise((r) => setTimeout(r, 20));
    expect(coalescer.has("k")).toBe(true);
    gate.resolve();
    const outcomes = await Promise.all(runs);
    expect(calls).toBe(1);
    expect(outcomes.map((o) => o.role).sort()).toEqual(["follower", "follower", "follower", "follower", "leader"]);
    for (const o of outcomes) {
      expect(o.result.body).toBeInstanceOf(Uint8Array);
      // Each request builds its own Response from the shared bytes.
      expect(await new Response(o.result.body, { status: o.result.status, headers: o.result.headers }).text()).toBe('{"data":1}');
    }
    expect(coalescer.pending).toBe(0);
  });

  it("does not coalesce different keys", async () => {
    const coalescer = new Coalescer();
    let calls = 0;
    const fetcher = async () => (calls++, result("{}"));
    await Promise.all([coalescer.run("a", fetcher), coalescer.run("b", fetcher)]);
    expect(calls).toBe(2);
  });

  it("followers fetch themselves when the leader fails; the leader sees its own error", async () => {
    const coalescer = new Coalescer({ followerTimeoutMs: 2_000 });
    const gate = deferred<void>();
    let calls = 0;
    const failing = async () => {
      calls++;
      await gate.promise;
      throw new Error("origin down");
    };
    const ok = async () => (calls++, result('{"data":2}'));
    const leader = coalescer.run("k", failing);
    const followers = [coalescer.run("k", ok), coalescer.run("k", ok)];
    gate.resolve();
    await expect(leader).rejects.toThrow("origin down");
    const out = await Promise.all(followers);
    expect(out.map((o) => o.role)).toEqual(["fallback", "fallback"]);
    expect(calls).toBe(3);
    expect(coalescer.pending).toBe(0);
  });

  it("a follower stops waiting for a slow or cancelled leader after the bound and frees its slot", async () => {
    const coalescer = new Coalescer({ followerTimeoutMs: 50 });
    let calls = 0;
    const never = () => (calls++, new Promise<SharedResult>(() => {})); // leader whose request went away
    const fast = async () => (calls++, result('{"data":3}'));
    void coalescer.run("k", never);
    const started = Date.now();
    const follower = await coalescer.run("k", fast);
    expect(follower.role).toBe("fallback");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(calls).toBe(2);
    // The stuck leader no longer captures later requests.
    expect(coalescer.has("k")).toBe(false);
    const next = await coalescer.run("k", fast);
    expect(next.role).toBe("leader");
    expect(calls).toBe(3);
  });

  it("a later request after the leader finished starts a new fetch", async () => {
    const coalescer = new Coalescer();
    let calls = 0;
    const fetcher = async () => (calls++, result("{}"));
    await coalescer.run("k", fetcher);
    await coalescer.run("k", fetcher);
    expect(calls).toBe(2);
  });
});

describe("toSharedResult and BackgroundRefreshes", () => {
  it("reads a Response into bytes, keeping only the listed headers", async () => {
    const shared = await toSharedResult(
      new Response('{"data":1}', { status: 200, headers: { "content-type": "application/json", "set-cookie": "a=b" } }),
      ["content-type"],
    );
    expect(shared).toEqual({ status: 200, headers: [["content-type", "application/json"]], body: new TextEncoder().encode('{"data":1}') });
  });

  it("runs one background refresh per key at a time", async () => {
    const now = 0;
    const refreshes = new BackgroundRefreshes(() => now, 30_000);
    const gate = deferred<void>();
    let runs = 0;
    const task = async () => {
      runs++;
      await gate.promise;
    };
    const first = refreshes.start("k", task);
    expect(first).toBeDefined();
    expect(refreshes.start("k", task)).toBeUndefined();
    expect(refreshes.start("other", async () => {})).toBeDefined();
    gate.resolve();
    await first;
    expect(runs).toBe(1);
    expect(refreshes.start("k", async () => Promise.reject(new Error("origin down")))).toBeDefined();
  });

  it("a refresh that never settles stops blocking after maxMs", () => {
    let now = 0;
    const refreshes = new BackgroundRefreshes(() => now, 1_000);
    void refreshes.start("k", () => new Promise(() => {}));
    expect(refreshes.isRunning("k")).toBe(true);
    now = 1_000;
    expect(refreshes.start("k", async () => {})).toBeDefined();
  });
});
