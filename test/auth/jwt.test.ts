import { CompactSign, SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../src/auth/authenticate";
import type { JwtSettings, PermissionRule, ProjectConfig } from "../../src/projects/types";
import { uniqueTag } from "../support/gateway";
import { authDeps, jwksHits, jwksUrl, putJwks, rejection, requestWith, spyKv } from "../support/tokens";
import { b64url, hs256, unsecured } from "../support/forged-jwts";

const REF = { projectId: "jwt-tests", environment: "master" };
/** The frozen "now" of every test, in seconds: 2030-03-17. Nothing waits for real time. */
const NOW = 1_900_000_000;
const now = () => NOW * 1000;
const ISSUER = "https://issuer.example/";
const AUDIENCE = "content-edge";

const READ_POSTS: PermissionRule = { action: ["read"], model: ["Post"], stages: ["PUBLISHED"], locales: "*" };
const EDIT_POSTS: PermissionRule = { action: ["create", "update"], model: ["Post"], stages: ["DRAFT"], locales: "*" };
const READ_AUTHORS: PermissionRule = { action: ["read"], model: ["Author"], stages: "*", locales: "*" };

function project(jwt: Partial<JwtSettings>): ProjectConfig {
  return {
    origin: "https://origin.example/graphql",
    defaultStage: "PUBLISHED",
    defaultLocale: "en",
    introspection: true,
    publicPermissions: [],
    roles: { viewer: [READ_POSTS], editor: [EDIT_POSTS, READ_AUTHORS] },
    cache: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 },
    jwt: { issuer: ISSUER, audience: AUDIENCE, rolesClaim: "roles", algorithms: ["RS256", "ES256"], ...jwt },
  };
}

interface Keys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function keys(alg: "RS256" | "ES256", kid: string): Promise<Keys> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" } };
}

/** A signed token with sensible defaults; `claims` overrides (undefined removes a claim). */
async function sign(key: Keys, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: JWTPayload = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", iat: NOW - 60, exp: NOW + 3600, roles: "viewer" };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.jwk.kid as string, ...header })
    .sign(key.privateKey);
}

const validClaims = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", exp: NOW + 3600, roles: "viewer" };

let rsa: Keys;
let ec: Keys;
let stranger: Keys;
let rsaPem: string;
/** One shared key set with the RSA and EC keys, served by the demo origin. */
const shared = uniqueTag("jwks");

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([keys("RS256", "rsa-1"), keys("ES256", "ec-1"), keys("RS256", "stranger")]);
  rsaPem = await exportSPKI(rsa.publicKey);
  await putJwks(shared, { keys: [rsa.jwk, ec.jwk] });
});

const viaJwks = () => project({ jwksUrl: jwksUrl(shared) });
const auth = (token: string, config: ProjectConfig = viaJwks(), clock = now) =>
  authenticate(requestWith(`Bearer ${token}`), config, REF, authDeps({ now: clock }));

