/**
 * The traffic view of `GET /admin/projects/{p}/{e}/traffic`: per-minute points for the last hour,
 * per-hour points for the last day (counters and latency quantiles), refusals by code, the most
 * refused touches and the top operations, from merged hour buckets. Pure: the clock is an argument.
 */
import { COUNTERS, HOUR_MS, MINUTE_MS, hourOf, zeroCounts, type Counts, type HourBucket } from "./buckets";
import { LATENCY_KINDS, addHistogram, summarize, type Histogram, type LatencyKind, type LatencySummary } from "./latency";
import { addOperations, topOperations, type TopOperation } from "./operations";

/** One point of a series: the counters, and what the console draws from them. */
export interface TrafficPoint extends Counts {
  /** Start of the minute or hour, ISO 8601. */
  start: string;
  /** hits + misses + stale + bypasses (as `/stats` counts requests). */
  requests: number;
  /** unauthenticated (401) + forbidden (403). */
  refusals: number;
  /** hits / (hits + misses + stale); `null` without a cacheable request. */
  hitRatio: number | null;
  /**
   * Durations (ms): `hits` of the answers from a stored entry (HIT, STALE; count = hits + stale),
   * `misses` of the answers by the origin (MISS, BYPASS; count = misses + bypasses), `origin` of the
   * origin fetches themselves. Quantiles are `null` without a duration.
   */
  latency: Record<LatencyKind, LatencySummary>;
}

export interface Traffic {
  /** The instant the view was computed for, ISO 8601. */
  now: string;
  /** 60 points, oldest first; the last is the minute in progress. */
  minutes: TrafficPoint[];
  /** 24 points, oldest first; the last is the hour in progress. */
  hours: TrafficPoint[];
  /** The sum of `hours`. */
  day: Omit<TrafficPoint, "start">;
  /** Refusals of the day by `"<status> <code>[ <reason>]"`, most frequent first. */
  refusalCodes: Array<{ code: string; count: number }>;
  /** The most refused touches of the day (at most 10), most frequent first. */
  topFailedActions: Array<{ action: string; model: string; stage: string; locale: string; count: number }>;
  /** The day's `/content` operations with the most requests, and with the most misses (at most 10 each). */
  topOperations: { byRequests: TopOperation[]; byMisses: TopOperation[] };
}

export const TOP_FAILED_ACTIONS = 10;
export const TOP_OPERATIONS = 10;

/**
 * Builds the traffic view at `now` from buckets merged per hour (`StatsRecorder.buckets`).
 *
 * @example
 * const view = trafficView(await recorder.buckets("demo", "master"), Date.now());
 * view.minutes.at(-1)!.hitRatio; // this minute's hit ratio so far
 */
export function trafficView(buckets: readonly HourBucket[], now: number): Traffic {
  const byHour = new Map(buckets.map((b) => [b.hour, b]));
  const thisMinute = now - (((now % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
  const thisHour = hourOf(now);

  const minutes: TrafficPoint[] = [];
  for (let i = 59; i >= 0; i--) {
    const start = thisMinute - i * MINUTE_MS;
    const hour = hourOf(start);
    const minute = String((start - hour) / MINUTE_MS);
    const bucket = byHour.get(hour);
    minutes.push(point(start, countsOf(bucket?.minutes[minute]), bucket?.latency[minute] ?? []));
  }

  const hours: TrafficPoint[] = [];
  const dayCounts = zeroCounts();
  const dayLatency = emptyHistograms();
  const refusals = new Map<string, number>();
  const failed = new Map<string, number>();
  const operations: Record<string, number[]> = {};
  for (let i = 23; i >= 0; i--) {
    const start = thisHour - i * HOUR_MS;
    const bucket = byHour.get(start);
    const total = zeroCounts();
    for (const counts of Object.values(bucket?.minutes ?? {})) add(total, countsOf(counts));
    const latency = emptyHistograms();
    for (const histograms of Object.values(bucket?.latency ?? {})) addAll(latency, histograms);
    add(dayCounts, total);
    addAll(dayLatency, latency);
    hours.push(point(start, total, latency));
    for (const [code, n] of Object.entries(bucket?.refusals ?? {})) refusals.set(code, (refusals.get(code) ?? 0) + n);
    for (const [touch, n] of Object.entries(bucket?.failedActions ?? {})) failed.set(touch, (failed.get(touch) ?? 0) + n);
    addOperations(operations, bucket?.operations ?? {});
  }

  const { start: _start, ...day } = point(thisHour, dayCounts, dayLatency);
  return {
    now: new Date(now).toISOString(),
    minutes,
    hours,
    day,
    refusalCodes: ranked(refusals).map(([code, count]) => ({ code, count })),
    topFailedActions: ranked(failed)
      .slice(0, TOP_FAILED_ACTIONS)
      .map(([touch, count]) => {
        const [action = "", model = "", stage = "", locale = ""] = touch.split(" ");
        return { action, model, stage, locale, count };
      }),
    topOperations: {
      byRequests: topOperations(operations, "requests", TOP_OPERATIONS),
      byMisses: topOperations(operations, "misses", TOP_OPERATIONS),
    },
  };
}

function emptyHistograms(): Histogram[] {
  return LATENCY_KINDS.map(() => ({}));
}

function addAll(into: Histogram[], from: readonly Histogram[]): void {
  from.forEach((histogram, i) => addHistogram(into[i]!, histogram));
}

function countsOf(array: readonly number[] | undefined): Counts {
  const counts = zeroCounts();
  if (array) COUNTERS.forEach((name, i) => (counts[name] = array[i] ?? 0));
  return counts;
}

function add(into: Counts, from: Counts): void {
  for (const name of COUNTERS) into[name] += from[name];
}

function point(start: number, c: Counts, latency: readonly Histogram[]): TrafficPoint {
  const cacheable = c.hits + c.misses + c.stale;
  return {
    start: new Date(start).toISOString(),
    ...c,
    requests: cacheable + c.bypasses,
    refusals: c.unauthenticated + c.forbidden,
    hitRatio: cacheable === 0 ? null : c.hits / cacheable,
    latency: { hits: summarize(latency[0] ?? {}), misses: summarize(latency[1] ?? {}), origin: summarize(latency[2] ?? {}) },
  };
}

/** Entries by count descending, then by label (a stable order for equal counts). */
function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}
