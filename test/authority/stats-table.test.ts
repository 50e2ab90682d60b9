import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_ISOLATE_ID_LENGTH, StatsTable } from "../../src/authority/stats-table";
import { HOUR_MS, MINUTE_MS, emptyBucket, parseBucketJson, type HourBucket } from "../../src/stats/buckets";
import { frozenClock } from "../support/cache";

/**
 * The traffic rows a project's authority keeps (one per hour and isolate, the isolate's totals),
 * on a real Durable Object's SQLite storage with a frozen clock.
 */

/** 2026-01-01T10:00:00Z; the clock starts half an hour later. */
const T0 = Date.UTC(2026, 0, 1, 10);

/** A bucket of `hour` with `hits` in minute 5 and `misses` in minute 6. */
function bucket(hour: number, hits: number, misses = 0): HourBucket {
  const b = emptyBucket(hour);
  b.minutes["5"] = [hits, 0, 0, 0, 0, 0, 0, 0, 0];
  if (misses) b.minutes["6"] = [0, misses, 0, 0, 0, 0, 0, 0, 0];
  return b;
}

/** Runs `body` inside a fresh project authority with a table on its storage and a frozen clock. */
async function inObject<T>(
  body: (table: StatsTable, clock: ReturnType<typeof frozenClock>, stub: DurableObjectStub) => T | Promise<T>,
  clock = frozenClock(T0 + 30 * MINUTE_MS),
): Promise<T> {
  const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`stats-table-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new StatsTable(state.storage.sql, clock.now), clock, stub));
}

/** What the table lists, as (isolate, hour, hits) triples. */
function listed(table: StatsTable, since: number): Array<[string, number, number]> {
  return table.list(since).map((row) => {
    const b = parseBucketJson(row.bucket)!;
    return [row.isolateId, b.hour, Object.values(b.minutes).reduce((n, counts) => n + counts[0]!, 0)];
  });
}

describe("StatsTable.put: what a project authority accepts", () => {
  const oversized = (() => {
    const b = bucket(T0, 1);
    for (let i = 0; i < 100; i++) b.refusals[`403 FORBIDDEN ${"x".repeat(3_000)}${i}`] = 1;
    return b;
  })();
  it.each<[string, unknown, unknown, boolean]>([
    ["a bucket of the hour in progress", "iso", bucket(T0, 3), true],
    ["a bucket of the next hour (an isolate's clock a little ahead)", "iso", bucket(T0 + HOUR_MS, 1), true],
    ["a bucket two hours ahead", "iso", bucket(T0 + 2 * HOUR_MS, 1), false],
    ["the oldest hour kept (26 h)", "iso", bucket(T0 - 26 * HOUR_MS, 1), true],
    ["an hour past the retention", "iso", bucket(T0 - 27 * HOUR_MS, 1), false],
    ["an hour that does not start on the hour", "iso", { ...bucket(T0, 1), hour: T0 + 1 }, false],
    ["not a bucket", "iso", "hits=3", false],
    ["an empty isolate id", "", bucket(T0, 1), false],
    ["an isolate id that is not a string", 42, bucket(T0, 1), false],
    ["an isolate id too long", "i".repeat(MAX_ISOLATE_ID_LENGTH + 1), bucket(T0, 1), false],
    ["a bucket over 256 KB of JSON", "iso", oversized, false],
  ])("%s → stored: %s", async (_label, isolateId, raw, stored) => {
    await inObject((table) => {
      expect(table.put(isolateId, raw)).toBe(stored ? 1 : 0); // rows written
      expect(table.size()).toBe(stored ? 1 : 0);
    });
  });

  it("keeps what it can read of a bucket and drops the rest (negative or non-numeric counts are 0)", async () => {
    await inObject((table) => {
      expect(
        table.put("iso", {
          hour: T0,
          minutes: { "5": [2, -1, "x"], "61": [9] },
          refusals: { "401 UNAUTHENTICATED": 1, bad: -2 },
          failedActions: {},
          latency: { "5": [{ "0": 2 }, { "99": 1 }], "61": [{ "0": 1 }] },
          operations: { [`${"a".repeat(64)} Posts`]: [2, 0], "not a hash": [1, 1] },
        }),
      ).toBe(1);
      expect(parseBucketJson(table.list(T0)[0]!.bucket)).toEqual({
        hour: T0,
        minutes: { "5": [2, 0, 0, 0, 0, 0, 0, 0, 0] },
        refusals: { "401 UNAUTHENTICATED": 1 },
        failedActions: {},
        latency: { "5": [{ "0": 2 }, {}, {}] },
        operations: { [`${"a".repeat(64)} Posts`]: [2, 0] },
      });
    });
  });
});

describe("StatsTable: totals replace totals (idempotent, order-proof)", () => {
  it.each<[string, Array<[hits: number, misses: number]>, number[], number]>([
    ["one flush: one row written", [[3, 0]], [1], 3],
    [
      "the same totals again (a retried flush): nothing written",
      [
        [3, 0],
        [3, 0],
        [3, 0],
      ],
      [1, 0, 0],
      3,
    ],
    [
      "grown totals replace the row (one row written each), never add to it",
      [
        [3, 0],
        [5, 1],
        [9, 1],
      ],
      [1, 1, 1],
      9,
    ],
    [
      "an older flush arriving after a newer one is ignored",
      [
        [5, 1],
        [3, 0],
      ],
      [1, 0],
      5,
    ],
    [
      "a growth in another counter counts as growth",
      [
        [3, 0],
        [3, 2],
      ],
      [1, 1],
      3,
    ],
  ])("%s", async (_label, flushes, written, hits) => {
    await inObject((table) => {
      expect(flushes.map(([h, m]) => table.put("iso", bucket(T0, h, m)))).toEqual(written);
      expect(table.size()).toBe(1);
      expect(listed(table, T0)).toEqual([["iso", T0, hits]]);
    });
  });

  it("keeps one row per isolate and hour: isolates and hours never overwrite each other", async () => {
    await inObject((table) => {
      table.put("a", bucket(T0 - HOUR_MS, 1));
      table.put("a", bucket(T0, 2));
      table.put("b", bucket(T0, 4));
      table.put("a", bucket(T0, 3));
      expect(table.size()).toBe(3);
      // Newest hour first: should the byte bound cut the list, the oldest hours are what is lost.
      expect(listed(table, T0 - HOUR_MS)).toEqual([
        ["a", T0, 3],
        ["b", T0, 4],
        ["a", T0 - HOUR_MS, 1],
      ]);
    });
  });
});

describe("StatsTable.list: the hours asked for, within the retention", () => {
  it.each<[string, number, Array<[string, number]>]>([
    ["since the hour in progress", T0, [["a", T0]]],
    [
      "since 23 hours ago (the console's day)",
      T0 - 23 * HOUR_MS,
      [
        ["a", T0],
        ["a", T0 - 23 * HOUR_MS],
      ],
    ],
    [
      "since the epoch: nothing past the retention is listed",
      0,
      [
        ["a", T0],
        ["a", T0 - 23 * HOUR_MS],
        ["a", T0 - 26 * HOUR_MS],
      ],
    ],
    ["since a future hour", T0 + 2 * HOUR_MS, []],
  ])("%s", async (_label, since, expected) => {
    await inObject((table) => {
      for (const hour of [T0 - 26 * HOUR_MS, T0 - 23 * HOUR_MS, T0]) table.put("a", bucket(hour, 1));
      expect(listed(table, since).map(([iso, hour]) => [iso, hour])).toEqual(expected);
    });
  });
});

describe("StatsTable: pruning after 26 hours", () => {
  it("deletes the rows of hours past the retention once the clock moves on, and keeps the rest", async () => {
    await inObject((table, clock) => {
      table.put("a", bucket(T0 - 25 * HOUR_MS, 1));
      table.put("b", bucket(T0 - 25 * HOUR_MS, 1));
      table.put("a", bucket(T0, 1));
      expect(table.size()).toBe(3);
      clock.advance((HOUR_MS + 29 * MINUTE_MS) / 1000); // T0 + 1 h 59 min: the oldest hour kept is still T0 − 25 h
      table.put("a", bucket(T0 + HOUR_MS, 1));
      expect(table.size()).toBe(4);
      clock.advance(MINUTE_MS / 1000); // T0 + 2 h: the oldest hour kept is T0 − 24 h
      table.put("a", bucket(T0 + HOUR_MS, 2));
      expect(table.size()).toBe(2);
      expect(listed(table, 0).map(([iso, hour]) => [iso, hour])).toEqual([
        ["a", T0 + HOUR_MS],
        ["a", T0],
      ]);
    });
  });

  it("keeps the rows across a restart of the object, and prunes what aged meanwhile on the first call after it", async () => {
    const clock = frozenClock(T0 + 30 * MINUTE_MS);
    const stub = await inObject((table, _clock, stub) => {
      table.put("a", bucket(T0 - 25 * HOUR_MS, 2));
      table.put("a", bucket(T0, 7));
      return stub;
    }, clock);
    await evictDurableObject(stub);
    clock.advance((2 * HOUR_MS) / 1000);
    await runInDurableObject(stub, (_instance, state) => {
      const table = new StatsTable(state.storage.sql, clock.now);
      expect(listed(table, 0)).toEqual([["a", T0, 7]]);
      expect(table.size()).toBe(1);
    });
  });
});