describe("JWT principals: accepted tokens", () => {
  it.each([
    ["an RS256 token", () => sign(rsa)],
    ["an ES256 token", () => sign(ec)],
    ["a token expired 3 s ago (within the 5 s tolerance)", () => sign(rsa, { exp: NOW - 3 })],
    ["a token whose nbf is 3 s ahead (within the tolerance)", () => sign(rsa, { nbf: NOW + 3 })],
    ["a token whose nbf has passed", () => sign(rsa, { nbf: NOW - 10 })],
  ])("accepts %s and maps its role to the project's rules", async (_name, make) => {
    const principal = await auth(await make());
    expect(principal).toEqual({ kind: "jwt", rules: [READ_POSTS], roles: ["viewer"], userId: "user-1", claims: { iss: ISSUER } });
  });

  it.each([
    ["a string", "editor", [EDIT_POSTS, READ_AUTHORS]],
    ["a list of one", ["viewer"], [READ_POSTS]],
    ["a list of several (union)", ["viewer", "editor"], [READ_POSTS, EDIT_POSTS, READ_AUTHORS]],
    ["a list with an unknown role (contributes nothing)", ["ghost", "viewer"], [READ_POSTS]],
    ["only unknown roles (no rules: a later 403)", ["ghost"], []],
    ["a prototype name, which is no role", ["constructor", "__proto__", "toString"], []],
    ["absent", undefined, []],
    ["an empty list", [], []],
  ])("roles claim as %s", async (_name, roles, rules) => {
    const principal = await auth(await sign(rsa, { roles }));
    expect(principal.kind).toBe("jwt");
    expect(principal.rules).toEqual(rules);
  });

  it("reads roles from the configured claim, even a namespaced URL claim", async () => {
    const config = project({ jwksUrl: jwksUrl(shared), rolesClaim: "https://hygraph.com/roles" });
    const principal = await auth(await sign(rsa, { roles: undefined, "https://hygraph.com/roles": ["editor"] }), config);
    expect(principal.rules).toEqual([EDIT_POSTS, READ_AUTHORS]);
  });

  it("forwards sub as userId, and omits userId when there is no sub", async () => {
    expect((await auth(await sign(rsa, { sub: "auth0|42" }))).userId).toBe("auth0|42");
    const anonymous = await auth(await sign(rsa, { sub: undefined }));
    expect(anonymous.userId).toBeUndefined();
    expect("userId" in anonymous).toBe(false);
  });

  it.each([
    ["an SPKI PEM", () => ({ publicKey: rsaPem })],
    ["a JWK object", () => ({ publicKey: rsa.jwk as Record<string, unknown> })],
  ])("verifies against a configured public key given as %s", async (_name, jwt) => {
    const config = project(jwt());
    expect(await auth(await sign(rsa), config)).toMatchObject({ kind: "jwt", userId: "user-1" });
    expect(await rejection(auth(await sign(stranger, {}, { kid: "rsa-1" }), config))).toMatchObject({
      status: 401,
      reason: "invalid-signature",
    });
  });
});

