/**
 * Workers Analytics Engine, when a dataset is bound (`ANALYTICS` in wrangler.toml): at each flush,
 * one data point per (project, environment, minute) with what was counted since the last flush.
 * Data points are written at flush time, not per request, so the hit path stays at counter
 * increments; summing `doubleN × _sample_interval` per minute gives the console's chart (the SQL is
 * in docs/console.md).
 *
 * Layout of a data point:
 * - `index1`: `<projectId>/<environment>` (Analytics Engine samples per index);
 * - `blob1`: project id, `blob2`: environment, `blob3`: the minute (ISO 8601) the counts belong to;
 * - `double1`…`double9`: hits, misses, stale, bypasses, originErrors, unauthenticated (401),
 *   forbidden (403), v2Requests, mutations — {@link COUNTERS} order;
 * - `double10`…`double18`: p50, p95, p99 (ms) of hits, then of misses, then of the origin, over the
 *   durations counted since the previous flush (0 when there were none). Their weights are counts
 *   already there: hits + stale (double1 + double3) answered from a stored entry, misses + bypasses
 *   (double2 + double4) by the origin;
 * - `double19`: how many origin fetches `double16`…`double18` are taken over.
 *
 * Quantiles rather than the histograms themselves: Analytics Engine keeps at most 20 doubles a
 * point, and a weighted average of per-flush quantiles is what its SQL can chart.
 */
import { COUNTERS, MINUTE_MS, type HourBucket } from "./buckets";
import { LATENCY_KINDS, histogramCount, quantile, type Histogram } from "./latency";
import type { ProjectRef } from "../projects/types";

/** What the recorder hands over at a flush: counts and durations per minute since the previous flush. */
export interface MinuteDelta {
  /** Start of the minute, ms since the epoch. */
  minute: number;
  /** In {@link COUNTERS} order. */
  counts: number[];
  /** Histograms of the durations counted since, in {@link LATENCY_KINDS} order (absent: none). */
  latency?: Histogram[];
}

/** What a sink was given of an hour's minutes: each minute's counters and histograms at the time. */
export type SentMinutes = Record<string, { counts: number[]; latency: Histogram[] }>;

/**
 * What a bucket counted since `sent` (per minute, only minutes that grew), and `sent` brought up
 * to date: the recorder hands the sink only what is new at each flush.
 *
 * @example const deltas = sinceSent(bucket, sentOfThisHour);
 */
export function sinceSent(bucket: HourBucket, sent: SentMinutes): MinuteDelta[] {
  const out: MinuteDelta[] = [];
  for (const [minute, counts] of Object.entries(bucket.minutes)) {
    const before = sent[minute];
    const histograms = bucket.latency[minute] ?? [];
    const delta = counts.map((n, i) => n - (before?.counts[i] ?? 0));
    const latency = histograms.map((histogram, kind) => grownBy(histogram, before?.latency[kind]));
    if (delta.some((n) => n > 0) || latency.some((h) => Object.keys(h).length > 0)) {
      out.push({ minute: bucket.hour + Number(minute) * MINUTE_MS, counts: delta, latency });
    }
    sent[minute] = { counts: [...counts], latency: histograms.map((h) => ({ ...h })) };
  }
  return out;
}

/** The counts `now` has beyond `before`, bucket by bucket (only the buckets that grew). */
function grownBy(now: Histogram, before: Histogram | undefined): Histogram {
  const delta: Histogram = {};
  for (const [i, n] of Object.entries(now)) {
    const grown = n - (before?.[i] ?? 0);
    if (grown > 0) delta[i] = grown;
  }
  return delta;
}

/** Receives the counts of every flush (besides the store). */
export interface StatsSink {
  write(ref: ProjectRef, deltas: readonly MinuteDelta[]): void;
}

/** The part of `AnalyticsEngineDataset` the sink uses. */
export interface DataPointWriter {
  writeDataPoint(point: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

/**
 * A {@link StatsSink} writing Analytics Engine data points. `writeDataPoint` does not block and
 * never throws for a well-formed point; a throw (a misconfigured binding) is swallowed, because
 * analytics must never fail a flush.
 *
 * @example new StatsRecorder(store, { sink: analyticsEngineSink(env.ANALYTICS) });
 */
export function analyticsEngineSink(dataset: DataPointWriter): StatsSink {
  return {
    write(ref, deltas) {
      for (const { minute, counts, latency = [] } of deltas) {
        const quantiles = LATENCY_KINDS.flatMap((_, kind) => [0.5, 0.95, 0.99].map((q) => quantile(latency[kind] ?? {}, q) ?? 0));
        try {
          dataset.writeDataPoint({
            indexes: [`${ref.projectId}/${ref.environment}`.slice(0, 96)],
            blobs: [ref.projectId, ref.environment, new Date(minute).toISOString()],
            doubles: [...COUNTERS.map((_, i) => counts[i] ?? 0), ...quantiles, histogramCount(latency[2] ?? {})],
          });
        } catch {
          // Analytics are best effort.
        }
      }
    },
  };
}

/** Whether a binding looks like an Analytics Engine dataset. */
export function isDataPointWriter(value: unknown): value is DataPointWriter {
  return typeof value === "object" && value !== null && typeof (value as DataPointWriter).writeDataPoint === "function";
}
