/**
 * The shared tier's answers in one Durable Object's SQLite database, bounded in bytes and rows:
 * the least recently used rows go first when a write would exceed either bound, and an entry larger
 * than `maxEntryBytes` is refused (SQLite rows are capped at 2 MB on Cloudflare; the Cache API and
 * the memory layer refuse large answers too). Expired rows (past the location's storage TTL) are
 * never returned and are deleted when met.
 *
 * Row writes are what Durable Object SQLite bills most for (docs/shared-tier.md), so a read
 * refreshes `used` at most once per `touchMs`, not on every hit.
 */
import { fromRow, metaOf, tierEntrySize, type TierEntry } from "./wire";

export interface StoreLimits {
  /** Largest entry stored (bytes, body + metadata). Default 1 MiB. */
  maxEntryBytes: number;
  /** Bound on all entries' bytes in this shard. Default 64 MiB. */
  maxBytes: number;
  /** Bound on rows in this shard. Default 20,000. */
  maxEntries: number;
  /** A read moves an entry's last use forward only when it is older than this. Default 60 s. */
  touchMs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  maxEntryBytes: 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
  maxEntries: 20_000,
  touchMs: 60_000,
};

const TABLE = "tier_answers";

/**
 * @example
 * const store = new AnswerStore(ctx.storage.sql, Date.now);
 * store.put(key, wire, ttlSeconds);
 * store.get(key); // the entry, or undefined
 */
export class AnswerStore {
  private bytes = 0;
  private rows = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
    private readonly limits: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      key TEXT PRIMARY KEY, body BLOB NOT NULL, meta TEXT NOT NULL, size INTEGER NOT NULL,
      snapshot INTEGER NOT NULL, stored_at INTEGER NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS ${TABLE}_used ON ${TABLE} (used)`);
    const totals = sql.exec<{ n: number; b: number | null }>(`SELECT COUNT(*) AS n, SUM(size) AS b FROM ${TABLE}`).one();
    this.rows = totals.n;
    this.bytes = totals.b ?? 0;
  }

  /** Rows and bytes held. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.rows, bytes: this.bytes };
  }

  get(key: string): TierEntry | undefined {
    const row = this.sql
      .exec<{ body: ArrayBuffer; meta: string; expires: number; used: number; size: number }>(
        `SELECT body, meta, expires, used, size FROM ${TABLE} WHERE key = ?`,
        key,
      )
      .toArray()[0];
    if (!row) return undefined;
    const now = this.now();
    if (row.expires <= now) {
      this.remove(key, row.size);
      return undefined;
    }
    if (now - row.used >= this.limits.touchMs) this.sql.exec(`UPDATE ${TABLE} SET used = ? WHERE key = ?`, now, key);
    return fromRow(row.body, row.meta);
  }

  /**
   * Stores `wire` for `ttlSeconds` unless it is too large or older than what is held (a slower
   * location's write must not replace a newer answer). Returns whether it was stored.
   */
  put(key: string, wire: TierEntry, ttlSeconds: number): boolean {
    const size = tierEntrySize(wire);
    if (ttlSeconds <= 0 || wire.status !== 200 || size > this.limits.maxEntryBytes) return false;
    const held = this.sql
      .exec<{ snapshot: number; stored_at: number; size: number }>(`SELECT snapshot, stored_at, size FROM ${TABLE} WHERE key = ?`, key)
      .toArray()[0];
    if (held && (held.snapshot > wire.snapshot || (held.snapshot === wire.snapshot && held.stored_at > wire.storedAt))) return false;
    const now = this.now();
    this.sql.exec(
      `INSERT OR REPLACE INTO ${TABLE} (key, body, meta, size, snapshot, stored_at, expires, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      key,
      copyOf(wire.body),
      metaOf(wire),
      size,
      wire.snapshot,
      wire.storedAt,
      wire.storedAt + ttlSeconds * 1000,
      now,
    );
    this.rows += held ? 0 : 1;
    this.bytes += size - (held?.size ?? 0);
    this.evict();
    return true;
  }

  /** Least recently used rows out until both bounds hold. */
  private evict(): void {
    while (this.rows > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const victims = this.sql.exec<{ key: string; size: number }>(`SELECT key, size FROM ${TABLE} ORDER BY used ASC LIMIT 64`).toArray();
      if (victims.length === 0) break;
      for (const victim of victims) {
        this.remove(victim.key, victim.size);
        if (this.rows <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) return;
      }
    }
  }

  private remove(key: string, size: number): void {
    this.sql.exec(`DELETE FROM ${TABLE} WHERE key = ?`, key);
    this.rows--;
    this.bytes -= size;
  }
}

/** The bytes as an ArrayBuffer of their own (what SQLite binds as a BLOB). */
function copyOf(body: Uint8Array): ArrayBuffer {
  return body.slice().buffer;
}
