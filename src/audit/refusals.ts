/**
 * Refused attempts are recorded, but anyone can make them (a webhook with a bad signature, a
 * mutation without a token): one per request would let a stranger grow the log without bound. So
 * a refusal with the same action and reason as one recorded within {@link REFUSAL_WINDOW_MS} is
 * only counted, and the next one recorded says how many were folded into it (`details.suppressed`).
 * The map is keyed by our own action and reason names, and capped all the same.
 */
import type { AuditRecord } from "./event";

export const REFUSAL_WINDOW_MS = 60_000;
const MAX_KEYS = 256;

export class RefusalCoalescer {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly now: () => number) {}

  /** Whether a refusal is recorded now (`false`: it is counted into the next one). */
  admit(record: AuditRecord): boolean {
    const key = keyOf(record);
    const now = this.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < REFUSAL_WINDOW_MS) {
      seen.suppressed++;
      return false;
    }
    return true;
  }

  /** The record to write, with the count folded into it since the last of its kind; starts a new window. */
  annotate(record: AuditRecord): AuditRecord {
    if (record.outcome !== "refused") return record;
    const key = keyOf(record);
    const suppressed = this.last.get(key)?.suppressed ?? 0;
    if (!this.last.has(key) && this.last.size >= MAX_KEYS) this.last.delete(this.last.keys().next().value as string);
    this.last.set(key, { at: this.now(), suppressed: 0 });
    return suppressed > 0 ? { ...record, details: { ...record.details, suppressed } } : record;
  }
}

function keyOf(record: AuditRecord): string {
  const reason = typeof record.details["reason"] === "string" ? record.details["reason"] : "";
  return `${record.action}\n${reason.slice(0, 64)}\n${record.actor.kind}`;
}