describe("JWT principals: refused tokens", () => {
  it.each<[string, () => Promise<string>, string, Record<string, unknown>?]>([
    ["expired beyond the tolerance", () => sign(rsa, { exp: NOW - 10 }), "expired", { claim: "exp" }],
    ["not yet valid (nbf in a minute)", () => sign(rsa, { nbf: NOW + 60 }), "not-yet-valid", { claim: "nbf" }],
    ["without exp", () => sign(rsa, { exp: undefined }), "claim-invalid", { claim: "exp" }],
    ["with a wrong iss", () => sign(rsa, { iss: "https://evil.example/" }), "claim-invalid", { claim: "iss" }],
    ["without iss", () => sign(rsa, { iss: undefined }), "claim-invalid", { claim: "iss" }],
    ["with a wrong aud", () => sign(rsa, { aud: "someone-else" }), "claim-invalid", { claim: "aud" }],
    ["with aud as a list without ours", () => sign(rsa, { aud: ["a", "b"] }), "claim-invalid", { claim: "aud" }],
    ["with a roles claim that is a number", () => sign(rsa, { roles: 7 }), "claim-invalid", { claim: "roles" }],
    ["with a sub that is not a string", () => sign(rsa, { sub: 42 }), "claim-invalid", { claim: "sub" }],
    ["with a sub carrying a line break", () => sign(rsa, { sub: "a\r\nx-admin: 1" }), "claim-invalid", { claim: "sub" }],
    ["with alg: none", async () => unsecured(validClaims), "algorithm-not-allowed"],
    [
      "HS256 signed with the public key's JWK JSON",
      async () => hs256(validClaims, new TextEncoder().encode(JSON.stringify(rsa.jwk)), "rsa-1"),
      "algorithm-not-allowed",
    ],
    [
      "HS256 signed with the public key's PEM",
      async () => hs256(validClaims, new TextEncoder().encode(rsaPem), "rsa-1"),
      "algorithm-not-allowed",
    ],
    ["signed by a key not in the set (its own kid)", () => sign(stranger), "unknown-key"],
    ["signed by a key not in the set, claiming a kid of the set", () => sign(stranger, {}, { kid: "rsa-1" }), "invalid-signature"],
    ["signed by the EC key but claiming the RSA kid", () => sign(ec, {}, { kid: "rsa-1" }), "unknown-key"],
    [
      "with a tampered payload",
      async () => {
        const [h, , s] = (await sign(rsa)).split(".");
        return `${h}.${b64url(JSON.stringify({ ...validClaims, roles: "editor" }))}.${s}`;
      },
      "invalid-signature",
    ],
    [
      "with an unsigned payload that is not JSON (signature first)",
      async () => `${b64url(JSON.stringify({ alg: "RS256", kid: "rsa-1" }))}.${b64url("not json")}.c2ln`,
      "invalid-signature",
    ],
    [
      "with a signed payload that is not a JSON object",
      async () =>
        new CompactSign(new TextEncoder().encode("not json")).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).sign(rsa.privateKey),
      "malformed-token",
    ],
    ["with a header that is not JSON", async () => "bm90IGpzb24.e30.c2ln", "malformed-token"],
  ])("refuses a token %s: 401 %s", async (_name, make, reason, extra = {}) => {
    const token = await make();
    const error = await rejection(auth(token));
    expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", reason, extensions: { reason, ...extra } });
    expect(error.headers["www-authenticate"]).toMatch(/^Bearer .*error="invalid_token"/);
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it("refuses an algorithm the project did not list, even one it could verify", async () => {
    const rsOnly = project({ jwksUrl: jwksUrl(shared), algorithms: ["RS256"] });
    expect(await rejection(auth(await sign(ec), rsOnly))).toMatchObject({ reason: "algorithm-not-allowed" });
  });

  it("refuses HS256 signed with the configured PEM as secret (key confusion against a configured key)", async () => {
    const config = project({ publicKey: rsaPem });
    expect(await rejection(auth(await hs256(validClaims, new TextEncoder().encode(rsaPem)), config))).toMatchObject({
      reason: "algorithm-not-allowed",
    });
  });

  it("refuses a JWT with 401 jwt-not-configured when the project has no jwt settings", async () => {
    const { jwt: _none, ...config } = viaJwks();
    expect(await rejection(auth(await sign(rsa), config))).toMatchObject({ status: 401, reason: "jwt-not-configured" });
  });

  it("uses the injected clock: the same token is valid before exp and expired after it", async () => {
    const token = await sign(rsa, { exp: NOW + 60 });
    // jose: expired when exp <= now - tolerance (5 s).
    expect((await auth(token, viaJwks(), () => (NOW + 60 + 4) * 1000 + 999)).kind).toBe("jwt");
    expect(await rejection(auth(token, viaJwks(), () => (NOW + 60 + 5) * 1000))).toMatchObject({ reason: "expired" });
    // nbf likewise: refused until nbf - tolerance.
    const later = await sign(rsa, { nbf: NOW + 60 });
    expect(await rejection(auth(later, viaJwks(), () => (NOW + 54) * 1000))).toMatchObject({ reason: "not-yet-valid" });
    expect((await auth(later, viaJwks(), () => (NOW + 55) * 1000)).kind).toBe("jwt");
  });
});

describe("JWT principals: the remote key set", () => {
  it("fetches the key set once and serves later verifications from the isolate copy", async () => {
    const name = uniqueTag("jwks");
    await putJwks(name, { keys: [rsa.jwk] });
    const config = project({ jwksUrl: jwksUrl(name) });
    for (let i = 0; i < 5; i++) expect((await auth(await sign(rsa), config)).kind).toBe("jwt");
    expect(await jwksHits(name)).toBe(1);
  });

  it("does not refetch for an unknown kid within the cooldown after a fetch", async () => {
    const name = uniqueTag("jwks");
    await putJwks(name, { keys: [rsa.jwk] });
    const config = project({ jwksUrl: jwksUrl(name) });
    await auth(await sign(rsa), config);
    // The issuer rotates to a new key, but we fetched a moment ago: jose's cooldown (30 s) holds.
    const rotated = await keys("RS256", "rsa-2");
    await putJwks(name, { keys: [rsa.jwk, rotated.jwk] });
    for (let i = 0; i < 3; i++) expect(await rejection(auth(await sign(rotated), config))).toMatchObject({ reason: "unknown-key" });
    expect(await jwksHits(name)).toBe(1);
  });

  it("refetches for an unknown kid once the cooldown has passed, picking up a rotated key", async () => {
    const name = uniqueTag("jwks");
    await putJwks(name, { keys: [rsa.jwk] });
    const config = project({ jwksUrl: jwksUrl(name) });
    const deps = authDeps({ now, jwks: { cooldownMs: 0 } });
    const verify = (token: string) => authenticate(requestWith(`Bearer ${token}`), config, REF, deps);
    await verify(await sign(rsa));
    expect(await jwksHits(name)).toBe(1);
    const rotated = await keys("RS256", "rsa-2");
    await putJwks(name, { keys: [rotated.jwk] });
    expect((await verify(await sign(rotated))).kind).toBe("jwt");
    expect(await jwksHits(name)).toBe(2);
    // The old key is gone from the set now, and a stranger's kid still matches nothing after a refetch.
    expect(await rejection(verify(await sign(rsa)))).toMatchObject({ reason: "unknown-key" });
    expect(await jwksHits(name)).toBe(3);
    // A known kid needs no fetch.
    await verify(await sign(rotated));
    expect(await jwksHits(name)).toBe(3);
  });

  it.each([
    ["answers 404", null],
    ["is not a key set", { nope: true }],
  ])("fails closed with 503 jwks-unavailable when the JWKS URL %s", async (_name, body) => {
    const name = uniqueTag("jwks");
    if (body) await putJwks(name, body);
    const error = await rejection(auth(await sign(rsa), project({ jwksUrl: jwksUrl(name) })));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", reason: "jwks-unavailable" });
  });
});

describe("JWT and PAT never fall through into each other", () => {
  it.each([
    ["three base64url segments of garbage", "aaaa.bbbb.cccc", "malformed-token"],
    ["an RS256 header and an empty signature", "eyJhbGciOiJSUzI1NiJ9.e30.", "invalid-signature"],
    ["a PAT-prefixed JWT shape", "cep_aaaa.bbbb.cccc", "malformed-token"],
  ])("%s goes only to JWT verification, never to the PAT store", async (_name, token, reason) => {
    const spy = spyKv();
    const error = await rejection(authenticate(requestWith(`Bearer ${token}`), viaJwks(), REF, authDeps({ kv: spy.kv, now })));
    expect(error).toMatchObject({ status: 401, reason });
    expect(spy.reads()).toBe(0);
  });

  it("a JWT-shaped token for a project without jwt is jwt-not-configured, without a PAT lookup", async () => {
    const spy = spyKv();
    const { jwt: _none, ...config } = viaJwks();
    const error = await rejection(authenticate(requestWith(`Bearer ${await sign(rsa)}`), config, REF, authDeps({ kv: spy.kv, now })));
    expect(error.reason).toBe("jwt-not-configured");
    expect(spy.reads()).toBe(0);
  });

  it("a PAT-shaped token goes only to the PAT store, never to the key set", async () => {
    const name = uniqueTag("jwks");
    await putJwks(name, { keys: [rsa.jwk] });
    const spy = spyKv();
    const token = `cep_${"A".repeat(43)}`;
    const error = await rejection(
      authenticate(requestWith(`Bearer ${token}`), project({ jwksUrl: jwksUrl(name) }), REF, authDeps({ kv: spy.kv, now })),
    );
    expect(error.reason).toBe("unknown-token");
    expect(spy.reads()).toBe(1);
    expect(await jwksHits(name)).toBe(0);
  });
});
