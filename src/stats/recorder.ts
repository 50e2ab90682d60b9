/**
 * Traffic statistics per (project, environment) without a storage write per request (issues 15, 23).
 *
 * A request costs a few in-memory increments: the counter of the current minute in this
 * isolate's bucket of the current hour, the bucket of its duration in the minute's latency
 * histogram (`latency.ts`) and its operation's cell (`operations.ts`). Durations are measured with
 * `performance.now()`, which workerd moves only across I/O: a memory hit usually measures 0 ms,
 * a Cache API hit or an origin fetch its real wait. At most every `flushIntervalMs` (default 5 s) a request
 * hands a flush to `waitUntil`, which writes each changed bucket's totals to the {@link StatsStore}
 * (and the counts since the last flush to the optional {@link StatsSink}). Reads merge every
 * isolate's stored buckets with this isolate's live ones. Counts an isolate has not flushed when it
 * is evicted are lost: the statistics are approximate, never a reason to slow a request down.
 */
import {
  COUNTERS,
  HOUR_MS,
  MINUTE_MS,
  copyBucket,
  emptyBucket,
  hourOf,
  mergeBuckets,
  minuteCounts,
  minuteLatency,
  sumCounts,
  type CounterName,
  type HourBucket,
} from "./buckets";
import { sinceSent, type MinuteDelta, type SentMinutes, type StatsSink } from "./analytics-engine";
import { addLabel } from "./labels";
import { bucketOf, type Histogram } from "./latency";
import { operationCell } from "./operations";
import type { StatsStore } from "./buckets";
import { STATS_RETENTION_MS } from "./store";
import { mergeStats, type StatsCounts, type StatsSummary } from "./summary";
import type { ProjectRef } from "../projects/types";

export const DEFAULT_STATS_FLUSH_INTERVAL_MS = 5_000;
/** The window `read` and `buckets` cover: the hour in progress and the 23 before it. */
export const STATS_WINDOW_HOURS = 24;

/** A 401 or 403 answer, as the traffic view counts it. */
export interface Refusal {
  status: 401 | 403;
  code: string;
  /** `extensions.reason`, when the error has one. */
  reason?: string;
  /** Hygraph-style refused touches of a 403. */
  failedActions?: ReadonlyArray<{ action: string; model: string; stage: string; locale: string }>;
}

export interface StatsRecorderOptions {
  /** Minimum time between two flushes of this isolate. Default 5 s. */
  flushIntervalMs?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** This isolate's id (random by default). */
  isolateId?: string;
  /** Also receives each flush's counts (Workers Analytics Engine). */
  sink?: StatsSink;
}

interface Slot {
  ref: ProjectRef;
  /** This isolate's buckets not yet known to be stored, or of the current hour. */
  hours: Map<number, HourBucket>;
  dirty: Set<number>;
  /** The current minute's hour, end and counters, so the usual increment is one comparison and one add. */
  hour: number;
  minuteEnd: number;
  counts: number[];
  /** The current minute's latency histograms (hits, misses, origin), made on the minute's first timing. */
  latency: Histogram[] | undefined;
  /** What the sink was last given, per hour (only with a sink). */
  sent: Map<number, SentMinutes>;
}

/** The outcomes of a `/content` answer, and the latency histogram each one's time counts in. */
export type AnswerStat = "hits" | "stale" | "misses" | "bypasses";
/** The latency histograms of a minute, in `LATENCY_KINDS` order. */
const HITS = 0;
const MISSES = 1;
const ORIGIN = 2;
/** Answered from a stored entry (HIT, STALE): hits; answered by the origin (MISS, BYPASS): misses. */
const LATENCY_OF: Record<AnswerStat, number> = { hits: HITS, stale: HITS, misses: MISSES, bypasses: MISSES };

const INDEX = Object.fromEntries(COUNTERS.map((name, i) => [name, i])) as Record<CounterName, number>;

/**
 * Per-isolate, per-minute counters with throttled flushing.
 *
 * @example
 * const stats = new StatsRecorder(statsStoreFor(env.CONFIG, authorityFor(env.AUTHORITY)));
 * stats.answer("demo", "master", "misses", 42.5, operationLabel(hash, "Posts"), (p) => ctx.waitUntil(p));
 * stats.origin("demo", "master", 40.1);
 * stats.record("demo", "master", "v2Requests", (p) => ctx.waitUntil(p));
 * stats.refuse("demo", "master", { status: 403, code: "FORBIDDEN", failedActions }, (p) => ctx.waitUntil(p));
 * await stats.read("demo", "master"); // GET …/stats
 */
