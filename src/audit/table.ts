/**
 * The audit log of one authority (SPEC §5a): append-only rows in the Durable Object's own SQLite
 * database, each chained to the one before (`chain.ts`). Appends are synchronous, so the object
 * writes an event inside the same storage transaction as the change it records: a change that was
 * not recorded did not happen, and an event whose change was rolled back was never written.
 *
 * **Retention.** Events older than the retention (default {@link DEFAULT_RETENTION_DAYS} days) are
 * deleted oldest first, a bounded batch per append. The hash of the newest deleted event becomes
 * the log's *anchor*: the first kept event must follow it, so deleting the oldest kept event by
 * hand is still detected. **Head.** The hash of the newest event is kept too, so deleting the
 * newest events is detected. Both live in `audit_meta`.
 */
import { eventHash, GENESIS_HASH, verifyChain, type ChainVerdict } from "./chain";
import type { AuditEvent, AuditRecord } from "./event";
import type { AuditQuery } from "./query";

export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
/** Events deleted by retention per append at most: an append never does unbounded work. */
const PRUNE_BATCH = 500;
/** An event's stored JSON beyond this keeps only a note of its size (details come from requests: bounded). */
export const MAX_EVENT_BYTES = 16_384;

const TABLE = "audit_events";
const META = "audit_meta";

type Row = {
  n: number;
  at: number;
  body: string;
  prev: string;
  hash: string;
};

/** A page of events, oldest first; `next` is the cursor of the following page when there is one. */
export interface AuditPage {
  events: AuditEvent[];
  next?: string;
}

/**
 * @example
 * const log = new AuditTable(ctx.storage.sql, Date.now);
 * const event = log.append({ actor: { kind: "admin", role: "owner" }, action: "purge", outcome: "ok", details: { models: "*" } }, 90);
 * log.verify(); // { ok: true, count: 1, first: "1", last: "1" }
 */
export class AuditTable {
  private ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /**
   * Appends one event (and deletes a bounded batch of events older than `retentionDays`). Call it
   * inside the storage transaction of the change it records.
   */
  append(record: AuditRecord, retentionDays: number = DEFAULT_RETENTION_DAYS): AuditEvent {
    this.prepare();
    const at = this.now();
    this.prune(at - retentionDays * DAY_MS);
    const head = this.meta("head") ?? this.meta("anchor") ?? GENESIS_HASH;
    const n = Number(this.meta("count") ?? "0") + 1;
    const stored = bounded(record);
    const event: Omit<AuditEvent, "hash"> = { id: String(n), at: new Date(at).toISOString(), ...stored };
    const hash = eventHash(head, event);
    const columns = columnsOf(event);
    this.sql.exec(
      `INSERT INTO ${TABLE} (n, at, ${COLUMNS.join(", ")}, body, prev, hash) VALUES (?, ?, ${COLUMNS.map(() => "?").join(", ")}, ?, ?, ?)`,
      n,
      at,
      ...COLUMNS.map((name) => columns[name]),
      JSON.stringify(event),
      head,
      hash,
    );
    this.setMeta("head", hash);
    this.setMeta("count", String(n));
    return { ...event, hash };
  }

  /** Events matching `query`, oldest first, at most `query.limit`. */
  list(query: AuditQuery): AuditPage {
    this.prepare();
    const where: string[] = ["n > ?"];
    const args: unknown[] = [query.after ?? 0];
    const and = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (query.since !== undefined) and("at >= ?", query.since);
    if (query.until !== undefined) and("at < ?", query.until);
    if (query.actions) and(`action IN (${query.actions.map(() => "?").join(", ")})`, ...query.actions);
    if (query.actor !== undefined) {
      where.push("? IN (actor_kind, actor_id, actor_email, actor_sub, actor_azp, actor_iss)");
      args.push(query.actor.includes("@") ? query.actor.toLowerCase() : query.actor);
    }
    const rows = this.sql
      .exec<Pick<Row, "n" | "body" | "hash">>(
        `SELECT n, body, hash FROM ${TABLE} WHERE ${where.join(" AND ")} ORDER BY n LIMIT ?`,
        ...args,
        query.limit + 1,
      )
      .toArray();
    const more = rows.length > query.limit;
    const events = rows.slice(0, query.limit).map((row) => ({ ...(JSON.parse(row.body) as Omit<AuditEvent, "hash">), hash: row.hash }));
    return more ? { events, next: events[events.length - 1]!.id } : { events };
  }

