/**
 * The webhook delivery log (SPEC §5, `GET …/webhook-deliveries`): the last
 * {@link MAX_LOGGED_DELIVERIES} webhook requests the gateway judged for a project — accepted,
 * duplicate or refused and why — in the project authority's own SQLite database beside the replay
 * memory (`deliveries-table.ts`).
 *
 * Written in the same authority call that already carries the delivery's audit event (`object.ts`:
 * `invalidateDelivery` for accepted and duplicate deliveries, `record` for refused ones), so the
 * log costs no Durable Object call of its own. Anyone can send a refused delivery, so the table is
 * capped: each insert deletes what is older than the last 100 rows. Never the body nor the
 * signature: a row holds the time, the Hygraph operation, model, entry id and stage (each at most
 * {@link MAX_LOGGED_TEXT} characters), the outcome and the refusal's reason.
 */
import type { AuditRecord } from "../audit/event";

/** Rows kept per project. */
export const MAX_LOGGED_DELIVERIES = 100;
/** Longest text kept in a column (a payload with many entries lists its models and ids comma-separated, cut here). */
export const MAX_LOGGED_TEXT = 200;

const TABLE = "webhook_delivery_log";

/** One judged delivery, as `GET …/webhook-deliveries` answers it (time in ms here). */
export interface DeliveryLogRow {
  at: number;
  event: string | null;
  model: string | null;
  id: string | null;
  stage: string | null;
  outcome: "accepted" | "duplicate" | "refused";
  reason: string | null;
}

/**
 * The log row of a webhook's audit event (`webhooks/route.ts` records one for every delivery it
 * judges): `null` for any other event. The event's details say what the delivery was
 * (`event`, `models`, `ids`, `stages`) and how it ended (`result`, `reason`, `code`).
 *
 * @example
 * deliveryRow({ actor: { kind: "webhook" }, action: "webhook", outcome: "ok",
 *   details: { result: "accepted", event: "publish", models: ["Post"], ids: ["p1"], stages: ["PUBLISHED"] } }, 0);
 * // { at: 0, event: "publish", model: "Post", id: "p1", stage: "PUBLISHED", outcome: "accepted", reason: null }
 */
export function deliveryRow(audit: AuditRecord, at: number): DeliveryLogRow | null {
  if (audit.action !== "webhook") return null;
  const details = audit.details ?? {};
  const outcome = details["result"] === "duplicate" ? "duplicate" : audit.outcome === "ok" ? "accepted" : "refused";
  return {
    at,
    event: text(details["event"]),
    model: text(details["models"]),
    id: text(details["ids"]),
    stage: text(details["stages"]),
    outcome,
    reason: outcome === "refused" ? (text(details["reason"]) ?? text(details["code"])) : null,
  };
}

/** A string, or a list of strings comma-separated, bounded; anything else (or nothing) `null`. */
function text(value: unknown): string | null {
  const joined = typeof value === "string" ? value : Array.isArray(value) ? value.filter((v) => typeof v === "string").join(",") : "";
  return joined ? joined.slice(0, MAX_LOGGED_TEXT) : null;
}

/**
 * The delivery log of one project authority.
 *
 * @example
 * const log = new DeliveryLogTable(ctx.storage.sql);
 * log.add(row);
 * log.list(); // newest first, at most 100
 */
export class DeliveryLogTable {
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Adds a row and deletes every row older than the last {@link MAX_LOGGED_DELIVERIES}. */
  add(row: DeliveryLogRow): void {
    this.prepare();
    this.sql.exec(
      `INSERT INTO ${TABLE} (at, event, model, entry_id, stage, outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      row.at,
      row.event,
      row.model,
      row.id,
      row.stage,
      row.outcome,
      row.reason,
    );
    this.sql.exec(`DELETE FROM ${TABLE} WHERE seq <= (SELECT seq FROM ${TABLE} ORDER BY seq DESC LIMIT 1 OFFSET ?)`, MAX_LOGGED_DELIVERIES);
  }

  /** The logged deliveries, newest first. */
  list(): DeliveryLogRow[] {
    this.prepare();
    return this.sql
      .exec<{
        at: number;
        event: string | null;
        model: string | null;
        entry_id: string | null;
        stage: string | null;
        outcome: string;
        reason: string | null;
      }>(`SELECT at, event, model, entry_id, stage, outcome, reason FROM ${TABLE} ORDER BY seq DESC LIMIT ?`, MAX_LOGGED_DELIVERIES)
      .toArray()
      .map((r) => ({
        at: r.at,
        event: r.event,
        model: r.model,
        id: r.entry_id,
        stage: r.stage,
        outcome: r.outcome as DeliveryLogRow["outcome"],
        reason: r.reason,
      }));
  }

  private prepare(): void {
    if (this.ready) return;
    // `seq` orders rows as inserted (two deliveries in one millisecond keep their order).
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, event TEXT, model TEXT, entry_id TEXT, stage TEXT, outcome TEXT NOT NULL, reason TEXT)`,
    );
    this.ready = true;
  }
}
