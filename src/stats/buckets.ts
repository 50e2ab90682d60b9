/**
 * Traffic counters by time: one bucket per (project, environment, hour), holding per-minute
 * counters and latency histograms, and the hour's refusal codes, refused touches and operations.
 * Plain data (numbers, strings, records), so a bucket is what an isolate keeps in memory, what it
 * writes to the stats store, and what the admin reads merge. Pure functions only; no clock is read here.
 */
import type { ProjectRef } from "../projects/types";
import { addLabel } from "./labels";
import { LATENCY_KINDS, addHistogram, histogramCount, parseHistogram, type Histogram } from "./latency";
import { addOperations, parseOperations } from "./operations";

/**
 * Per-minute counters, in the order they are stored (an array per minute keeps buckets small).
 * New counters are only ever appended: a stored bucket of an older version reads as 0 for them.
 */
export const COUNTERS = [
  "hits",
  "misses",
  "stale",
  "bypasses",
  "originErrors",
  "unauthenticated",
  "forbidden",
  "v2Requests",
  "mutations",
] as const;
export type CounterName = (typeof COUNTERS)[number];
export type Counts = Record<CounterName, number>;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export interface HourBucket {
  /** Start of the hour (UTC), ms since the epoch. */
  hour: number;
  /** Minute of the hour (`"0"`–`"59"`) → counts in {@link COUNTERS} order; minutes without traffic are absent. */
  minutes: Record<string, number[]>;
  /** Refusals of the hour by `"<status> <code>[ <reason>]"`, e.g. `"401 UNAUTHENTICATED revoked"`. */
  refusals: Record<string, number>;
  /** Refused touches of the hour by `"<action> <model> <stage> <locale>"` (Hygraph's `failedActions`). */
  failedActions: Record<string, number>;
  /**
   * Minute of the hour → its latency histograms in {@link LATENCY_KINDS} order (hits, misses,
   * origin; `stats/latency.ts`); minutes without a timing are absent.
   */
  latency: Record<string, Histogram[]>;
  /** `/content` operations of the hour by `"<document hash>[ <operation name>]"` → `[requests, misses]` (`stats/operations.ts`). */
  operations: Record<string, number[]>;
}

/** One isolate's bucket of one hour, as a store lists it. */
export interface StoredBucket {
  isolateId: string;
  bucket: HourBucket;
}

/** Where isolates flush their buckets (stats/store.ts chooses one). */
export interface StatsStore {
  /** Replaces `isolateId`'s totals for `bucket.hour` of the project (idempotent). */
  put(ref: ProjectRef, isolateId: string, bucket: HourBucket): Promise<void>;
  /** Every isolate's buckets of the project for hours `>= sinceHour`. */
  list(ref: ProjectRef, sinceHour: number): Promise<StoredBucket[]>;
}

