import { describe, expect, it } from "vitest";
import { bucketTotal, emptyBucket, hourOf, mergeBuckets, parseBucket, sumCounts, type HourBucket } from "../../src/stats/buckets";
import { MAX_LABELS, OTHER_LABEL, addLabel } from "../../src/stats/labels";

const H = Date.UTC(2026, 0, 1, 10);
const OP = `${"a".repeat(64)} Posts`;
const OTHER_OP = "b".repeat(64);

describe("hour buckets", () => {
  it.each([
    [H, H],
    [H + 59 * 60_000 + 59_999, H],
    [H + 3_600_000, H + 3_600_000],
    [H - 1, H - 3_600_000],
  ])("hourOf(%i) = %i", (ms, hour) => expect(hourOf(ms)).toBe(hour));

  it("folds labels beyond the bound into (other), so a bucket cannot grow without limit", () => {
    const labels: Record<string, number> = {};
    for (let i = 0; i < MAX_LABELS + 20; i++) addLabel(labels, `read Model${i} PUBLISHED en`, 1);
    addLabel(labels, "read Model0 PUBLISHED en", 5);
    expect(Object.keys(labels)).toHaveLength(MAX_LABELS + 1);
    expect(labels[OTHER_LABEL]).toBe(20);
    expect(labels["read Model0 PUBLISHED en"]).toBe(6);
  });

  it("merges isolates' buckets per hour, minute by minute, histogram by histogram and label by label", () => {
    const a: HourBucket = {
      ...emptyBucket(H),
      minutes: { "1": [1, 2, 0, 0, 0, 0, 0, 0, 0] },
      refusals: { "403 FORBIDDEN": 1 },
      latency: { "1": [{ "0": 1 }, { "30": 2 }, { "29": 2 }] },
      operations: { [OP]: [3, 2] },
    };
    const b: HourBucket = {
      ...emptyBucket(H),
      minutes: { "1": [3, 0, 0, 0, 1, 0, 0, 2, 1], "2": [0, 0, 0, 1, 0, 0, 0, 0, 0] },
      refusals: { "403 FORBIDDEN": 2 },
      latency: { "1": [{ "0": 2, "5": 1 }, {}, {}], "2": [{}, { "40": 1 }, {}] },
      operations: { [OP]: [4, 0], [OTHER_OP]: [1, 1] },
    };
    const c = { ...emptyBucket(H + 3_600_000), minutes: { "0": [5, 0, 0, 0, 0, 0, 0, 0, 0] } };
    const merged = mergeBuckets([c, a, b]);
    expect(merged.map((m) => m.hour)).toEqual([H, H + 3_600_000]);
    expect(merged[0]).toEqual({
      hour: H,
      minutes: { "1": [4, 2, 0, 0, 1, 0, 0, 2, 1], "2": [0, 0, 0, 1, 0, 0, 0, 0, 0] },
      refusals: { "403 FORBIDDEN": 3 },
      failedActions: {},
      latency: { "1": [{ "0": 3, "5": 1 }, { "30": 2 }, { "29": 2 }], "2": [{}, { "40": 1 }, {}] },
      operations: { [OP]: [7, 2], [OTHER_OP]: [1, 1] },
    });
    expect(sumCounts(merged)).toMatchObject({ hits: 9, misses: 2, bypasses: 1, originErrors: 1 });
    expect(sumCounts(merged, H + 3_600_000).hits).toBe(5);
  });

  it.each<[string, unknown]>([
    ["not an object", "x"],
    ["no hour", { minutes: {} }],
    ["an hour that is not an hour's start", { hour: H + 1, minutes: {} }],
  ])("refuses a stored value that is %s", (_label, raw) => expect(parseBucket(raw)).toBeUndefined());

  it("keeps only the well-formed members of a stored bucket (an older bucket without the new members reads as empty ones)", () => {
    const parsed = parseBucket({
      hour: H,
      minutes: { "3": [1, -2, "x", 4], "60": [9], abc: [9], "4": "no" },
      refusals: { "401 UNAUTHENTICATED": 2, bad: -1 },
      failedActions: { "read Post DRAFT en": 1.5e3 },
    });
    expect(parsed).toEqual({
      hour: H,
      minutes: { "3": [1, 0, 0, 4, 0, 0, 0, 0, 0] },
      refusals: { "401 UNAUTHENTICATED": 2 },
      failedActions: { "read Post DRAFT en": 1500 },
      latency: {},
      operations: {},
    });
  });

  it.each<[string, unknown, HourBucket["latency"]]>([
    ["a minute out of range or not a minute", { "60": [{ "1": 1 }], "-1": [{ "1": 1 }], x: [{ "1": 1 }], "1.5": [{ "1": 1 }] }, {}],
    ["histograms that are not a list", { "3": { "0": 1 } }, {}],
    [
      "a bucket index beyond the last, negative or not an integer",
      { "3": [{ "69": 1, "-1": 1, "1.5": 1, "01": 1, "4": 2 }] },
      { "3": [{ "4": 2 }, {}, {}] },
    ],
    [
      "counts that are not finite positive numbers",
      { "3": [{ "1": -1, "2": "3", "3": Infinity, "4": 0 }, { "5": 1 }] },
      { "3": [{}, { "5": 1 }, {}] },
    ],
    ["a histogram that is not a record", { "3": ["x", [1, 2], { "6": 1 }] }, { "3": [{}, {}, { "6": 1 }] }],
    ["a fourth histogram", { "3": [{}, {}, {}, { "1": 5 }] }, {}],
    ["latency that is not a record", "x", {}],
  ])("reads latency with %s as what is well-formed of it", (_label, latency, expected) => {
    expect(parseBucket({ hour: H, minutes: {}, latency })?.latency).toEqual(expected);
  });

  it("reads at most 100 operations (the rest under (other)), with well-formed labels and two counts", () => {
    const operations: Record<string, unknown> = {
      "not a hash": [1, 1],
      [`${OP}!`]: [1, 1],
      [OTHER_OP]: [1, "x"],
      [`${"B".repeat(64)}`]: [1, 0],
    };
    for (let i = 0; i < MAX_LABELS + 5; i++) operations[`${i.toString(16).padStart(64, "0")} Op${i}`] = [2, 1];
    const parsed = parseBucket({ hour: H, minutes: {}, operations })!.operations;
    expect(Object.keys(parsed)).toHaveLength(MAX_LABELS + 1);
    expect(parsed[OTHER_LABEL]).toEqual([10, 5]);
    expect(parsed[`${"0".repeat(64)} Op0`]).toEqual([2, 1]);
  });

  it("totals every count of a bucket (what the stats table compares to keep the newer copy)", () => {
    const bucket: HourBucket = {
      ...emptyBucket(H),
      minutes: { "1": [1, 2, 0, 0, 0, 0, 0, 1, 0] },
      latency: { "1": [{ "0": 1 }, { "3": 2 }, { "4": 1 }] },
      operations: { [OP]: [3, 2] },
    };
    expect(bucketTotal(bucket)).toBe(4 + 4 + 5);
  });
});
