import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/event";
import { REFUSAL_WINDOW_MS, RefusalCoalescer } from "../../src/audit/refusals";

const refused = (reason: string, kind: AuditRecord["actor"]["kind"] = "webhook"): AuditRecord => ({
  actor: { kind },
  action: "webhook",
  outcome: "refused",
  details: { reason },
});

describe("refused attempts are folded into one event a minute per kind", () => {
  it("records the first, counts repeats within the window, and says how many on the next one recorded", () => {
    let now = 1_000_000;
    const coalescer = new RefusalCoalescer(() => now);
    const written: AuditRecord[] = [];
    const attempt = (record: AuditRecord) => {
      if (coalescer.admit(record)) written.push(coalescer.annotate(record));
    };
    attempt(refused("mismatch"));
    for (let i = 0; i < 20; i++) attempt(refused("mismatch"));
    attempt(refused("expired")); // another reason: its own window
    attempt(refused("mismatch", "public")); // another actor kind: its own window
    expect(written.map((r) => r.details)).toEqual([{ reason: "mismatch" }, { reason: "expired" }, { reason: "mismatch" }]);
    now += REFUSAL_WINDOW_MS;
    attempt(refused("mismatch"));
    expect(written.at(-1)!.details).toEqual({ reason: "mismatch", suppressed: 20 });
    attempt(refused("mismatch"));
    expect(written).toHaveLength(4);
  });

  it("leaves records that are not refusals alone", () => {
    const coalescer = new RefusalCoalescer(() => 0);
    const ok: AuditRecord = { actor: { kind: "admin" }, action: "purge", outcome: "ok", details: {} };
    expect(coalescer.annotate(ok)).toBe(ok);
  });
});
