/**
 * The traffic view of `GET /admin/projects/{p}/{e}/traffic`: per-minute points for the last hour,
 * per-hour points for the last day, refusals by code and the most refused touches, from merged
 * hour buckets. Pure: the clock is an argument.
 */
import { COUNTERS, HOUR_MS, MINUTE_MS, hourOf, zeroCounts, type Counts, type HourBucket } from "./buckets";

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
}

export const TOP_FAILED_ACTIONS = 10;

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
    const counts = byHour.get(hour)?.minutes[String((start - hour) / MINUTE_MS)];
    minutes.push(point(start, countsOf(counts)));
  }

  const hours: TrafficPoint[] = [];
  const dayCounts = zeroCounts();
  const refusals = new Map<string, number>();
  const failed = new Map<string, number>();
  for (let i = 23; i >= 0; i--) {
    const start = thisHour - i * HOUR_MS;
    const bucket = byHour.get(start);
    const total = zeroCounts();
    for (const counts of Object.values(bucket?.minutes ?? {})) add(total, countsOf(counts));
    add(dayCounts, total);
    hours.push(point(start, total));
    for (const [code, n] of Object.entries(bucket?.refusals ?? {})) refusals.set(code, (refusals.get(code) ?? 0) + n);
    for (const [touch, n] of Object.entries(bucket?.failedActions ?? {})) failed.set(touch, (failed.get(touch) ?? 0) + n);
  }

  const { start: _start, ...day } = point(thisHour, dayCounts);
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
  };
}

function countsOf(array: readonly number[] | undefined): Counts {
  const counts = zeroCounts();
  if (array) COUNTERS.forEach((name, i) => (counts[name] = array[i] ?? 0));
  return counts;
}

function add(into: Counts, from: Counts): void {
  for (const name of COUNTERS) into[name] += from[name];
}

function point(start: number, c: Counts): TrafficPoint {
  const cacheable = c.hits + c.misses + c.stale;
  return {
    start: new Date(start).toISOString(),
    ...c,
    requests: cacheable + c.bypasses,
    refusals: c.unauthenticated + c.forbidden,
    hitRatio: cacheable === 0 ? null : c.hits / cacheable,
  };
}

/** Entries by count descending, then by label (a stable order for equal counts). */
function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}
