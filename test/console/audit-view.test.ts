import { describe, expect, it } from "vitest";
import { actorText, auditSearch, detailsText, localToIso, verdictText, type AuditFilters } from "../../console/audit-view";
import { eventHash, GENESIS_HASH, verifyChain } from "../../src/audit/chain";
import type { Actor, AuditEvent } from "../../src/audit/event";
import { parseAuditQuery } from "../../src/audit/query";

const none: AuditFilters = { action: "", actor: "", since: "", until: "" };

describe("the audit tab's query, as the gateway parses it", () => {
  it.each<[string, Partial<AuditFilters>, string | undefined, Record<string, unknown>]>([
    ["no filter", {}, undefined, { limit: 100 }],
    ["an action", { action: "purge" }, undefined, { actions: ["purge"] }],
    ["an actor, trimmed", { actor: "  ana@example.com " }, undefined, { actor: "ana@example.com" }],
    ["a blank actor is no filter", { actor: "   " }, undefined, { limit: 100 }],
    [
      "since and until in UTC",
      { since: "2026-12-07T09:12", until: "2026-12-07T10:00:30" },
      undefined,
      {
        since: Date.UTC(2026, 11, 7, 9, 12),
        until: Date.UTC(2026, 11, 7, 10, 0, 30),
      },
    ],
    ["the next page", { action: "token.create" }, "42", { actions: ["token.create"], after: 42 }],
  ])("%s", (_name, filters, cursor, expected) => {
    const search = auditSearch({ ...none, ...filters }, cursor);
    const query = parseAuditQuery(new URLSearchParams(search));
    expect(query).toMatchObject(expected);
    // Nothing the form left empty is sent: the gateway refuses an empty parameter.
    for (const [, value] of new URLSearchParams(search)) expect(value).not.toBe("");
  });

  it.each([
    ["2026-12-07T09:12", "2026-12-07T09:12:00Z"],
    ["2026-12-07T09:12:05", "2026-12-07T09:12:05Z"],
    ["", ""],
  ])("reads the datetime-local %j as UTC: %j", (local, iso) => {
    expect(localToIso(local)).toBe(iso);
  });
});

describe("how an actor reads", () => {
  it.each<[Actor, string]>([
    [{ kind: "admin", role: "owner" }, "admin token · owner"],
    [{ kind: "operator", id: "op_1", email: "ana@example.com", role: "editor" }, "ana@example.com · operator, editor"],
    [{ kind: "token", id: "tok_1" }, "tok_1 · token"],
    [{ kind: "jwt", iss: "https://idp.example", sub: "user-1", azp: "mobile" }, "sub user-1, app mobile · jwt"],
    [{ kind: "jwt", iss: "https://idp.example", sub: "user-1" }, "sub user-1, iss https://idp.example · jwt"],
    [{ kind: "webhook" }, "webhook"],
  ])("%j → %s", (actor, text) => {
    expect(actorText(actor)).toBe(text);
  });
});

describe("how details read", () => {
  it.each<[Record<string, unknown>, string]>([
    [{ models: ["Post"], stages: "*", via: "admin-token" }, "models: Post · stages: * · via: admin-token"],
    [{ fields: ["origin", "roles"], created: true }, "fields: origin, roles · created: true"],
    [
      { rootFields: ["createPost"], status: 200, scope: { stage: "DRAFT" } },
      'rootFields: createPost · status: 200 · scope: {"stage":"DRAFT"}',
    ],
    [{ touches: [{ action: "create", model: "Post" }] }, 'touches: [{"action":"create","model":"Post"}]'],
    [{}, ""],
  ])("%j → %s", (details, text) => {
    expect(detailsText(details)).toBe(text);
  });
});

describe("the verified badge, from the gateway's own verdicts", () => {
  function chain(n: number) {
    let prev = GENESIS_HASH;
    return Array.from({ length: n }, (_, i) => {
      const event: Omit<AuditEvent, "hash"> = {
        id: String(i + 1),
        at: new Date(Date.UTC(2026, 11, 7, 9, i)).toISOString(),
        actor: { kind: "admin", role: "owner" },
        action: "purge",
        outcome: "ok",
        details: { models: "*" },
      };
      const hash = eventHash(prev, event);
      const link = { event, prev, hash };
      prev = hash;
      return link;
    });
  }

  it("an intact chain is verified with its count", () => {
    const links = chain(3);
    expect(verdictText(verifyChain(links, GENESIS_HASH, links[2]!.hash))).toEqual({ ok: true, text: "Verified: 3 events, chain intact" });
  });

  it("an edited event breaks the chain at that event, with the reason", () => {
    const links = chain(3);
    links[1]!.event.details = { models: ["Post"] };
    expect(verdictText(verifyChain(links, GENESIS_HASH, links[2]!.hash))).toEqual({
      ok: false,
      text: "Chain broken at event 2 (hash-mismatch), 1 verified before it",
    });
  });

  it("deleted newest events break it after the last kept one", () => {
    const links = chain(3);
    expect(verdictText(verifyChain(links.slice(0, 2), GENESIS_HASH, links[2]!.hash))).toEqual({
      ok: false,
      text: "Chain broken after the last kept event (head-mismatch), 2 verified before it",
    });
  });
});
