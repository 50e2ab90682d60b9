/**
 * Latency histograms with fixed logarithmic buckets (issue 23): bounded, mergeable by adding
 * counts, and cheap to update on the hit path (one index computation, one increment).
 *
 * Bucket 0 holds durations below {@link MIN_MS} (0.25 ms); bucket `i` ≥ 1 holds
 * `[MIN_MS·RATIO^(i-1), MIN_MS·RATIO^i)`; the last, {@link MAX_INDEX}, also holds everything above
 * {@link MAX_MS} (60 s, clamped). With {@link RATIO} 1.2 that is 69 buckets, and a quantile read
 * from a bucket (its geometric middle) is within ±10 % of any duration it holds.
 *
 * A histogram is a sparse record, bucket index (`"0"`–`"68"`) → count: what an isolate keeps per
 * minute and kind, what it flushes, and what readers add up. Pure functions; no clock here.
 */

/** The kinds of duration kept, in the order a minute's histograms are stored. */
export const LATENCY_KINDS = ["hits", "misses", "origin"] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/** Bucket index → count; absent buckets are 0. */
export type Histogram = Record<string, number>;

/** The upper bound of bucket 0: durations below it (a memory hit, usually measured as 0 ms) are not told apart. */
export const MIN_MS = 0.25;
/** The largest duration told apart; longer ones count in the last bucket. */
export const MAX_MS = 60_000;
/** The ratio of consecutive bucket bounds. */
export const RATIO = 1.2;
const LOG_RATIO = Math.log(RATIO);
/** The last bucket index (68): the first whose upper bound reaches {@link MAX_MS}. */
export const MAX_INDEX = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_RATIO);

/**
 * The bucket a duration (ms) falls in; negative, NaN and sub-{@link MIN_MS} durations are 0, those
 * beyond {@link MAX_MS} are {@link MAX_INDEX}.
 *
 * @example bucketOf(0); // 0
 * @example bucketOf(100); // 33: [85.5 ms, 102.5 ms)
 */
export function bucketOf(ms: number): number {
  if (!(ms >= MIN_MS)) return 0;
  return Math.min(MAX_INDEX, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_RATIO));
}

/**
 * The duration a bucket stands for: 0 for bucket 0, else the geometric middle of its bounds.
 *
 * @example valueOf(0); // 0
 * @example valueOf(33); // ≈ 93.61
 */
export function valueOf(index: number): number {
  return index <= 0 ? 0 : MIN_MS * Math.pow(RATIO, index - 0.5);
}

/** Counts one duration (ms). @example const h: Histogram = {}; addSample(h, 12.5); */
export function addSample(histogram: Histogram, ms: number): void {
  const i = bucketOf(ms);
  histogram[i] = (histogram[i] ?? 0) + 1;
}

/** Adds `from`'s counts into `into`. @example addHistogram(total, minute); */
export function addHistogram(into: Histogram, from: Histogram): void {
  for (const [i, n] of Object.entries(from)) into[i] = (into[i] ?? 0) + n;
}

/** How many durations a histogram holds. @example histogramCount({ "0": 2, "30": 1 }); // 3 */
export function histogramCount(histogram: Histogram): number {
  let total = 0;
  for (const n of Object.values(histogram)) total += n;
  return total;
}

/**
 * The nearest-rank `q`-quantile (0 < q ≤ 1), as its bucket's value rounded to 0.01 ms; `null` for
 * an empty histogram.
 *
 * @example quantile({ "0": 50, "33": 50 }, 0.5); // 0
 * @example quantile({ "0": 50, "33": 50 }, 0.95); // 93.61
 */
export function quantile(histogram: Histogram, q: number): number | null {
  const entries = Object.entries(histogram)
    .map(([i, n]) => [Number(i), n] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (const [, n] of entries) total += n;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [i, n] of entries) {
    seen += n;
    if (seen >= rank) return Math.round(valueOf(i) * 100) / 100;
  }
  return null;
}

/** What `GET …/traffic` shows of a histogram. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Count and p50/p95/p99 (ms) of a histogram.
 *
 * @example summarize({ "33": 1 }); // { count: 1, p50: 93.61, p95: 93.61, p99: 93.61 }
 */
export function summarize(histogram: Histogram): LatencySummary {
  return {
    count: histogramCount(histogram),
    p50: quantile(histogram, 0.5),
    p95: quantile(histogram, 0.95),
    p99: quantile(histogram, 0.99),
  };
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;

/**
 * A stored histogram read back: only integer bucket indexes `0`–{@link MAX_INDEX} with finite
 * positive counts are kept (so at most 69 members); `undefined` when it is not a record at all.
 *
 * @example parseHistogram({ "3": 2, "99": 1, x: 4, "4": -1 }); // { "3": 2 }
 */
export function parseHistogram(raw: unknown): Histogram | undefined {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const histogram: Histogram = {};
  for (const [key, n] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d?)$/.test(key) || Number(key) > MAX_INDEX || !isCount(n)) continue;
    histogram[key] = n;
  }
  return histogram;
}
