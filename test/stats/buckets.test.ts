import { describe, expect, it } from "vitest";
import { MAX_LABELS, OTHER_LABEL, addLabel, emptyBucket, hourOf, mergeBuckets, parseBucket, sumCounts } from "../../src/stats/buckets";

const H = Date.UTC(2026, 0, 1, 10);

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

  it("merges isolates' buckets per hour, minute by minute and label by label", () => {
    const a = { ...emptyBucket(H), minutes: { "1": [1, 2, 0, 0, 0, 0, 0] }, refusals: { "403 FORBIDDEN": 1 } };
    const b = { ...emptyBucket(H), minutes: { "1": [3, 0, 0, 0, 1, 0, 0], "2": [0, 0, 0, 1, 0, 0, 0] }, refusals: { "403 FORBIDDEN": 2 } };
    const c = { ...emptyBucket(H + 3_600_000), minutes: { "0": [5, 0, 0, 0, 0, 0, 0] } };
    const merged = mergeBuckets([c, a, b]);
    expect(merged.map((m) => m.hour)).toEqual([H, H + 3_600_000]);
    expect(merged[0]).toEqual({
      hour: H,
      minutes: { "1": [4, 2, 0, 0, 1, 0, 0], "2": [0, 0, 0, 1, 0, 0, 0] },
      refusals: { "403 FORBIDDEN": 3 },
      failedActions: {},
    });
    expect(sumCounts(merged)).toMatchObject({ hits: 9, misses: 2, bypasses: 1, originErrors: 1 });
    expect(sumCounts(merged, H + 3_600_000).hits).toBe(5);
  });

  it.each<[string, unknown]>([
    ["not an object", "x"],
    ["no hour", { minutes: {} }],
    ["an hour that is not an hour's start", { hour: H + 1, minutes: {} }],
  ])("refuses a stored value that is %s", (_label, raw) => expect(parseBucket(raw)).toBeUndefined());

  it("keeps only the well-formed members of a stored bucket", () => {
    const parsed = parseBucket({
      hour: H,
      minutes: { "3": [1, -2, "x", 4], "60": [9], abc: [9], "4": "no" },
      refusals: { "401 UNAUTHENTICATED": 2, bad: -1 },
      failedActions: { "read Post DRAFT en": 1.5e3 },
    });
    expect(parsed).toEqual({
      hour: H,
      minutes: { "3": [1, 0, 0, 4, 0, 0, 0] },
      refusals: { "401 UNAUTHENTICATED": 2 },
      failedActions: { "read Post DRAFT en": 1500 },
    });
  });
});
