import { describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH, verifyChain } from "../../src/audit/chain";
import type { AuditEvent } from "../../src/audit/event";

/** Three events chained from the genesis hash, as the table writes them. */
function chain(): Array<{ event: Omit<AuditEvent, "hash">; prev: string; hash: string }> {
  const out: Array<{ event: Omit<AuditEvent, "hash">; prev: string; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (const [i, action] of (["config.update", "purge", "token.create"] as const).entries()) {
    const event = {
      id: String(i + 1),
      at: `2026-12-07T09:1${i}:00.000Z`,
      actor: { kind: "admin" as const },
      action,
      outcome: "ok" as const,
      details: { i },
    };
    const hash = eventHash(prev, event);
    out.push({ event, prev, hash });
    prev = hash;
  }
  return out;
}

describe("the audit hash chain", () => {
  it("hashes an event's canonical JSON chained to the previous hash: key order does not matter, content does", () => {
    const event = {
      id: "1",
      at: "2026-12-07T09:12:00.000Z",
      actor: { kind: "admin" as const },
      action: "purge" as const,
      outcome: "ok" as const,
      details: { a: 1, b: 2 },
    };
    const reordered = {
      details: { b: 2, a: 1 },
      outcome: "ok" as const,
      action: "purge" as const,
      actor: { kind: "admin" as const },
      at: event.at,
      id: "1",
    };
    expect(eventHash(GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(GENESIS_HASH, reordered)).toBe(eventHash(GENESIS_HASH, event));
    expect(eventHash("1".repeat(64), event)).not.toBe(eventHash(GENESIS_HASH, event));
    expect(eventHash(GENESIS_HASH, { ...event, details: { a: 1, b: 3 } })).not.toBe(eventHash(GENESIS_HASH, event));
  });

  it("verifies an intact chain and counts it", () => {
    const head = chain().at(-1)!.hash;
    expect(verifyChain(chain(), GENESIS_HASH, head)).toEqual({ ok: true, count: 3, first: "1", last: "3" });
    expect(verifyChain([], GENESIS_HASH, null)).toEqual({ ok: true, count: 0 });
  });

  it.each<
    [string, (events: ReturnType<typeof chain>) => ReturnType<typeof chain>, { reason: string; brokenAt: string | null; count: number }]
  >([
    [
      "an edited event",
      (e) => e.map((x, i) => (i === 1 ? { ...x, event: { ...x.event, details: { i: 99 } } } : x)),
      { reason: "hash-mismatch", brokenAt: "2", count: 1 },
    ],
    [
      "an edited outcome",
      (e) => e.map((x, i) => (i === 2 ? { ...x, event: { ...x.event, outcome: "refused" } } : x)),
      { reason: "hash-mismatch", brokenAt: "3", count: 2 },
    ],
    ["a deleted middle event", (e) => [e[0]!, e[2]!], { reason: "link-broken", brokenAt: "3", count: 1 }],
    ["a deleted first event", (e) => e.slice(1), { reason: "anchor-mismatch", brokenAt: "2", count: 0 }],
    ["a deleted newest event", (e) => e.slice(0, 2), { reason: "head-mismatch", brokenAt: null, count: 2 }],
    ["swapped events", (e) => [e[0]!, e[2]!, e[1]!], { reason: "link-broken", brokenAt: "3", count: 1 }],
  ])("detects %s", (_name, tamper, expected) => {
    const head = chain().at(-1)!.hash;
    expect(verifyChain(tamper(chain()), GENESIS_HASH, head)).toEqual({ ok: false, ...expected });
  });

  it("starts from the anchor retention left: the first kept event must follow it", () => {
    const events = chain();
    const head = events.at(-1)!.hash;
    expect(verifyChain(events.slice(1), events[0]!.hash, head)).toEqual({ ok: true, count: 2, first: "2", last: "3" });
    expect(verifyChain(events.slice(2), events[0]!.hash, head)).toMatchObject({ ok: false, reason: "anchor-mismatch", brokenAt: "3" });
  });
});
