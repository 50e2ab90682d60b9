import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/event";
import {
  DeliveryLogTable,
  deliveryRow,
  MAX_LOGGED_DELIVERIES,
  MAX_LOGGED_TEXT,
  type DeliveryLogRow,
} from "../../src/authority/delivery-log-table";

async function inObject<T>(body: (table: DeliveryLogTable) => T): Promise<T> {
  const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`delivery-log-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new DeliveryLogTable(state.storage.sql)));
}

const row = (at: number): DeliveryLogRow => ({
  at,
  event: "publish",
  model: "Post",
  id: `p${at}`,
  stage: "PUBLISHED",
  outcome: "accepted",
  reason: null,
});

const webhook = (outcome: AuditRecord["outcome"], details: Record<string, unknown>): AuditRecord => ({
  actor: { kind: "webhook" },
  action: "webhook",
  outcome,
  details,
});

describe("DeliveryLogTable", () => {
  it("keeps the last 100 rows, newest first, deleting older ones on insert", () =>
    inObject((table) => {
      for (let at = 1; at <= MAX_LOGGED_DELIVERIES + 5; at++) table.add(row(at));
      const rows = table.list();
      expect(rows).toHaveLength(MAX_LOGGED_DELIVERIES);
      expect(rows[0]).toEqual(row(MAX_LOGGED_DELIVERIES + 5));
      expect(rows.at(-1)).toEqual(row(6));
    }));

  it("keeps two deliveries of the same millisecond in the order they came", () =>
    inObject((table) => {
      table.add({ ...row(1), id: "first" });
      table.add({ ...row(1), id: "second" });
      expect(table.list().map((r) => r.id)).toEqual(["second", "first"]);
    }));
});

describe("deliveryRow (what a webhook's audit event logs)", () => {
  it.each<[string, AuditRecord, Omit<DeliveryLogRow, "at">]>([
    [
      "an accepted delivery",
      webhook("ok", { result: "accepted", event: "publish", models: ["Post"], ids: ["p1"], stages: ["PUBLISHED"] }),
      { event: "publish", model: "Post", id: "p1", stage: "PUBLISHED", outcome: "accepted", reason: null },
    ],
    [
      "a duplicate",
      webhook("refused", { result: "duplicate", reason: "duplicate", event: "update", models: ["Post"], ids: ["p1"], stages: ["DRAFT"] }),
      { event: "update", model: "Post", id: "p1", stage: "DRAFT", outcome: "duplicate", reason: null },
    ],
    [
      "a delete of two entries in every stage",
      webhook("ok", { result: "accepted", event: "delete", models: ["Post", "Author"], ids: ["p1", "a1"], stages: "*" }),
      { event: "delete", model: "Post,Author", id: "p1,a1", stage: "*", outcome: "accepted", reason: null },
    ],
    [
      "a refused signature",
      webhook("refused", { result: "refused", code: "INVALID_WEBHOOK_SIGNATURE", reason: "mismatch" }),
      { event: null, model: null, id: null, stage: null, outcome: "refused", reason: "mismatch" },
    ],
    [
      "a refusal with a code only",
      webhook("refused", { result: "refused", code: "BAD_REQUEST" }),
      { event: null, model: null, id: null, stage: null, outcome: "refused", reason: "BAD_REQUEST" },
    ],
  ])("logs %s", (_label, audit, expected) => {
    expect(deliveryRow(audit, 5)).toEqual({ at: 5, ...expected });
  });

  it("bounds every text and logs nothing for other events", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `entry-${i}-${"x".repeat(20)}`);
    expect(deliveryRow(webhook("ok", { result: "accepted", ids }), 0)!.id).toHaveLength(MAX_LOGGED_TEXT);
    expect(deliveryRow({ actor: { kind: "admin" }, action: "purge", outcome: "ok", details: {} }, 0)).toBeNull();
  });
});