/** The start of the hour `ms` falls in. @example hourOf(Date.UTC(2026, 0, 1, 10, 42)) === Date.UTC(2026, 0, 1, 10) */
export function hourOf(ms: number): number {
  return ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** A bucket with nothing counted yet. */
export function emptyBucket(hour: number): HourBucket {
  return { hour, minutes: {}, refusals: {}, failedActions: {}, latency: {}, operations: {} };
}

export function zeroCounts(): Counts {
  return {
    hits: 0,
    misses: 0,
    stale: 0,
    bypasses: 0,
    originErrors: 0,
    unauthenticated: 0,
    forbidden: 0,
    v2Requests: 0,
    mutations: 0,
  };
}

/** The counts array of a minute of a bucket, created on first use. */
export function minuteCounts(bucket: HourBucket, minute: number): number[] {
  const key = String(minute);
  let counts = bucket.minutes[key];
  if (!counts) {
    counts = new Array<number>(COUNTERS.length).fill(0);
    bucket.minutes[key] = counts;
  }
  return counts;
}

/** The latency histograms of a minute of a bucket (hits, misses, origin), created on first use. */
export function minuteLatency(bucket: HourBucket, minute: number): Histogram[] {
  const key = String(minute);
  let histograms = bucket.latency[key];
  if (!histograms) {
    histograms = LATENCY_KINDS.map(() => ({}));
    bucket.latency[key] = histograms;
  }
  return histograms;
}

/**
 * Adds `from` into `into` (same hour): minutes counter by counter, histograms bucket by bucket,
 * labels by label. Operations are merged without the per-isolate bound: this merge is for reads,
 * whose size the buckets read already bound, and the top ten must not depend on merge order.
 */
export function addBucket(into: HourBucket, from: HourBucket): void {
  for (const [minute, counts] of Object.entries(from.minutes)) {
    const target = minuteCounts(into, Number(minute));
    for (let i = 0; i < COUNTERS.length; i++) target[i]! += counts[i] ?? 0;
  }
  for (const [minute, histograms] of Object.entries(from.latency)) {
    const target = minuteLatency(into, Number(minute));
    histograms.forEach((histogram, i) => addHistogram(target[i]!, histogram));
  }
  for (const [label, n] of Object.entries(from.refusals)) addLabel(into.refusals, label, n);
  for (const [label, n] of Object.entries(from.failedActions)) addLabel(into.failedActions, label, n);
  addOperations(into.operations, from.operations);
}

/**
 * Everything a bucket counted, added up: it only grows while an isolate counts an hour, so the
 * stats table keeps the copy with the larger total (`authority/stats-table.ts`).
 *
 * @example bucketTotal(bucket); // counters + latency samples + operation requests
 */
export function bucketTotal(bucket: HourBucket): number {
  let total = 0;
  for (const counts of Object.values(bucket.minutes)) for (const n of counts) total += n;
  for (const histograms of Object.values(bucket.latency)) for (const h of histograms) total += histogramCount(h);
  for (const [requests = 0, misses = 0] of Object.values(bucket.operations)) total += requests + misses;
  return total;
}

/**
 * Merges buckets of any isolates into one per hour, sorted by hour.
 *
 * @example mergeBuckets([a10h, b10h, a11h]); // [a10h + b10h, a11h]
 */
export function mergeBuckets(buckets: Iterable<HourBucket>): HourBucket[] {
  const byHour = new Map<number, HourBucket>();
  for (const bucket of buckets) {
    let merged = byHour.get(bucket.hour);
    if (!merged) {
      merged = emptyBucket(bucket.hour);
      byHour.set(bucket.hour, merged);
    }
    addBucket(merged, bucket);
  }
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

/** A deep copy (what is written must not change while the write is in flight). */
export function copyBucket(bucket: HourBucket): HourBucket {
  const minutes: Record<string, number[]> = {};
  for (const [minute, counts] of Object.entries(bucket.minutes)) minutes[minute] = [...counts];
  const latency: Record<string, Histogram[]> = {};
  for (const [minute, histograms] of Object.entries(bucket.latency)) latency[minute] = histograms.map((h) => ({ ...h }));
  const operations: Record<string, number[]> = {};
  for (const [label, cell] of Object.entries(bucket.operations)) operations[label] = [...cell];
  return {
    hour: bucket.hour,
    minutes,
    refusals: { ...bucket.refusals },
    failedActions: { ...bucket.failedActions },
    latency,
    operations,
  };
}

/** Sums counters over minutes, optionally only minutes starting in `[from, to)`. */
export function sumCounts(buckets: Iterable<HourBucket>, from = -Infinity, to = Infinity): Counts {
  const total = zeroCounts();
  for (const bucket of buckets) {
    for (const [minute, counts] of Object.entries(bucket.minutes)) {
      const start = bucket.hour + Number(minute) * MINUTE_MS;
      if (start < from || start >= to) continue;
      COUNTERS.forEach((name, i) => (total[name] += counts[i] ?? 0));
    }
  }
  return total;
}

const count = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n >= 0;

/** A minute key `"0"`–`"59"`, or `undefined`. */
function minuteOf(key: string): number | undefined {
  const m = Number(key);
  return Number.isInteger(m) && m >= 0 && m <= 59 ? m : undefined;
}

/**
 * A stored bucket read back, checked member by member: anything malformed (another version, a
 * hand-edited value) is dropped rather than trusted. `undefined` when it is not a bucket at all.
 */
export function parseBucket(raw: unknown): HourBucket | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const value = raw as Partial<HourBucket>;
  if (typeof value.hour !== "number" || !Number.isSafeInteger(value.hour) || hourOf(value.hour) !== value.hour) return undefined;
  const bucket = emptyBucket(value.hour);
  for (const [minute, counts] of Object.entries(value.minutes ?? {})) {
    const m = minuteOf(minute);
    if (m === undefined || !Array.isArray(counts)) continue;
    bucket.minutes[String(m)] = COUNTERS.map((_, i) => (count(counts[i]) ? counts[i] : 0));
  }
  for (const key of ["refusals", "failedActions"] as const) {
    for (const [label, n] of Object.entries(value[key] ?? {})) if (count(n)) addLabel(bucket[key], label, n);
  }
  // Latency: per minute, one histogram per kind (at most 60 × 3 × 69 counts); a malformed one is empty.
  const latency: unknown = value.latency;
  if (latency && typeof latency === "object") {
    for (const [minute, histograms] of Object.entries(latency)) {
      const m = minuteOf(minute);
      if (m === undefined || !Array.isArray(histograms)) continue;
      const parsed = LATENCY_KINDS.map((_, i) => parseHistogram(histograms[i]) ?? {});
      if (parsed.some((h) => Object.keys(h).length > 0)) bucket.latency[String(m)] = parsed;
    }
  }
  bucket.operations = parseOperations(value.operations);
  return bucket;
}

/** {@link parseBucket} of a stored JSON text; `undefined` when it is not JSON or not a bucket. */
export function parseBucketJson(text: string): HourBucket | undefined {
  try {
    return parseBucket(JSON.parse(text));
  } catch {
    return undefined;
  }
}
