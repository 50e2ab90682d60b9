/**
 * The webhook deliveries a project's authority has accepted, remembered until their signatures
 * stop being acceptable, so that a replay — the sender retrying, or anyone resending a captured
 * delivery — purges nothing a second time, whichever isolate or location it reaches (SPEC §3).
 * A delivery is remembered by its HMAC in canonical base64, not by the header's text, which a
 * re-encoded copy would change (`webhooks/replay.ts`).
 *
 * Kept in the object's own SQLite database beside the stats: the object is the one strongly
 * consistent place of a project, so a delivery accepted at one location is a duplicate at every
 * other at once (Workers KV, which kept these before, is eventually consistent: a replay sent to
 * another location within about 60 s purged again). The object runs one event at a time and its
 * input gate stays closed while it writes, so "seen?" and "remember" cannot interleave with a
 * concurrent copy of the same delivery.
 *
 * Bounded: a row lives until its delivery's expiry (at most {@link MAX_DELIVERY_MEMORY_MS} ahead),
 * expired rows are deleted whenever a delivery arrives, and a signature longer than
 * {@link MAX_SIGNATURE_LENGTH} is never stored. Plain SQL with an injected clock.
 */

/** Hygraph's signatures are base64 SHA-256 HMACs (44 characters); anything longer is not one. */
export const MAX_SIGNATURE_LENGTH = 256;
/** No delivery is remembered longer than this from now (a signature is acceptable for 5 min + 60 s of skew). */
export const MAX_DELIVERY_MEMORY_MS = 10 * 60_000;

const TABLE = "webhook_deliveries";

/**
 * The accepted deliveries of one project authority.
 *
 * @example
 * const deliveries = new DeliveriesTable(ctx.storage.sql, Date.now);
 * deliveries.seen("c2ln…"); // false
 * deliveries.remember("c2ln…", signedAt + 5 * 60_000);
 * deliveries.seen("c2ln…"); // true, until then
 */
export class DeliveriesTable {
  private ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /** Whether a delivery with this HMAC (canonical base64) was accepted and is still within its window. */
  seen(sign: string): boolean {
    const now = this.prepare();
    return this.sql.exec(`SELECT 1 FROM ${TABLE} WHERE sign = ? AND expires_at > ?`, sign, now).toArray().length > 0;
  }

  /** Remembers an accepted delivery until `expiresAt` (clamped to {@link MAX_DELIVERY_MEMORY_MS} from now). */
  remember(sign: string, expiresAt: number): void {
    if (sign.length === 0 || sign.length > MAX_SIGNATURE_LENGTH) return;
    const now = this.prepare();
    const until = Math.min(Number.isFinite(expiresAt) ? expiresAt : now, now + MAX_DELIVERY_MEMORY_MS);
    if (until <= now) return;
    this.sql.exec(
      `INSERT INTO ${TABLE} (sign, expires_at) VALUES (?, ?) ON CONFLICT (sign) DO UPDATE SET expires_at = excluded.expires_at`,
      sign,
      until,
    );
  }

  /** Forgets a delivery whose changes could not be applied, so that its retry is not a duplicate. */
  forget(sign: string): void {
    this.prepare();
    this.sql.exec(`DELETE FROM ${TABLE} WHERE sign = ?`, sign);
  }

  /** How many deliveries are remembered (for tests). */
  size(): number {
    this.prepare();
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`).one().n;
  }

  /** Creates the table on first use and deletes expired rows; returns the time it judged by. */
  private prepare(): number {
    if (!this.ready) {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (sign TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID`);
      this.ready = true;
    }
    const now = this.now();
    this.sql.exec(`DELETE FROM ${TABLE} WHERE expires_at <= ?`, now);
    return now;
  }
}
