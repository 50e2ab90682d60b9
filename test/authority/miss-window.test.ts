import { describe, expect, it } from "vitest";
import { MissWindows, RATE_WINDOW_MS } from "../../src/authority/miss-window";

/** A clock the test sets; starts 10 s into a window. */
function clock(start = 5 * RATE_WINDOW_MS + 10_000) {
  const c = { now: start };
  return { c, now: () => c.now };
}

describe("MissWindows", () => {
  it("allows `limit` requests per client and window, then refuses with the seconds until the window frees", () => {
    const { c, now } = clock();
    const windows = new MissWindows(now);
    expect([1, 2, 3].map(() => windows.count("a", 3).allowed)).toEqual([true, true, true]);
    c.now += 20_500;
    expect(windows.count("a", 3)).toEqual({ allowed: false, retryAfterMs: 29_500 });
    // A refused request is not counted: the next window starts from zero.
    c.now += 29_500;
    expect(windows.count("a", 3)).toEqual({ allowed: true, retryAfterMs: 0 });
  });

  it("counts each client on its own", () => {
    const { now } = clock();
    const windows = new MissWindows(now);
    expect(windows.count("a", 1).allowed).toBe(true);
    expect(windows.count("a", 1).allowed).toBe(false);
    expect(windows.count("b", 1).allowed).toBe(true);
  });

  it.each([
    { left: 1_000, expected: 1_000 },
    { left: 0.5, expected: 1 },
    { left: 59_999, expected: 59_999 },
  ])("a refusal says how long until the window frees, at least 1 ms ($left ms left → $expected)", ({ left, expected }) => {
    const { c, now } = clock();
    const windows = new MissWindows(now);
    windows.count("a", 1);
    c.now = 6 * RATE_WINDOW_MS - left;
    expect(windows.count("a", 1).retryAfterMs).toBe(expected);
  });

  it("keeps at most `maxClients` keys, dropping the least recently counted, and clears them each window", () => {
    const { c, now } = clock();
    const windows = new MissWindows(now, 2);
    windows.count("a", 1);
    windows.count("b", 1);
    windows.count("c", 1);
    expect(windows.clients).toBe(2);
    // "a" was pushed out: it starts again from zero; "c" is still counted.
    expect(windows.count("a", 1).allowed).toBe(true);
    expect(windows.count("c", 1).allowed).toBe(false);
    c.now += RATE_WINDOW_MS;
    windows.count("d", 1);
    expect(windows.clients).toBe(1);
  });
});
