/**
 * The traffic buckets a project's authority keeps for the operator console (issue 15), in the
 * object's own SQLite database: one row per (hour, isolate) holding that isolate's *totals* of the
 * hour, written by the isolate at most every `STATS_FLUSH_MS` and read by the admin stats routes.
 *
 * Why rows per (hour, isolate) and not one value per hour holding every isolate: a flush then
 * writes one small row whatever the number of isolates (one billed row either way, but no value
 * that grows with the isolates towards the 2 MB limit, and no read-modify-write), and pruning is
 * one `DELETE` on the primary key's prefix.
 *
 * - **Idempotent and order-proof.** An isolate's totals of an hour only grow, so a row is replaced
 *   only by a bucket with a larger grand total: a retried flush writes nothing, and a late flush
 *   that arrives after a newer one cannot undo it.
 * - **Bounded.** Rows older than {@link STATS_RETENTION_MS} (26 h) are deleted, at most once per
 *   hour of the object's life (and once after it starts), and never read; a bucket of a future
 *   hour, an unparseable bucket or an oversized one is refused.
 * - **Cheap to read.** `list` returns the stored JSON as is: the object never parses on reads;
 *   the caller checks each bucket (`parseBucket`) as it would any stored value.
 *
 * Plain SQL with an injected clock, so `object.ts` only wires it and tests run it on a real
 * Durable Object's storage with a frozen clock.
 */
import { HOUR_MS, bucketTotal, hourOf, parseBucket } from "../stats/buckets";
import { MAX_BUCKETS_READ, STATS_RETENTION_MS } from "../stats/store";

/** An isolate id longer than this is refused (the recorder's are UUIDs, 36 characters). */
export const MAX_ISOLATE_ID_LENGTH = 128;
/**
 * A bucket whose JSON is longer is refused. Counters and 100 + 100 labels are about 20 KB, 100
 * operations (hash and a name of up to 128 characters) about 20 KB more; latency histograms add
 * ~1 KB per minute with timings spread over 30 buckets per kind, and at worst (every one of the
 * 69 buckets of the three kinds, every minute) about 150 KB.
 */
export const MAX_BUCKET_BYTES = 256 * 1024;
/** At most this much bucket JSON is returned by one `list` (well under the 32 MiB of an RPC). */
export const MAX_LIST_BYTES = 8 * 1024 * 1024;

/** One stored row as `list` returns it: the isolate and its bucket's JSON. */
export interface StatsRow {
  isolateId: string;
  bucket: string;
}

const TABLE = "stats_buckets";

/**
 * The stats rows of one project authority.
 *
 * @example
 * const table = new StatsTable(ctx.storage.sql, Date.now);
 * table.put("0b6f…", bucket); // 1: one row written
 * table.list(hourOf(Date.now()) - 23 * HOUR_MS); // [{ isolateId, bucket: "{\"hour\":…}" }, …]
 */
export class StatsTable {
  /** Rows of hours before this were deleted (or never existed) since the object started. */
  private prunedBefore = -Infinity;
  private ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /**
   * Replaces `isolateId`'s totals of `bucket.hour` when they grew. Returns the rows written (what
   * the object is billed for): 1 when stored; 0 for a repeat or an older copy, and for anything
   * malformed, oversized, of a future hour or older than the retention.
   */
  put(isolateId: unknown, raw: unknown): number {
    if (typeof isolateId !== "string" || isolateId.length === 0 || isolateId.length > MAX_ISOLATE_ID_LENGTH) return 0;
    const bucket = parseBucket(raw);
    const now = this.now();
    if (!bucket || bucket.hour > hourOf(now) + HOUR_MS || bucket.hour < cutoffOf(now)) return 0;
    const json = JSON.stringify(bucket);
    if (json.length > MAX_BUCKET_BYTES) return 0;
    const total = bucketTotal(bucket);
    this.prepare(now);
    const cursor = this.sql.exec(
      `INSERT INTO ${TABLE} (hour, isolate, total, bucket) VALUES (?, ?, ?, ?)
       ON CONFLICT (hour, isolate) DO UPDATE SET total = excluded.total, bucket = excluded.bucket
       WHERE excluded.total > ${TABLE}.total`,
      bucket.hour,
      isolateId,
      total,
      json,
    );
    return cursor.rowsWritten;
  }

  /**
   * Every isolate's buckets of hours `>= sinceHour` (within the retention), newest hour first: when
   * the byte bound cuts the list, the hours lost are the oldest, never the last hour's minutes.
   */
  list(sinceHour: number): StatsRow[] {
    const now = this.now();
    this.prepare(now);
    const since = Math.max(Number.isFinite(sinceHour) ? sinceHour : 0, cutoffOf(now));
    const rows: StatsRow[] = [];
    let bytes = 0;
    for (const row of this.sql.exec<{ isolate: string; bucket: string }>(
      `SELECT isolate, bucket FROM ${TABLE} WHERE hour >= ? ORDER BY hour DESC, isolate LIMIT ?`,
      since,
      MAX_BUCKETS_READ,
    )) {
      bytes += row.bucket.length;
      if (bytes > MAX_LIST_BYTES) break;
      rows.push({ isolateId: row.isolate, bucket: row.bucket });
    }
    return rows;
  }

  /** How many rows the table holds (for tests and for the cost figures in the docs). */
  size(): number {
    this.prepare(this.now());
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`).one().n;
  }

  /** Creates the table on first use and deletes the rows past the retention once per hour. */
  private prepare(now: number): void {
    if (!this.ready) {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
        hour INTEGER NOT NULL,
        isolate TEXT NOT NULL,
        total INTEGER NOT NULL,
        bucket TEXT NOT NULL,
        PRIMARY KEY (hour, isolate)
      ) WITHOUT ROWID`);
      this.ready = true;
    }
    const cutoff = cutoffOf(now);
    if (cutoff > this.prunedBefore) {
      this.sql.exec(`DELETE FROM ${TABLE} WHERE hour < ?`, cutoff);
      this.prunedBefore = cutoff;
    }
  }
}

/** The first hour kept at `now`: the hour {@link STATS_RETENTION_MS} ago falls in. */
function cutoffOf(now: number): number {
  return hourOf(now - STATS_RETENTION_MS);
}
