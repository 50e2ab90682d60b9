import { describe, expect, it } from "vitest";
import { parseAuditQuery } from "../../src/audit/query";
import { GatewayError } from "../../src/errors";

const parse = (text: string) => parseAuditQuery(new URLSearchParams(text));

describe("the audit log's query parameters", () => {
  it.each<[string, unknown]>([
    ["", { limit: 100 }],
    ["limit=1", { limit: 1 }],
    ["limit=1000", { limit: 1000 }],
    ["action=purge", { actions: ["purge"], limit: 100 }],
    ["action=purge,token.revoke,purge", { actions: ["purge", "token.revoke"], limit: 100 }],
    ["actor=Ana@Example.com", { actor: "Ana@Example.com", limit: 100 }],
    [
      "since=2026-12-07T09:00:00Z&until=2026-12-08",
      { since: Date.parse("2026-12-07T09:00:00Z"), until: Date.parse("2026-12-08"), limit: 100 },
    ],
    ["since=2026-12-07T10:00:00%2B01:00", { since: Date.parse("2026-12-07T09:00:00Z"), limit: 100 }],
    ["cursor=42", { after: 42, limit: 100 }],
  ])("%j", (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["actions=purge", "actions"],
    ["limit=1&limit=2", "limit"],
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["action=purge,nope", "action"],
    ["action=", "action"],
    ["actor=", "actor"],
    [`actor=${"x".repeat(513)}`, "actor"],
    ["since=yesterday", "since"],
    ["until=2026-12-07T09:00", "until"],
    ["cursor=0", "cursor"],
    ["cursor=abc", "cursor"],
    ["cursor=-1", "cursor"],
  ])("refuses %j naming %s", (text, param) => {
    let error: unknown;
    try {
      parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    expect((error as GatewayError).code).toBe("BAD_REQUEST");
    expect((error as GatewayError).extensions["param"]).toBe(param);
  });
});
