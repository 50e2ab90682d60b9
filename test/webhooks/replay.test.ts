import { describe, expect, it } from "vitest";
import { kvReplayGuard, seenKey, type ReplayKV } from "../../src/webhooks/replay";
import { MAX_WEBHOOK_AGE_MS } from "../../src/webhooks/signature";
import { frozenClock, kv } from "../support/cache";

const ref = () => ({ projectId: `rp-${crypto.randomUUID().slice(0, 8)}`, environment: "master" });

/** Counts purges; `failures` makes the first n of them throw. */
function purger(failures = 0) {
  const state = { runs: 0, failures };
  return {
    state,
    purge: async () => {
      state.runs++;
      if (state.failures-- > 0) throw new Error("KV refused the bump");
    },
  };
}

describe("kvReplayGuard", () => {
  it("runs the purge once per signature; later deliveries of it are duplicates", async () => {
    const clock = frozenClock();
    const guard = kvReplayGuard(kv, clock.now);
    const project = ref();
    const signature = { sign: "c2lnbmF0dXJl", env: "master", timestamp: clock.now() };
    const { state, purge } = purger();
    expect(await guard.once(project, signature, purge)).toBe("accepted");
    expect(await guard.once(project, signature, purge)).toBe("duplicate");
    expect(await guard.once(project, { ...signature, sign: "b3RoZXI=" }, purge)).toBe("accepted");
    expect(state.runs).toBe(2);
  });

  it("another isolate (a fresh guard on the same KV) also sees it as a duplicate", async () => {
    const project = ref();
    const signature = { sign: "c2lnbmF0dXJl", env: "master", timestamp: Date.now() };
    const { state, purge } = purger();
    expect(await kvReplayGuard(kv).once(project, signature, purge)).toBe("accepted");
    expect(await kvReplayGuard(kv).once(project, signature, purge)).toBe("duplicate");
    expect(state.runs).toBe(1);
  });

  it("remembers nothing when the purge fails, so the sender's retry purges", async () => {
    const guard = kvReplayGuard(kv);
    const project = ref();
    const signature = { sign: "c2lnbmF0dXJl", env: "master", timestamp: Date.now() };
    const { state, purge } = purger(1);
    await expect(guard.once(project, signature, purge)).rejects.toThrow("KV refused the bump");
    expect(await kv.get(seenKey(project, signature.sign))).toBeNull();
    expect(await guard.once(project, signature, purge)).toBe("accepted");
    expect(state.runs).toBe(2);
  });

  it("a delivery waiting on a concurrent identical one that fails runs the purge itself", async () => {
    const guard = kvReplayGuard(kv);
    const project = ref();
    const signature = { sign: "c2lnbmF0dXJl", env: "master", timestamp: Date.now() };
    const { state, purge } = purger(1);
    const [first, second] = await Promise.allSettled([guard.once(project, signature, purge), guard.once(project, signature, purge)]);
    expect(first.status).toBe("rejected");
    expect(second).toEqual({ status: "fulfilled", value: "accepted" });
    expect(state.runs).toBe(2);
  });

  it("keeps the KV record until the signature's window closes (at least KV's 60 s minimum)", async () => {
    const puts: { key: string; ttl: number }[] = [];
    const recording: ReplayKV = {
      get: async () => null,
      put: async (key, _value, options) => void puts.push({ key, ttl: options.expirationTtl }),
    };
    const clock = frozenClock();
    const guard = kvReplayGuard(recording, clock.now);
    const project = ref();
    await guard.once(project, { sign: "ZnJlc2g=", env: "master", timestamp: clock.now() }, async () => {});
    await guard.once(project, { sign: "b2xk", env: "master", timestamp: clock.now() - MAX_WEBHOOK_AGE_MS + 10_000 }, async () => {});
    expect(puts).toEqual([
      { key: seenKey(project, "ZnJlc2g="), ttl: MAX_WEBHOOK_AGE_MS / 1000 + 1 },
      { key: seenKey(project, "b2xk"), ttl: 60 },
    ]);
  });
});
