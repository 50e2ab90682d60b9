/**
 * Each audit event is also one structured JSON log line (SPEC §5a), so Workers Logs and Logpush
 * carry it to a SIEM without reading the API. The event holds no secret, so the line holds none.
 */
import type { AuditEvent } from "./event";

/**
 * @example logAuditEvent("demo/master", event); // {"type":"audit","authority":"demo/master","id":"7",…}
 */
export function logAuditEvent(authority: string | null, event: AuditEvent): void {
  console.log(JSON.stringify({ type: "audit", authority, ...event }));
}