export class StatsRecorder {
  private readonly slots = new Map<string, Slot>();
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  private readonly sink: StatsSink | undefined;
  readonly isolateId: string;
  private lastFlush: number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: StatsStore,
    options: StatsRecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_STATS_FLUSH_INTERVAL_MS;
    this.now = options.now ?? (() => Date.now());
    this.isolateId = options.isolateId ?? crypto.randomUUID();
    this.sink = options.sink;
    this.lastFlush = this.now();
  }

  /** Counts one cache-step outcome (or a `/v2` operation); may hand a flush to `waitUntil`. */
  record(projectId: string, environment: string, stat: CounterName, waitUntil?: (promise: Promise<unknown>) => void, by = 1): void {
    const now = this.now();
    const slot = this.slot(projectId, environment);
    if (now >= slot.minuteEnd || now < slot.minuteEnd - MINUTE_MS) this.enterMinute(slot, now);
    slot.counts[INDEX[stat]]! += by;
    slot.dirty.add(slot.hour);
    this.maybeFlush(now, waitUntil);
  }

  /**
   * Counts one `/content` answer: its outcome, how long the gateway took (ms, in the hits or misses
   * histogram: {@link LATENCY_OF}) and, when known, its operation (`operationLabel`; a MISS or
   * BYPASS also counts as the operation's miss). May hand a flush to `waitUntil`.
   */
  answer(
    projectId: string,
    environment: string,
    stat: AnswerStat,
    ms: number,
    operation: string | undefined,
    waitUntil?: (promise: Promise<unknown>) => void,
  ): void {
    const now = this.now();
    const slot = this.slot(projectId, environment);
    if (now >= slot.minuteEnd || now < slot.minuteEnd - MINUTE_MS) this.enterMinute(slot, now);
    slot.counts[INDEX[stat]]! += 1;
    const kind = LATENCY_OF[stat];
    this.time(slot, now, kind, ms);
    if (operation !== undefined) {
      const cell = operationCell(slot.hours.get(slot.hour)!.operations, operation);
      cell[0]! += 1;
      if (kind === MISSES) cell[1]! += 1;
    }
    slot.dirty.add(slot.hour);
    this.maybeFlush(now, waitUntil);
  }

  /** Counts the duration (ms) of one origin fetch of the cache step (its own time, not the request's). */
  origin(projectId: string, environment: string, ms: number): void {
    const now = this.now();
    const slot = this.slot(projectId, environment);
    if (now >= slot.minuteEnd || now < slot.minuteEnd - MINUTE_MS) this.enterMinute(slot, now);
    this.time(slot, now, ORIGIN, ms);
    slot.dirty.add(slot.hour);
  }

  /**
   * {@link answer} of a fresh hit for one project and operation with the slot and the operation's
   * cell looked up once: what the fast path keeps per remembered request, so a repeated hit costs
   * a comparison and three increments (counter, histogram, operation).
   */
  hitCounter(
    projectId: string,
    environment: string,
    operation: string | undefined,
  ): (ms: number, waitUntil?: (promise: Promise<unknown>) => void) => void {
    const slot = this.slot(projectId, environment);
    let cellHour = NaN;
    let cell: number[] | undefined;
    return (ms, waitUntil) => {
      const now = this.now();
      if (now >= slot.minuteEnd || now < slot.minuteEnd - MINUTE_MS) this.enterMinute(slot, now);
      slot.counts[INDEX.hits]! += 1;
      this.time(slot, now, HITS, ms);
      if (operation !== undefined) {
        if (cellHour !== slot.hour) {
          cell = operationCell(slot.hours.get(slot.hour)!.operations, operation);
          cellHour = slot.hour;
        }
        cell![0]! += 1;
      }
      slot.dirty.add(slot.hour);
      this.maybeFlush(now, waitUntil);
    };
  }

  /** Counts a 401/403 answer: its minute counter, its code and (403) its refused touches. */
  refuse(projectId: string, environment: string, refusal: Refusal, waitUntil?: (promise: Promise<unknown>) => void): void {
    const now = this.now();
    const slot = this.slot(projectId, environment);
    if (now >= slot.minuteEnd || now < slot.minuteEnd - MINUTE_MS) this.enterMinute(slot, now);
    slot.counts[refusal.status === 401 ? INDEX.unauthenticated : INDEX.forbidden]! += 1;
    slot.dirty.add(slot.hour);
    const bucket = slot.hours.get(slot.hour)!;
    addLabel(
      bucket.refusals,
      [refusal.status, refusal.code, refusal.reason].filter((part) => part !== undefined && part !== "").join(" "),
      1,
    );
    for (const t of refusal.failedActions ?? []) addLabel(bucket.failedActions, `${t.action} ${t.model} ${t.stage} ${t.locale}`, 1);
    this.maybeFlush(now, waitUntil);
  }

  /** This isolate's cache-step counts held in memory for a project (the hours not yet flushed away). */
  local(projectId: string, environment: string): StatsCounts {
    const slot = this.slots.get(slotKey(projectId, environment));
    const { hits, misses, stale, bypasses, originErrors } = sumCounts(slot?.hours.values() ?? []);
    return { hits, misses, stale, bypasses, originErrors };
  }

  /**
   * Writes every changed bucket (one store write each) and drops the buckets of past hours once
   * stored. A failed write leaves its bucket to the next flush.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const now = this.now();
    this.lastFlush = now;
    const current = hourOf(now);
    const writes: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      const deltas = this.sink ? this.deltas(slot) : [];
      if (deltas.length > 0) this.sink!.write(slot.ref, deltas);
      for (const hour of [...slot.dirty]) {
        const bucket = slot.hours.get(hour)!;
        slot.dirty.delete(hour);
        const write = this.store.put(slot.ref, this.isolateId, copyBucket(bucket)).then(
          () => {
            if (hour < current && !slot.dirty.has(hour)) {
              slot.hours.delete(hour);
              slot.sent.delete(hour);
            }
          },
          (error: unknown) => {
            slot.dirty.add(hour); // try again next time
            throw error;
          },
        );
        writes.push(write);
      }
    }
    this.flushing = Promise.all(writes)
      .then(() => undefined)
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /**
   * Every isolate's buckets of the last 24 hours (the current one included) for a project, merged per
   * hour, with this isolate's live buckets in place of what it stored of the same hours.
   */
  async buckets(projectId: string, environment: string): Promise<HourBucket[]> {
    const now = this.now();
    const since = hourOf(now) - (STATS_WINDOW_HOURS - 1) * HOUR_MS;
    const slot = this.slots.get(slotKey(projectId, environment));
    const stored = await this.store.list({ projectId, environment }, since);
    const live = [...(slot?.hours.values() ?? [])].filter((b) => b.hour >= since);
    const liveHours = new Set(live.map((b) => b.hour));
    const others = stored.filter((s) => !(s.isolateId === this.isolateId && liveHours.has(s.bucket.hour))).map((s) => s.bucket);
    return mergeBuckets([...others, ...live]);
  }

  /** The `/stats` summary over the hour in progress and the 23 before it, every isolate included. */
  async read(projectId: string, environment: string): Promise<StatsSummary> {
    return mergeStats([sumCounts(await this.buckets(projectId, environment))]);
  }

  private slot(projectId: string, environment: string): Slot {
    const key = slotKey(projectId, environment);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = {
        ref: { projectId, environment },
        hours: new Map(),
        dirty: new Set(),
        hour: 0,
        minuteEnd: -Infinity,
        counts: [],
        latency: undefined,
        sent: new Map(),
      };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** Points the slot at the counters of the minute `now` falls in (new hour: a new bucket). */
  private enterMinute(slot: Slot, now: number): void {
    const hour = hourOf(now);
    let bucket = slot.hours.get(hour);
    if (!bucket) {
      bucket = emptyBucket(hour);
      slot.hours.set(hour, bucket);
    }
    const minute = Math.floor((now - hour) / MINUTE_MS);
    slot.counts = minuteCounts(bucket, minute);
    slot.latency = bucket.latency[String(minute)];
    slot.hour = hour;
    slot.minuteEnd = hour + (minute + 1) * MINUTE_MS;
    // Buckets beyond the retention that could not be stored are given up.
    for (const old of slot.hours.keys()) if (old < now - STATS_RETENTION_MS) slot.hours.delete(old);
  }

  /** Counts a duration (ms) in the current minute's histogram of `kind` (made on the minute's first timing). */
  private time(slot: Slot, now: number, kind: number, ms: number): void {
    const histogram = (slot.latency ??= minuteLatency(slot.hours.get(slot.hour)!, Math.floor((now - slot.hour) / MINUTE_MS)))[kind]!;
    const i = bucketOf(ms);
    histogram[i] = (histogram[i] ?? 0) + 1;
  }

  private maybeFlush(now: number, waitUntil: ((promise: Promise<unknown>) => void) | undefined): void {
    // A failed flush is quiet: the totals stay in memory and the next flush writes them.
    if (waitUntil && !this.flushing && now - this.lastFlush >= this.flushIntervalMs) waitUntil(this.flush().catch(() => undefined));
  }

  /** Counts and histograms per minute since what the sink was last given, and remembers what it is given now. */
  private deltas(slot: Slot): MinuteDelta[] {
    const out: MinuteDelta[] = [];
    for (const hour of slot.dirty) {
      const sent = slot.sent.get(hour) ?? {};
      out.push(...sinceSent(slot.hours.get(hour)!, sent));
      slot.sent.set(hour, sent);
    }
    return out;
  }
}

function slotKey(projectId: string, environment: string): string {
  return `${projectId}\u0000${environment}`;
}
