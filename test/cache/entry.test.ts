import { describe, expect, it } from "vitest";
import {
  createEntry,
  entryFromResponse,
  entryToResponse,
  etagMatches,
  isStorable,
  strongEtag,
  type NotStorableReason,
} from "../../src/cache/entry";

const enc = (s: string) => new TextEncoder().encode(s);
const ok = '{"data":{"posts":[{"id":"1"}]}}';

describe("isStorable", () => {
  it.each<[string, number, Record<string, string>, string, NotStorableReason | true]>([
    ["200 JSON data", 200, { "content-type": "application/json" }, ok, true],
    ["200 data null without errors", 200, {}, '{"data":null}', true],
    ["non-200", 500, {}, ok, "status"],
    ["304", 304, {}, ok, "status"],
    ["Set-Cookie", 200, { "set-cookie": "a=b" }, ok, "set-cookie"],
    ["origin no-store", 200, { "cache-control": "no-store" }, ok, "no-store"],
    ["origin private", 200, { "cache-control": "max-age=0, private" }, ok, "no-store"],
    ["GraphQL errors", 200, {}, '{"errors":[{"message":"boom"}]}', "graphql-errors"],
    ["partial data with errors", 200, {}, '{"data":{"a":1},"errors":[{"message":"x"}]}', "graphql-errors"],
    [
      "PersistedQueryNotFound",
      200,
      {},
      '{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}',
      "persisted-query-not-found",
    ],
    ["not JSON", 200, {}, "<html>", "not-json"],
    ["JSON array (batch)", 200, {}, "[]", "not-json"],
    ["JSON without data", 200, {}, '{"hello":1}', "not-json"],
  ])("%s", (_name, status, headers, body, expected) => {
    const verdict = isStorable({ status, headers: new Headers(headers) }, body);
    if (expected === true) expect(verdict.storable).toBe(true);
    else expect(verdict).toEqual({ storable: false, reason: expected });
    // bytes give the same verdict as text
    expect(isStorable({ status, headers: new Headers(headers) }, enc(body)).storable).toBe(verdict.storable);
  });

  it("uses an already parsed body", () => {
    expect(isStorable({ status: 200, headers: new Headers() }, "ignored", { errors: [] })).toEqual({
      storable: false,
      reason: "graphql-errors",
    });
  });
});

describe("ETag", () => {
  it("is strong, stable and content-derived", async () => {
    const a = await strongEtag(enc(ok));
    expect(a).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(await strongEtag(enc(ok))).toBe(a);
    expect(await strongEtag(enc(ok + " "))).not.toBe(a);
  });

  it.each<[string | null, boolean]>([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ["*", true],
    ['"abd"', false],
    [null, false],
    ["", false],
  ])("If-None-Match %s → %s", (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});

describe("entry ↔ Cache API Response", () => {
  it("keeps selected headers, storedAt and ETag; sets max-age to the storage lifetime", async () => {
    const entry = await createEntry({
      body: enc(ok),
      headers: { "content-type": "application/graphql-response+json", "set-cookie": "x=y", "server-timing": "origin;dur=3" },
      storedAt: 1_700_000_000_123,
    });
    expect(entry.headers).toEqual({ "content-type": "application/graphql-response+json" });
    const res = entryToResponse(entry, 360);
    expect(res.headers.get("cache-control")).toBe("public, max-age=360");
    expect(res.headers.get("set-cookie")).toBeNull();
    const back = await entryFromResponse(res);
    expect(back).toMatchObject({ status: 200, storedAt: 1_700_000_000_123, etag: entry.etag, headers: entry.headers, ttlSeconds: 360 });
    expect(new TextDecoder().decode(back!.body)).toBe(ok);
  });

  it("treats a foreign response as a miss", async () => {
    expect(await entryFromResponse(new Response("x"))).toBeUndefined();
    expect(await entryFromResponse(undefined)).toBeUndefined();
  });
});