  /** Walks the whole chain from its anchor (`GET …/audit/verify`). */
  verify(): ChainVerdict {
    this.prepare();
    const rows = this.sql.exec<Row & Columns>(`SELECT n, at, body, prev, hash, ${COLUMNS.join(", ")} FROM ${TABLE} ORDER BY n`);
    const events = (function* () {
      for (const row of rows) {
        let event: Omit<AuditEvent, "hash">;
        try {
          event = JSON.parse(row.body) as Omit<AuditEvent, "hash">;
        } catch {
          event = { id: String(row.n), at: "", actor: { kind: "admin" }, action: "purge", outcome: "error", details: { unreadable: true } };
        }
        // What the list shows and filters by (number, time, action, outcome, actor columns) must be
        // what was hashed: a row edited only there must not verify.
        if (event.id !== String(row.n) || Date.parse(event.at) !== row.at || !sameColumns(row, columnsOf(event)))
          event = { ...event, id: String(row.n), at: `${row.at}`, details: { ...event.details, columnsDisagree: true } };
        yield { event, prev: row.prev, hash: row.hash };
      }
    })();
    return verifyChain(events, this.meta("anchor") ?? GENESIS_HASH, this.meta("head"));
  }

  /**
   * Deletes the oldest events while they are expired (a prefix of the log, so the anchor is the
   * hash of the newest deleted one); an event logged under a clock that went backwards stops it
   * rather than taking newer events with it.
   */
  private prune(cutoff: number): void {
    const oldest = this.sql
      .exec<Pick<Row, "n" | "at" | "hash">>(`SELECT n, at, hash FROM ${TABLE} ORDER BY n LIMIT ?`, PRUNE_BATCH)
      .toArray();
    let last: Pick<Row, "n" | "hash"> | undefined;
    for (const row of oldest) {
      if (row.at >= cutoff) break;
      last = row;
    }
    if (!last) return;
    this.sql.exec(`DELETE FROM ${TABLE} WHERE n <= ?`, last.n);
    this.setMeta("anchor", last.hash);
  }

  private meta(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM ${META} WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT INTO ${META} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
  }

  private prepare(): void {
    if (this.ready) return;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (n INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
        actor_kind TEXT NOT NULL, actor_id TEXT, actor_email TEXT, actor_sub TEXT, actor_azp TEXT, actor_iss TEXT,
        body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)`,
    );
    this.sql.exec(`CREATE INDEX IF NOT EXISTS ${TABLE}_at ON ${TABLE} (at)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${META} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`);
    this.ready = true;
  }
}

/** The columns the list filters by, copied from the hashed body (and checked against it by `verify`). */
const COLUMNS = ["action", "outcome", "actor_kind", "actor_id", "actor_email", "actor_sub", "actor_azp", "actor_iss"] as const;
type Columns = { [name in (typeof COLUMNS)[number]]: string | null };

function columnsOf(event: Omit<AuditEvent, "hash">): Columns {
  const { actor } = event;
  return {
    action: event.action,
    outcome: event.outcome,
    actor_kind: actor.kind,
    actor_id: actor.id ?? null,
    actor_email: actor.email?.toLowerCase() ?? null,
    actor_sub: actor.sub ?? null,
    actor_azp: actor.azp ?? null,
    actor_iss: actor.iss ?? null,
  };
}

function sameColumns(row: Columns, expected: Columns): boolean {
  return COLUMNS.every((name) => row[name] === expected[name]);
}

/** The record as stored: details replaced by their size when the event would be larger than {@link MAX_EVENT_BYTES}. */
function bounded(record: AuditRecord): AuditRecord {
  const { actor, action, target, outcome, details } = record;
  const clean: AuditRecord = { actor, action, outcome, details, ...(target === undefined ? {} : { target: target.slice(0, 512) }) };
  const size = JSON.stringify(clean).length;
  return size <= MAX_EVENT_BYTES ? clean : { ...clean, details: { truncated: true, bytes: size } };
}
