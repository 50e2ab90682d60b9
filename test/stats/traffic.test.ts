import { describe, expect, it } from "vitest";
import { emptyBucket, HOUR_MS, MINUTE_MS, type HourBucket } from "../../src/stats/buckets";
import { valueOf } from "../../src/stats/latency";
import { TOP_FAILED_ACTIONS, TOP_OPERATIONS, trafficView } from "../../src/stats/traffic";

const H = Date.UTC(2026, 0, 1, 10);
const NOW = H + 20 * MINUTE_MS + 30_000; // 10:20:30
const NONE = { count: 0, p50: null, p95: null, p99: null };
/** What a bucket index is shown as (ms, rounded to 0.01). */
const shown = (index: number) => Math.round(valueOf(index) * 100) / 100;
const hash = (n: number) => n.toString(16).padStart(64, "0");

function bucket(hour: number, minutes: HourBucket["minutes"], extra: Partial<HourBucket> = {}): HourBucket {
  return { ...emptyBucket(hour), minutes, ...extra };
}

describe("trafficView", () => {
  it("has 60 minute points ending with the minute in progress, across the hour boundary", () => {
    const view = trafficView(
      [
        bucket(H - HOUR_MS, { "21": [1, 0, 0, 0, 0, 0, 0, 0, 0], "20": [50, 0, 0, 0, 0, 0, 0, 0, 0] }), // 09:21 is in the last hour, 09:20 is not
        bucket(H, { "20": [3, 1, 0, 2, 0, 1, 1, 0, 0] }),
      ],
      NOW,
    );
    expect(view.now).toBe("2026-01-01T10:20:30.000Z");
    expect(view.minutes).toHaveLength(60);
    expect(view.minutes[0]).toMatchObject({ start: "2026-01-01T09:21:00.000Z", hits: 1, requests: 1, hitRatio: 1 });
    expect(view.minutes.at(-1)).toEqual({
      start: "2026-01-01T10:20:00.000Z",
      hits: 3,
      misses: 1,
      stale: 0,
      bypasses: 2,
      originErrors: 0,
      unauthenticated: 1,
      forbidden: 1,
      v2Requests: 0,
      mutations: 0,
      requests: 6,
      refusals: 2,
      hitRatio: 0.75,
      latency: { hits: NONE, misses: NONE, origin: NONE },
    });
    expect(view.minutes.slice(1, -1).every((p) => p.requests === 0 && p.hitRatio === null)).toBe(true);
  });

  it("has 24 hour points ending with the hour in progress, and their sum for the day", () => {
    const view = trafficView(
      [
        bucket(H - 24 * HOUR_MS, { "0": [100, 0, 0, 0, 0, 0, 0, 0, 0] }), // a day ago: outside
        bucket(H - 23 * HOUR_MS, { "0": [1, 1, 0, 0, 0, 0, 0, 0, 0], "59": [1, 0, 1, 0, 1, 0, 0, 0, 0] }),
        bucket(H, { "1": [2, 0, 0, 0, 0, 3, 0, 0, 0] }),
      ],
      NOW,
    );
    expect(view.hours).toHaveLength(24);
    expect(view.hours[0]).toMatchObject({
      start: "2025-12-31T11:00:00.000Z",
      hits: 2,
      misses: 1,
      stale: 1,
      originErrors: 1,
      hitRatio: 0.5,
    });
    expect(view.hours.at(-1)).toMatchObject({ start: "2026-01-01T10:00:00.000Z", hits: 2, unauthenticated: 3, refusals: 3 });
    expect(view.day).toMatchObject({ hits: 4, misses: 1, stale: 1, requests: 6, refusals: 3, hitRatio: 4 / 6 });
    expect(view.day).not.toHaveProperty("start");
  });

  it("ranks refusal codes and the most refused touches of the day", () => {
    const failedActions: Record<string, number> = {};
    for (let i = 0; i < TOP_FAILED_ACTIONS + 5; i++) failedActions[`read M${String(i).padStart(2, "0")} DRAFT en`] = i + 1;
    const view = trafficView(
      [
        bucket(H - HOUR_MS, {}, { refusals: { "401 UNAUTHENTICATED unknown-token": 2, "403 FORBIDDEN": 1 }, failedActions }),
        bucket(H, {}, { refusals: { "403 FORBIDDEN": 4 }, failedActions: { "read M00 DRAFT en": 100 } }),
      ],
      NOW,
    );
    expect(view.refusalCodes).toEqual([
      { code: "403 FORBIDDEN", count: 5 },
      { code: "401 UNAUTHENTICATED unknown-token", count: 2 },
    ]);
    expect(view.topFailedActions).toHaveLength(TOP_FAILED_ACTIONS);
    expect(view.topFailedActions[0]).toEqual({ action: "read", model: "M00", stage: "DRAFT", locale: "en", count: 101 });
    expect(view.topFailedActions[1]).toMatchObject({ model: "M14", count: 15 });
  });

  it.each<[string, (view: ReturnType<typeof trafficView>) => unknown, unknown]>([
    [
      "a minute's latency: count and quantiles per kind",
      (view) => view.minutes.at(-1)!.latency,
      {
        hits: { count: 100, p50: 0, p95: 0, p99: shown(12) },
        misses: { count: 4, p50: shown(30), p95: shown(40), p99: shown(40) },
        origin: NONE,
      },
    ],
    ["a minute without timings", (view) => view.minutes.at(-3)!.latency, { hits: NONE, misses: NONE, origin: NONE }],
    [
      "an hour's latency: its minutes merged",
      (view) => view.hours.at(-1)!.latency.misses,
      { count: 6, p50: shown(30), p95: shown(40), p99: shown(40) },
    ],
    [
      "the day's latency: every hour merged",
      (view) => view.day.latency.origin,
      { count: 3, p50: shown(25), p95: shown(25), p99: shown(25) },
    ],
    ["the /v2 counters of a minute", (view) => [view.minutes.at(-1)!.v2Requests, view.minutes.at(-1)!.mutations], [7, 2]],
    ["the /v2 counters of the day", (view) => [view.day.v2Requests, view.day.mutations], [8, 2]],
  ])("shows %s", (_label, read, expected) => {
    const hits = { "0": 98, "12": 2 }; // p99 of 100: the 99th duration, in bucket 12
    const view = trafficView(
      [
        bucket(H - 2 * HOUR_MS, { "0": [0, 0, 0, 0, 0, 0, 0, 1, 0] }, { latency: { "0": [{}, {}, { "25": 2 }] } }),
        bucket(
          H,
          { "19": [0, 2, 0, 0, 0, 0, 0, 0, 0], "20": [98, 3, 2, 1, 0, 0, 0, 7, 2] },
          { latency: { "19": [{}, { "30": 2 }, { "25": 1 }], "20": [hits, { "30": 2, "40": 2 }, {}] } },
        ),
      ],
      NOW,
    );
    expect(read(view)).toEqual(expected);
  });

  it("lists the day's top operations by requests and by misses, ten each, across hours and without (other)", () => {
    const early: Record<string, number[]> = { [`${hash(1)} Posts`]: [5, 0], "(other)": [999, 999] };
    const late: Record<string, number[]> = { [`${hash(1)} Posts`]: [15, 1], [hash(2)]: [3, 3] };
    for (let i = 10; i < 30; i++) late[hash(i)] = [1, 0];
    const view = trafficView(
      [
        bucket(H - 25 * HOUR_MS, {}, { operations: { [hash(3)]: [500, 500] } }),
        bucket(H - 5 * HOUR_MS, {}, { operations: early }),
        bucket(H, {}, { operations: late }),
      ],
      NOW,
    );
    expect(view.topOperations.byRequests).toHaveLength(TOP_OPERATIONS);
    expect(view.topOperations.byRequests.slice(0, 2)).toEqual([
      { documentHash: hash(1), operationName: "Posts", requests: 20, misses: 1 },
      { documentHash: hash(2), operationName: null, requests: 3, misses: 3 },
    ]);
    expect(view.topOperations.byMisses).toEqual([
      { documentHash: hash(2), operationName: null, requests: 3, misses: 3 },
      { documentHash: hash(1), operationName: "Posts", requests: 20, misses: 1 },
    ]);
  });
});
