import { describe, expect, it } from "vitest";
import { TierLeases } from "../../src/tier/leases";

/** A clock and a timer the test moves by hand: `advance` fires every sleep that is due. */
function manualTime() {
  let t = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: t + ms, wake })),
    advance(ms: number) {
      t += ms;
      for (const s of sleepers.splice(0)) (s.at <= t ? s.wake : () => sleepers.push(s))();
    },
  };
}

function leases(options: { leaseMs?: number; maxKeys?: number } = {}) {
  const time = manualTime();
  return {
    time,
    leases: new TierLeases<string>({ leaseMs: options.leaseMs ?? 1_000, maxKeys: options.maxKeys, now: time.now, sleep: time.sleep }),
  };
}

describe("TierLeases: coalescing misses across locations", () => {
  it("grants one lease per key; later callers are told to wait and get the holder's answer", async () => {
    const { leases: l } = leases();
    expect(l.claim("k")).toBe("lease");
    expect(l.claim("k")).toBe("pending");
    expect(l.claim("other")).toBe("lease");
    const waiters = [l.wait("k", 5_000), l.wait("k", 5_000)];
    expect(l.settle("k", "answer")).toBe(2);
    expect(await Promise.all(waiters)).toEqual(["answer", "answer"]);
    // Settled: the next miss of the key starts a new lease.
    expect(l.claim("k")).toBe("lease");
  });

  it("a waiter stops waiting after its own bound (then goes to the origin itself)", async () => {
    const { leases: l, time } = leases({ leaseMs: 10_000 });
    l.claim("k");
    const waiting = l.wait("k", 250);
    time.advance(249);
    let settled = false;
    void waiting.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    time.advance(1);
    expect(await waiting).toBeUndefined();
    // A late answer wakes no one who already left.
    expect(l.settle("k", "late")).toBe(0);
  });

  it("a holder that gives up (release) wakes its waiters empty-handed", async () => {
    const { leases: l } = leases();
    l.claim("k");
    const waiting = l.wait("k", 5_000);
    l.settle("k", undefined);
    expect(await waiting).toBeUndefined();
  });

  it("an expired lease goes to the next caller; existing waiters get the new holder's answer", async () => {
    const { leases: l, time } = leases({ leaseMs: 1_000 });
    l.claim("k");
    const waiting = l.wait("k", 10_000);
    time.advance(1_000);
    expect(l.claim("k")).toBe("lease");
    expect(l.claim("k")).toBe("pending");
    l.settle("k", "from the second holder");
    expect(await waiting).toBe("from the second holder");
  });

  it("waiting on a key without a lease returns at once", async () => {
    const { leases: l } = leases();
    expect(await l.wait("nobody", 5_000)).toBeUndefined();
  });

  it.each([
    { expired: false, expected: "busy" },
    { expired: true, expected: "lease" },
  ])("bounded keys: a full table answers busy unless expired leases can be dropped (expired: $expired)", ({ expired, expected }) => {
    const { leases: l, time } = leases({ maxKeys: 2, leaseMs: 1_000 });
    l.claim("a");
    l.claim("b");
    if (expired) time.advance(1_000);
    expect(l.claim("c")).toBe(expected);
    expect(l.size).toBeLessThanOrEqual(2);
  });

  it("a caller may ask for its own lease length", () => {
    const { leases: l, time } = leases({ leaseMs: 1_000 });
    l.claim("k", 5_000);
    time.advance(4_999);
    expect(l.claim("k")).toBe("pending");
    time.advance(1);
    expect(l.claim("k")).toBe("lease");
  });
});
