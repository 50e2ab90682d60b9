/**
 * Which third-party apps call a project (SPEC §5a), counted like the traffic statistics
 * (`recorder.ts`): a verified JWT costs a map lookup and a few assignments in this isolate, and at
 * most every `flushIntervalMs` (the gateway's `STATS_FLUSH_MS`, default 5 s) a request hands a
 * flush to `waitUntil`, which sends each changed day's totals to the project's authority
 * (`authority/apps-table.ts`) — one call per project with new counts, never a write per request.
 * Counts an isolate has not flushed when it is evicted are lost: like the stats, the listing is
 * approximate and never a reason to slow a request down.
 */
import type { ProjectRef } from "../projects/types";
import { DAY_MS, MAX_APPS_PER_DAY, OTHER_APPS, countedName, dayOf, type AppTotals, type AppsDay } from "./apps-day";

/** Where the days are flushed (`Authority` in src/authority/client.ts satisfies it). */
export interface AppsAuthority {
  putApps(ref: ProjectRef, isolateId: string, day: AppsDay): Promise<boolean>;
}

export interface AppsRecorderOptions {
  /** Minimum time between two flushes of this isolate. Default 5 s. */
  flushIntervalMs?: number;
  now?: () => number;
  /** This isolate's id (random by default). */
  isolateId?: string;
}

interface Slot {
  ref: ProjectRef;
  /** Day start → app → totals; a day is dropped once stored after it ended. */
  days: Map<number, Map<string, AppTotals>>;
  dirty: Set<number>;
}

/** A day not stored within this long after it began is given up (the authority folds days that old). */
const KEEP_UNSTORED_MS = 2 * DAY_MS;

/**
 * Per-isolate app counters with throttled flushing.
 *
 * @example
 * const apps = new AppsRecorder(authorityFor(env.AUTHORITY));
 * apps.count({ projectId: "demo", environment: "master" }, "mobile", (p) => ctx.waitUntil(p));
 */
export class AppsRecorder {
  private readonly slots = new Map<string, Slot>();
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  readonly isolateId: string;
  private lastFlush: number;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly authority: AppsAuthority,
    options: AppsRecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 5_000;
    this.now = options.now ?? (() => Date.now());
    this.isolateId = options.isolateId ?? crypto.randomUUID();
    this.lastFlush = this.now();
  }

  /** Counts one request of `app` (its name cut to the bound); may hand a flush to `waitUntil`. */
  count(ref: ProjectRef, app: string, waitUntil?: (promise: Promise<unknown>) => void): void {
    const now = this.now();
    const slot = this.slot(ref);
    const day = dayOf(now);
    let apps = slot.days.get(day);
    if (!apps) {
      apps = new Map();
      slot.days.set(day, apps);
      for (const old of slot.days.keys()) if (old < now - KEEP_UNSTORED_MS) slot.days.delete(old);
    }
    let name = countedName(app);
    if (!apps.has(name) && apps.size >= MAX_APPS_PER_DAY) name = OTHER_APPS;
    const totals = apps.get(name);
    if (totals) {
      totals.requests += 1;
      totals.lastSeen = Math.max(totals.lastSeen, now);
    } else {
      apps.set(name, { app: name, firstSeen: now, lastSeen: now, requests: 1 });
    }
    slot.dirty.add(day);
    // A failed flush is quiet: the totals stay in memory and the next flush sends them.
    if (waitUntil && !this.flushing && now - this.lastFlush >= this.flushIntervalMs) waitUntil(this.flush().catch(() => undefined));
  }

  /**
   * Sends every changed day (one call per project and day) and drops past days once stored. A
   * failed call leaves its day to the next flush, and the flush rejects.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const now = this.now();
    this.lastFlush = now;
    const today = dayOf(now);
    const writes: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      for (const day of [...slot.dirty]) {
        const apps = slot.days.get(day);
        slot.dirty.delete(day);
        if (!apps) continue;
        // Copied before the first await: later counts never leak into an in-flight write.
        const copy: AppsDay = { day, apps: [...apps.values()].map((t) => ({ ...t })) };
        const write = this.authority.putApps(slot.ref, this.isolateId, copy).then(
          () => {
            if (day < today && !slot.dirty.has(day)) slot.days.delete(day);
            if (slot.days.size === 0 && this.slots.get(slotKey(slot.ref)) === slot) this.slots.delete(slotKey(slot.ref));
          },
          (error: unknown) => {
            slot.dirty.add(day); // try again next time
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

  private slot(ref: ProjectRef): Slot {
    const key = slotKey(ref);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { ref: { projectId: ref.projectId, environment: ref.environment }, days: new Map(), dirty: new Set() };
      this.slots.set(key, slot);
    }
    return slot;
  }
}

function slotKey(ref: ProjectRef): string {
  return `${ref.projectId}\u0000${ref.environment}`;
}

const recorders = new WeakMap<object, AppsRecorder>();

/**
 * The isolate's recorder for an authority binding's client (created on first use): what
 * authentication counts in and what `GET …/apps` flushes before it reads.
 *
 * @example appsRecorderFor(config.authority, { flushIntervalMs: config.stats.flushIntervalMs }).count(ref, "web", waitUntil);
 */
export function appsRecorderFor(authority: AppsAuthority, options: AppsRecorderOptions = {}): AppsRecorder {
  let recorder = recorders.get(authority);
  if (!recorder) {
    recorder = new AppsRecorder(authority, options);
    recorders.set(authority, recorder);
  }
  return recorder;
}
