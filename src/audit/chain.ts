/**
 * The audit log's hash chain (SPEC §5a): each event's `hash` is SHA-256 over the previous event's
 * hash and the event itself (canonical JSON, so key order never matters), so editing, inserting
 * or deleting an event breaks every link after it. Synchronous (`@noble/hashes`), so an event is
 * hashed and stored inside the same storage transaction as the change it records.
 */
import { canonicalJson } from "../platform/canonical-json";
import { sha256HexSync } from "../platform/hash";
import type { AuditEvent } from "./event";

/** The `prev` of the first event a log ever held. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The hash of `event` (everything but its own `hash`) chained to `prev`.
 *
 * @example eventHash(GENESIS_HASH, { id: "1", at: "2026-12-07T09:12:00.000Z", actor: { kind: "admin" }, action: "purge", outcome: "ok", details: {} })
 */
export function eventHash(prev: string, event: Omit<AuditEvent, "hash">): string {
  const { id, at, actor, action, target, outcome, details } = event;
  return sha256HexSync(`${prev}\n${canonicalJson({ id, at, actor, action, target: target ?? null, outcome, details })}`);
}

/** Why a chain does not verify, at the first event where it breaks. */
export type ChainBreak =
  | "hash-mismatch" // the event's content does not give its hash: it was edited
  | "link-broken" // its `prev` is not the hash of the event before: one was inserted or deleted
  | "anchor-mismatch" // the first kept event does not follow the last event retention removed
  | "head-mismatch"; // the newest events were deleted (the log's head does not match)

export type ChainVerdict =
  { ok: true; count: number; first?: string; last?: string } | { ok: false; count: number; brokenAt: string | null; reason: ChainBreak };

/**
 * Walks events oldest first, checking each against the one before it (the first against
 * `anchor`), and the last against `head` (the hash the log last wrote). `count` is the number of
 * events that verified before the break.
 */
export function verifyChain(
  events: Iterable<{ event: Omit<AuditEvent, "hash">; prev: string; hash: string }>,
  anchor: string,
  head: string | null,
): ChainVerdict {
  let expected = anchor;
  let count = 0;
  let first: string | undefined;
  let last: string | undefined;
  for (const { event, prev, hash } of events) {
    if (prev !== expected) return { ok: false, count, brokenAt: event.id, reason: count === 0 ? "anchor-mismatch" : "link-broken" };
    if (eventHash(prev, event) !== hash) return { ok: false, count, brokenAt: event.id, reason: "hash-mismatch" };
    expected = hash;
    first ??= event.id;
    last = event.id;
    count++;
  }
  if (head !== null && head !== expected) return { ok: false, count, brokenAt: null, reason: "head-mismatch" };
  return { ok: true, count, ...(first === undefined ? {} : { first, last }) };
}
