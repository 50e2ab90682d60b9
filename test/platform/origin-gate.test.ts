import { describe, expect, it } from "vitest";
import { OriginGate, type OriginGateOptions, type Release, type Schedule } from "../../src/platform/origin-gate";

/** A manual clock: time moves and timers run only when the test advances it. */
function manualClock() {
  let now = 0;
  const timers = new Set<{ at: number; run: () => void }>();
  const schedule: Schedule = (run, ms) => {
    const timer = { at: now + ms, run };
    timers.add(timer);
    return () => timers.delete(timer);
  };
  /** Moves time forward, running due timers in order (and those they schedule); `fire: false`: none run (their request was cancelled). */
  const advance = async (ms: number, fire = true) => {
    const target = now + ms;
    for (;;) {
      const due = fire ? [...timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0] : undefined;
      if (!due) break;
      now = due.at;
      timers.delete(due);
      due.run();
      await flush();
    }
    now = target;
    await flush();
  };
  return { now: () => now, schedule, advance, pending: () => timers.size };
}

/** Records when each acquire settles and with what. */
function track(promise: Promise<Release | null>) {
  const state: { settled: boolean; release: Release | null } = { settled: false, release: null };
  void promise.then((release) => {
    state.settled = true;
    state.release = release;
  });
  return state;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function gateWith(options: Partial<OriginGateOptions> = {}) {
  const clock = manualClock();
  const gate = new OriginGate({
    limit: 1,
    waitMs: 250,
    maxQueue: 4,
    maxHoldMs: 10_000,
    now: clock.now,
    schedule: clock.schedule,
    ...options,
  });
  return { gate, clock };
}

describe("OriginGate", () => {
  it("grants up to `limit` slots at once, then makes callers wait", async () => {
    const { gate } = gateWith({ limit: 2 });
    expect(await gate.acquire()).toBeTypeOf("function");
    expect(await gate.acquire()).toBeTypeOf("function");
    const third = track(gate.acquire());
    await flush();
    expect(third.settled).toBe(false);
    expect([gate.inFlight, gate.queued]).toEqual([2, 1]);
  });

  it("hands a released slot to the oldest waiter, in arrival order (FIFO, no barging)", async () => {
    const { gate, clock } = gateWith();
    const first = (await gate.acquire())!;
    const second = track(gate.acquire());
    const third = track(gate.acquire());
    first();
    await flush();
    expect([second.settled, third.settled]).toEqual([true, false]);
    // A newcomer while the third waits does not overtake it.
    const late = track(gate.acquire());
    second.release!();
    await flush();
    expect([third.settled, late.settled]).toEqual([true, false]);
    expect(gate.inFlight).toBe(1);
    // Each granted waiter cleared its own timer: only the late caller's is left.
    expect(clock.pending()).toBe(1);
  });

  it("refuses a waiter whose wait ran out, and forgets it", async () => {
    const { gate, clock } = gateWith();
    const held = (await gate.acquire())!;
    const waiting = track(gate.acquire());
    await clock.advance(249);
    expect(waiting.settled).toBe(false);
    await clock.advance(1);
    expect(waiting).toEqual({ settled: true, release: null });
    expect(gate.queued).toBe(0);
    held();
    expect(gate.inFlight).toBe(0);
  });

  it.each([
    { name: "the queue is full", waitMs: 250, maxQueue: 1, waiters: 1 },
    { name: "waiting is off", waitMs: 0, maxQueue: 4, waiters: 0 },
  ])("refuses at once when $name", async ({ waitMs, maxQueue, waiters }) => {
    const { gate } = gateWith({ waitMs, maxQueue });
    await gate.acquire();
    for (let i = 0; i < waiters; i++) void gate.acquire();
    expect(await gate.acquire()).toBeNull();
    expect(gate.queued).toBe(waiters);
  });

  it("releases once however often a release is called", async () => {
    const { gate } = gateWith({ limit: 2 });
    const a = (await gate.acquire())!;
    await gate.acquire();
    a();
    a();
    expect(gate.inFlight).toBe(1);
  });

  it("takes back a slot held past maxHoldMs (its request was cancelled); its late release is a no-op", async () => {
    const { gate, clock } = gateWith({ maxHoldMs: 1_000, waitMs: 0 });
    const lost = (await gate.acquire())!;
    await clock.advance(1_000);
    expect(gate.inFlight).toBe(1);
    expect(await gate.acquire()).toBeNull(); // held exactly maxHoldMs: still its holder's
    await clock.advance(1);
    const next = await gate.acquire();
    expect(next).toBeTypeOf("function");
    lost();
    expect(gate.inFlight).toBe(1);
  });

  it("skips a waiter past its deadline whose timer never fired (its request was cancelled)", async () => {
    const { gate, clock } = gateWith({ maxQueue: 1 });
    const held = (await gate.acquire())!;
    const cancelled = track(gate.acquire());
    await clock.advance(300, false);
    // The dead waiter no longer fills the queue (maxQueue 1), and a release does not give it the slot.
    const next = track(gate.acquire());
    await flush();
    expect(gate.queued).toBe(1);
    held();
    await flush();
    expect(next.settled).toBe(true);
    expect(next.release).toBeTypeOf("function");
    expect(cancelled).toEqual({ settled: true, release: null });
  });
});
