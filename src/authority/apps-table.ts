/**
 * The apps a project's authority has seen (SPEC §5a), in the object's own SQLite database beside
 * the traffic rows (`stats-table.ts`), written by isolates' flushes (`stats/apps-recorder.ts`) and
 * read by `GET …/apps`.
 *
 * Two tables:
 * - `apps_seen`: one row per app name — first and last seen, and the requests of days already
 *   folded in. It is the registry that bounds the names: at most {@link MAX_STORED_APPS} of them;
 *   a new name beyond it is counted as `(other)`. An app not seen for {@link APPS_RETENTION_MS} is
 *   forgotten, which frees its place.
 * - `app_days`: one row per (day, isolate, app) with the isolate's *total* of that day, replaced
 *   only by a larger one, so a retried or late flush never double counts. Days older than
 *   yesterday are no longer accepted, and are folded into `apps_seen` (summed, deleted) at most
 *   once per hour of the object's life: the rows stay few whatever the number of isolates.
 *
 * Plain SQL with an injected clock, so `object.ts` only wires it and tests run it on a real
 * Durable Object's storage with a frozen clock.
 */
import { DAY_MS, OTHER_APPS, dayOf, parseAppsDay, type AppTotals } from "../stats/apps-day";
import { MAX_ISOLATE_ID_LENGTH } from "./stats-table";

/** Distinct app names kept per project (besides `(other)`). */
export const MAX_STORED_APPS = 1_000;
/** An app not seen for this long is forgotten. */
export const APPS_RETENTION_MS = 90 * DAY_MS;
const FOLD_EVERY_MS = 3_600_000;

const SEEN = "apps_seen";
const DAYS = "app_days";

/**
 * The apps rows of one project authority.
 *
 * @example
 * const table = new AppsTable(ctx.storage.sql, Date.now);
 * table.put("0b6f…", { day, apps: [{ app: "web", firstSeen, lastSeen, requests: 3 }] });
 * table.list(); // [{ app: "web", firstSeen, lastSeen, requests: 3 }]
 */
export class AppsTable {
  private ready = false;
  private foldedAt = -Infinity;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /**
   * Stores `isolateId`'s totals of one day. Returns the rows written: 0 for a repeat, and for
   * anything malformed, of a future day or of a day already folded.
   */
  put(isolateId: unknown, raw: unknown): number {
    if (typeof isolateId !== "string" || isolateId.length === 0 || isolateId.length > MAX_ISOLATE_ID_LENGTH) return 0;
    const batch = parseAppsDay(raw);
    const now = this.now();
    if (!batch || batch.day > dayOf(now) + DAY_MS || batch.day < firstOpenDay(now)) return 0;
    this.prepare(now);
    let known = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${SEEN} WHERE app != ?`, OTHER_APPS).one().n;
    // Names beyond the registry's bound are counted together, as the isolate does beyond its own.
    const merged = new Map<string, AppTotals>();
    for (const totals of batch.apps) {
      let name = totals.app;
      if (name !== OTHER_APPS && !this.has(name)) {
        if (known >= MAX_STORED_APPS) name = OTHER_APPS;
        else known++;
      }
      const same = merged.get(name);
      merged.set(
        name,
        same
          ? {
              app: name,
              firstSeen: Math.min(same.firstSeen, totals.firstSeen),
              lastSeen: Math.max(same.lastSeen, totals.lastSeen),
              requests: same.requests + totals.requests,
            }
          : { ...totals, app: name },
      );
    }
    let written = 0;
    for (const t of merged.values()) {
      written += this.sql.exec(
        `INSERT INTO ${SEEN} (app, first_seen, last_seen, folded) VALUES (?, ?, ?, 0)
         ON CONFLICT (app) DO UPDATE SET first_seen = MIN(${SEEN}.first_seen, excluded.first_seen), last_seen = MAX(${SEEN}.last_seen, excluded.last_seen)
         WHERE excluded.first_seen < ${SEEN}.first_seen OR excluded.last_seen > ${SEEN}.last_seen`,
        t.app,
        t.firstSeen,
        t.lastSeen,
      ).rowsWritten;
      written += this.sql.exec(
        `INSERT INTO ${DAYS} (day, isolate, app, requests) VALUES (?, ?, ?, ?)
         ON CONFLICT (day, isolate, app) DO UPDATE SET requests = excluded.requests WHERE excluded.requests > ${DAYS}.requests`,
        batch.day,
        isolateId,
        t.app,
        t.requests,
      ).rowsWritten;
    }
    return written;
  }

  /** Every app kept, most recently seen first, with its requests over every isolate and day. */
  list(): AppTotals[] {
    this.prepare(this.now());
    return this.sql
      .exec<{ app: string; first_seen: number; last_seen: number; requests: number }>(
        `SELECT s.app, s.first_seen, s.last_seen, s.folded + COALESCE(SUM(d.requests), 0) AS requests
         FROM ${SEEN} s LEFT JOIN ${DAYS} d ON d.app = s.app
         GROUP BY s.app ORDER BY s.last_seen DESC, s.app LIMIT ?`,
        MAX_STORED_APPS + 1,
      )
      .toArray()
      .map((row) => ({ app: row.app, firstSeen: row.first_seen, lastSeen: row.last_seen, requests: row.requests }));
  }

  private has(app: string): boolean {
    return this.sql.exec(`SELECT 1 FROM ${SEEN} WHERE app = ?`, app).toArray().length > 0;
  }

  /** Creates the tables on first use; folds closed days and forgets old apps once per hour. */
  private prepare(now: number): void {
    if (!this.ready) {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS ${SEEN} (
        app TEXT PRIMARY KEY,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        folded INTEGER NOT NULL
      ) WITHOUT ROWID`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS ${DAYS} (
        day INTEGER NOT NULL,
        isolate TEXT NOT NULL,
        app TEXT NOT NULL,
        requests INTEGER NOT NULL,
        PRIMARY KEY (day, isolate, app)
      ) WITHOUT ROWID`);
      this.sql.exec(`CREATE INDEX IF NOT EXISTS ${DAYS}_app ON ${DAYS} (app)`);
      this.ready = true;
    }
    if (now - this.foldedAt < FOLD_EVERY_MS) return;
    this.foldedAt = now;
    const open = firstOpenDay(now);
    // One synchronous run: the object's implicit transaction covers the sum and the delete together.
    this.sql.exec(
      `UPDATE ${SEEN} SET folded = folded + (SELECT COALESCE(SUM(requests), 0) FROM ${DAYS} d WHERE d.app = ${SEEN}.app AND d.day < ?)
       WHERE app IN (SELECT app FROM ${DAYS} WHERE day < ?)`,
      open,
      open,
    );
    this.sql.exec(`DELETE FROM ${DAYS} WHERE day < ?`, open);
    // Forgotten apps have no open days left (their last day is long folded).
    this.sql.exec(`DELETE FROM ${SEEN} WHERE last_seen < ?`, now - APPS_RETENTION_MS);
  }
}

/** Yesterday: the oldest day still accepted; earlier days are folded. */
function firstOpenDay(now: number): number {
  return dayOf(now) - DAY_MS;
}
