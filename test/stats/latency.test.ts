import { describe, expect, it } from "vitest";
import {
  MAX_INDEX,
  MAX_MS,
  MIN_MS,
  RATIO,
  addHistogram,
  addSample,
  bucketOf,
  histogramCount,
  parseHistogram,
  quantile,
  summarize,
  valueOf,
  type Histogram,
} from "../../src/stats/latency";

/** The exact nearest-rank quantile of sorted durations: what the histogram approximates. */
function exact(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

/** A histogram of `durations`. */
function histogramOf(durations: readonly number[]): Histogram {
  const histogram: Histogram = {};
  for (const ms of durations) addSample(histogram, ms);
  return histogram;
}

/** A deterministic pseudo-random sequence in [0, 1) (xorshift), so the distributions are reproducible. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const DISTRIBUTIONS: Array<[string, (r: () => number) => number]> = [
  ["uniform 1–100 ms", (r) => 1 + 99 * r()],
  ["exponential, mean 30 ms", (r) => -30 * Math.log(1 - r())],
  ["log-normal around 80 ms (an origin)", (r) => 80 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()))],
  ["bimodal: memory hits at 0.5 ms and origin calls at 250 ms", (r) => (r() < 0.9 ? 0.5 : 250)],
];

describe("latency histograms", () => {
  it.each([
    [0, 0],
    [-5, 0],
    [Number.NaN, 0],
    [MIN_MS / 2, 0],
    [MIN_MS, 1],
    [100, 33],
    [MAX_MS - 1, MAX_INDEX],
    [MAX_MS * 10, MAX_INDEX],
    [Number.POSITIVE_INFINITY, MAX_INDEX],
  ])("puts %d ms in bucket %i (clamped at both ends)", (ms, index) => expect(bucketOf(ms)).toBe(index));

  it("has 69 buckets, from 0.25 ms to 60 s, each 1.2 times the last", () => {
    expect(MAX_INDEX).toBe(68);
    expect(MIN_MS * RATIO ** (MAX_INDEX - 1)).toBeLessThan(MAX_MS);
    expect(MIN_MS * RATIO ** MAX_INDEX).toBeGreaterThanOrEqual(MAX_MS);
  });

  it("stands for every duration of a bucket within ±10 % (the geometric middle of a 1.2 ratio)", () => {
    for (let ms = MIN_MS; ms < MAX_MS; ms *= 1.037) {
      const value = valueOf(bucketOf(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThanOrEqual(Math.sqrt(RATIO) - 1 + 1e-9);
    }
  });

  it.each(DISTRIBUTIONS)("gives p50, p95 and p99 of %s within one bucket's error", (_label, draw) => {
    const r = random(0x2545f491);
    const durations = Array.from({ length: 5_000 }, () => draw(r));
    const sorted = [...durations].sort((a, b) => a - b);
    const histogram = histogramOf(durations);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = exact(sorted, q);
      // The bucket the true quantile falls in is the one reported (rounded to 0.01 ms).
      expect(quantile(histogram, q)).toBeCloseTo(Math.round(valueOf(bucketOf(truth)) * 100) / 100, 2);
      expect(Math.abs(quantile(histogram, q)! - truth) / truth).toBeLessThanOrEqual(0.1);
    }
  });

  it("summarizes an empty histogram as no quantiles, and durations below 0.25 ms as 0", () => {
    expect(summarize({})).toEqual({ count: 0, p50: null, p95: null, p99: null });
    expect(summarize(histogramOf([0, 0, 0.1, 0.2]))).toEqual({ count: 4, p50: 0, p95: 0, p99: 0 });
  });

  it("takes quantiles by nearest rank: one slow answer in 100 is beyond p99, two are not", () => {
    const fast = Array.from({ length: 98 }, () => 1);
    const shown = (ms: number) => Math.round(valueOf(bucketOf(ms)) * 100) / 100;
    expect(summarize(histogramOf([...fast, 1, 5_000]))).toEqual({ count: 100, p50: shown(1), p95: shown(1), p99: shown(1) });
    expect(quantile(histogramOf([...fast, 5_000, 5_000]), 0.99)).toBe(shown(5_000));
  });

  it("merges by adding counts: the merge of two isolates' histograms is the histogram of all their durations", () => {
    const r = random(7);
    const a = Array.from({ length: 300 }, () => 200 * r());
    const b = Array.from({ length: 700 }, () => 5 + 20 * r());
    const merged = histogramOf(a);
    addHistogram(merged, histogramOf(b));
    expect(merged).toEqual(histogramOf([...a, ...b]));
    expect(histogramCount(merged)).toBe(1_000);
  });

  it.each<[string, unknown, Histogram | undefined]>([
    ["a record of counts", { "0": 3, "68": 1 }, { "0": 3, "68": 1 }],
    ["indexes past the last, negative, fractional or padded", { "69": 1, "-1": 1, "2.5": 1, "07": 1, "7": 2 }, { "7": 2 }],
    [
      "counts that are zero, negative, not finite or not numbers",
      { "1": 0, "2": -1, "3": Infinity, "4": "5", "5": null, "6": 1.5 },
      { "6": 1.5 },
    ],
    ["a list", [1, 2, 3], undefined],
    ["a string", "0:3", undefined],
    ["null", null, undefined],
  ])("reads a stored histogram that is %s as what is well-formed of it", (_label, raw, expected) => {
    expect(parseHistogram(raw)).toEqual(expected);
  });
});
