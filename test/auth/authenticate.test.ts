import { TEST_AUDIT } from "../support/audit";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../src/auth/authenticate";
import { looksLikeJwt } from "../../src/auth/jwt";
import { generatePatSecret, looksLikePat, patDigest, patKey } from "../../src/auth/pat-store";
import type { PermissionRule, ProjectConfig } from "../../src/projects/types";
import { uniqueTag } from "../support/gateway";
import { authDeps, rejection, requestWith, spyKv, tokenStore } from "../support/tokens";

const PUBLIC: PermissionRule[] = [{ action: ["read"], model: "*", stages: ["PUBLISHED"], locales: "*" }];
const DRAFTS: PermissionRule[] = [{ action: ["read"], model: ["Post"], stages: ["DRAFT"], locales: ["en"] }];

const config = (publicPermissions: PermissionRule[] = PUBLIC): ProjectConfig => ({
  origin: "https://origin.example/graphql",
  defaultStage: "PUBLISHED",
  defaultLocale: "en",
  introspection: true,
  publicPermissions,
  roles: {},
  cache: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 },
});

const ref = () => ({ projectId: uniqueTag("auth"), environment: "master" });

describe("authenticate: public requests", () => {
  it("a request without Authorization is the public principal with the project's public rules", async () => {
    const spy = spyKv();
    expect(await authenticate(requestWith(), config(), ref(), authDeps({ kv: spy.kv }))).toEqual({ kind: "public", rules: PUBLIC });
    expect(spy.reads()).toBe(0);
  });

  it("public access of a project without public permissions has no rules (a later 403)", async () => {
    expect(await authenticate(requestWith(), config([]), ref(), authDeps())).toEqual({ kind: "public", rules: [] });
  });
});

describe("authenticate: the Authorization header (RFC 6750 §2.1)", () => {
  it.each([
    ["empty", ""],
    ["Basic credentials", "Basic dXNlcjpwYXNz"],
    ["a bare scheme", "Bearer"],
    ["a scheme and spaces only", "Bearer    "],
    ["two tokens", "Bearer abc def"],
    ["a token with a comma", "Bearer abc,def"],
    ["a token with a quote", 'Bearer "abc"'],
    ["a token with a tab inside", "Bearer abc\tdef"],
    ["a token with a semicolon", "Bearer abc;def"],
    ["a scheme without space", "Bearercep_abc"],
    ["the Token scheme", "Token cep_abc"],
  ])("%s is 401 malformed-authorization with error=invalid_request", async (_name, header) => {
    const spy = spyKv();
    const error = await rejection(authenticate(requestWith(header), config(), ref(), authDeps({ kv: spy.kv })));
    expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", reason: "malformed-authorization" });
    expect(error.headers["www-authenticate"]).toBe('Bearer realm="content-edge", error="invalid_request"');
    expect(spy.reads()).toBe(0);
  });

  it.each([
    ["lower-case scheme", (t: string) => `bearer ${t}`],
    ["upper-case scheme", (t: string) => `BEARER ${t}`],
    ["several spaces", (t: string) => `Bearer   ${t}`],
    ["surrounding whitespace", (t: string) => `  Bearer ${t}  `],
  ])("accepts a %s", async (_name, header) => {
    const r = ref();
    const { token } = await tokenStore().create(r, { name: "ok", permissions: DRAFTS }, TEST_AUDIT);
    expect(await authenticate(requestWith(header(token)), config(), r, authDeps())).toMatchObject({ kind: "pat", rules: DRAFTS });
  });
});

describe("authenticate: PAT lookups", () => {
  it.each([
    ["an opaque token that is not PAT-shaped", "not-a-pat-at-all"],
    ["a PAT prefix with a short secret", "cep_abc"],
    ["a PAT one character too long", `cep_${"a".repeat(44)}`],
  ])("%s is unknown-token without reading KV", async (_name, token) => {
    const spy = spyKv();
    const error = await rejection(authenticate(requestWith(`Bearer ${token}`), config(), ref(), authDeps({ kv: spy.kv })));
    expect(error).toMatchObject({ status: 401, reason: "unknown-token" });
    expect(error.headers["www-authenticate"]).toBe('Bearer realm="content-edge", error="invalid_token"');
    expect(JSON.stringify(error)).not.toContain(token);
    expect(spy.reads()).toBe(0);
  });

  it("a well-formed but unissued PAT is unknown-token after one KV read, and the negative answer is cached briefly", async () => {
    const spy = spyKv();
    const token = generatePatSecret();
    const r = ref();
    for (let i = 0; i < 3; i++) {
      expect(await rejection(authenticate(requestWith(`Bearer ${token}`), config(), r, authDeps({ kv: spy.kv })))).toMatchObject({
        reason: "unknown-token",
      });
    }
    expect(spy.reads()).toBe(1);
  });

  it("fails closed with 503 when KV cannot be read", async () => {
    const spy = spyKv(env.CONFIG, { fail: true });
    const token = generatePatSecret();
    const error = await rejection(authenticate(requestWith(`Bearer ${token}`), config(), ref(), authDeps({ kv: spy.kv })));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", reason: "store-unavailable" });
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it("a valid PAT gives its rules, default stage and id, read from the isolate copy after the first lookup", async () => {
    const r = ref();
    const { token, record } = await tokenStore().create(r, { name: "preview", permissions: DRAFTS, defaultStage: "DRAFT" }, TEST_AUDIT);
    const spy = spyKv();
    for (let i = 0; i < 3; i++) {
      expect(await authenticate(requestWith(`Bearer ${token}`), config(), r, authDeps({ kv: spy.kv }))).toEqual({
        kind: "pat",
        rules: DRAFTS,
        defaultStage: "DRAFT",
        tokenId: record.id,
      });
    }
    expect(spy.reads()).toBe(0);
  });

  it("a PAT is stored under the digest of the token, and the record names neither the token nor the digest", async () => {
    const r = ref();
    const { token } = await tokenStore().create(r, { name: "x", permissions: DRAFTS }, TEST_AUDIT);
    const digest = await patDigest(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const raw = await env.CONFIG.get(patKey(r, digest));
    expect(raw).not.toBeNull();
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(4));
  });

  it("scopes keys by URI-encoded project and environment, so colons cannot make two scopes meet", async () => {
    const a = { projectId: "a:b", environment: "c" };
    const b = { projectId: "a", environment: "b:c" };
    expect(patKey(a, "00")).not.toBe(patKey(b, "00"));
    const { token } = await tokenStore().create(a, { name: "x", permissions: DRAFTS }, TEST_AUDIT);
    expect(await rejection(authenticate(requestWith(`Bearer ${token}`), config(), b, authDeps()))).toMatchObject({
      reason: "unknown-token",
    });
  });
});

describe("token shapes", () => {
  it("PAT secrets are cep_ + 43 base64url characters (32 random bytes), all different", () => {
    const secrets = new Set(Array.from({ length: 200 }, generatePatSecret));
    expect(secrets.size).toBe(200);
    for (const s of secrets) {
      expect(s).toMatch(/^cep_[A-Za-z0-9_-]{43}$/);
      expect(looksLikePat(s)).toBe(true);
      expect(looksLikeJwt(s)).toBe(false);
    }
  });

  it.each([
    ["a.b.c", true],
    ["a.b.", true],
    ["a..c", false],
    [".b.c", false],
    ["a.b", false],
    ["a.b.c.d", false],
    ["a.b.c=", false],
    ["a+b.c.d", false],
  ])("looksLikeJwt(%j) is %s", (token, expected) => {
    expect(looksLikeJwt(token)).toBe(expected);
  });
});
