import { describe, expect, it } from "vitest";
import type { Change } from "../../src/authority/changes";
import { Authority, LOCATION_GRACE_MS, MEMORY_FRESH_MS } from "../../src/authority/client";
import type { AuthorityNamespace, AuthorityRpc } from "../../src/authority/rpc";
import { AuthorityState } from "../../src/authority/state";
import { backgroundWork, frozenClock } from "../support/cache";

/**
 * The read tiers of a location (isolate memory ≤ 250 ms → the location's Cache API copy ≤ 1 s →
 * the object) against the real state machine behind a counting, failable stand-in for the
 * Durable Object stub, with a frozen clock and a Cache of the test's own (one "location").
 */
function world() {
  const clock = frozenClock(1_700_000_000_000);
  const state = new AuthorityState(clock.now);
  const object = { calls: 0, down: false, hang: false };
  const rpc: Partial<AuthorityRpc> = {
    sync: async (since) => {
      object.calls++;
      if (object.hang) return new Promise(() => undefined);
      if (object.down) throw new Error("unreachable");
      return state.sync(since);
    },
    invalidate: async (changes, since) => {
      object.calls++;
      if (object.down) throw new Error("unreachable");
      state.apply(changes);
      return state.sync(since);
    },
  };
  const namespace: AuthorityNamespace = { idFromName: (name) => ({ name }) as unknown as DurableObjectId, get: () => rpc };
  const cacheName = `authority-test-${crypto.randomUUID()}`;
  let cache: Cache | undefined;
  const work = backgroundWork();
  return {
    clock,
    state,
    object,
    work,
    async location(callTimeoutMs?: number, maxViews?: number) {
      cache ??= await caches.open(cacheName);
      const opened = cache;
      /** One isolate of the location. */
      return new Authority(namespace, {
        now: clock.now,
        cache: () => opened,
        staleLimitMs: 10_000,
        ...(callTimeoutMs ? { callTimeoutMs } : {}),
        ...(maxViews ? { maxViews } : {}),
      });
    },
  };
}

const ref = { projectId: "tiers", environment: "master" };
const change: Change = { kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: true };

describe("Authority: tiered reads", () => {
  it("asks the object once, then memory for 250 ms, then the location's copy — another isolate of the location reads the copy", async () => {
    const w = world();
    const a = await w.location();
    await a.view(ref, w.work.waitUntil);
    await w.work.settle();
    expect(w.object.calls).toBe(1);
    expect(a.current(ref)).toBeDefined();
    w.clock.advance(MEMORY_FRESH_MS / 1000 + 0.001);
    expect(a.current(ref)).toBeUndefined(); // memory no longer fresh: the next read looks again
    await a.view(ref, w.work.waitUntil);
    const b = await w.location();
    await b.view(ref, w.work.waitUntil);
    expect(w.object.calls).toBe(1);
  });

  it("a change at the object is seen within 1.5 s under steady traffic, and about one request per second reaches the object", async () => {
    const w = world();
    const isolates = [await w.location(), await w.location(), await w.location()];
    await isolates[0]!.view(ref, w.work.waitUntil);
    await w.work.settle();
    let changedAt = -1;
    let seenAt = -1;
    const start = w.clock.now();
    // 10 s of traffic: every isolate reads every 50 ms.
    for (let t = 0; t < 10_000; t += 50) {
      w.clock.advance(0.05);
      if (t === 4_000) {
        w.state.apply([change]);
        changedAt = w.clock.now();
      }
      for (const isolate of isolates) {
        const view = await isolate.view(ref, w.work.waitUntil);
        if (
          changedAt > 0 &&
          seenAt < 0 &&
          view.members.has("E|PUBLISHED|Post|p1") &&
          isolates.every((i) => i.current(ref)?.members.has("E|PUBLISHED|Post|p1") ?? false)
        )
          seenAt = w.clock.now();
      }
      await w.work.settle();
    }
    const seconds = (w.clock.now() - start) / 1000;
    expect(seenAt - changedAt).toBeLessThanOrEqual(LOCATION_GRACE_MS + MEMORY_FRESH_MS);
    expect(w.object.calls / seconds).toBeLessThanOrEqual(1.1);
  });

  it("a write is seen at once by the isolate that made it", async () => {
    const w = world();
    const a = await w.location();
    await a.view(ref, w.work.waitUntil);
    await a.invalidate(ref, [change], w.work.waitUntil);
    expect(a.current(ref)?.members.has("E|PUBLISHED|Post|p1")).toBe(true);
  });
});

describe("Authority: while the object is unreachable", () => {
  it("decides with the view it has for up to the stale limit, then fails closed with 503; recovers when the object is back", async () => {
    const w = world();
    const a = await w.location();
    await a.view(ref, w.work.waitUntil);
    w.object.down = true;
    for (const seconds of [2, 5, 9.9]) {
      w.clock.advance(seconds - (w.clock.now() - 1_700_000_000_000) / 1000);
      await expect(a.view(ref, w.work.waitUntil)).resolves.toBeDefined();
      await w.work.settle();
    }
    w.clock.advance(0.2); // 10.1 s without the object
    await expect(a.view(ref, w.work.waitUntil)).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      status: 503,
      extensions: { reason: "authority-unavailable" },
    });
    w.object.down = false;
    w.clock.advance(1.1);
    await expect(a.view(ref, w.work.waitUntil)).resolves.toBeDefined();
  });

  it("a hanging object makes only the request that finds it failing wait (for the call timeout); the next ones go on at once", async () => {
    const w = world();
    const a = await w.location(300);
    await a.view(ref, w.work.waitUntil);
    w.object.hang = true;
    w.clock.advance(2);
    let started = performance.now();
    await a.view(ref, w.work.waitUntil);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    for (let i = 0; i < 5; i++) {
      w.clock.advance(0.4);
      started = performance.now();
      await a.view(ref, w.work.waitUntil);
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it("a location that never reached the object fails closed at once; writes fail closed", async () => {
    const w = world();
    w.object.down = true;
    const a = await w.location();
    await expect(a.view(ref, w.work.waitUntil)).rejects.toMatchObject({ status: 503 });
    await expect(a.invalidate(ref, [change], w.work.waitUntil)).rejects.toMatchObject({ status: 503 });
  });
});

describe("Authority: memory per isolate", () => {
  it("keeps the views of at most maxViews projects, least recently used first out (issue 19: no map entry per name without bound)", async () => {
    const w = world();
    const a = await w.location(undefined, 2);
    const [one, two, three] = ["one", "two", "three"].map((projectId) => ({ projectId, environment: "master" }));
    await a.view(one!, w.work.waitUntil);
    await a.view(two!, w.work.waitUntil);
    await a.view(one!, w.work.waitUntil); // one is used again: two is now the least recently used
    await a.view(three!, w.work.waitUntil);
    expect([a.current(one!), a.current(two!), a.current(three!)].map((view) => view !== undefined)).toEqual([true, false, true]);
  });
});
