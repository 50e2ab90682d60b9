import { env } from "cloudflare:workers";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { verifyAccessAssertion } from "../../src/operators/access";
import { parseAccessRoles } from "../../src/operators/access-roles";
import type { AccessSettings } from "../../src/operators/access-settings";
import {
  ACCESS_AUD,
  ACCESS_ISSUER,
  ACCESS_TEAM,
  accessKey,
  publishAccessKeys,
  serviceTokenClaims,
  signAccess,
  type AccessKey,
} from "../support/access";
import { DEMO_HOST, rejection } from "../support/tokens";
import { b64url, hs256, unsecured } from "../support/forged-jwts";

/** The frozen "now" of every test, in seconds: 2030-03-17. Nothing waits for real time. */
const NOW = 1_900_000_000;
const now = () => NOW * 1000;

const ROLES = "alice@example.com=owner, *@example.com=viewer, group:cms-editors=editor, service:ci-client.access=editor";
const settings = (roles = ROLES): AccessSettings => ({ teamDomain: ACCESS_TEAM, audience: ACCESS_AUD, roles: parseAccessRoles(roles) });
const deps = { serviceOrigins: new Map([[DEMO_HOST, env.DEMO_ORIGIN]]), now };
const verify = (assertion: string, s = settings(), clock = now) => verifyAccessAssertion(assertion, s, { ...deps, now: clock });

const validClaims = { aud: [ACCESS_AUD], email: "alice@example.com", iss: ACCESS_ISSUER, exp: NOW + 3600, sub: "user-1" };

let key: AccessKey;
let stranger: AccessKey;
let pem: string;

beforeAll(async () => {
  [key, stranger] = await Promise.all([accessKey(), accessKey()]);
  pem = await exportSPKI(key.publicKey);
  // Only `key` is one of the team's keys; `stranger` stays unpublished.
  await publishAccessKeys(key);
});

const sign = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => signAccess(key, NOW, claims, header);

describe("Cloudflare Access assertions: accepted", () => {
  it("verifies a user's assertion against the team's certs and names the user, groups, sub and role", async () => {
    expect(await verify(await sign())).toEqual({
      kind: "user",
      email: "alice@example.com",
      groups: [],
      sub: "7335d417-61da-459d-899c-0a01c76a2f94",
      role: "owner",
    });
  });

  it.each<[string, Record<string, unknown>, string | null]>([
    ["an exact e-mail rule", { email: "alice@example.com" }, "owner"],
    ["an exact e-mail rule, whatever the case of the claim", { email: "Alice@EXAMPLE.com" }, "owner"],
    ["a domain rule", { email: "bob@example.com" }, "viewer"],
    ["the stronger of a domain rule and a group rule", { email: "bob@example.com", groups: ["cms-editors"] }, "editor"],
    ["a group rule from the groups claim", { email: "carol@agency.test", groups: ["staff", "cms-editors"] }, "editor"],
    [
      "a group rule from custom.groups (IdP claims passed through)",
      { email: "carol@agency.test", custom: { groups: ["cms-editors"] } },
      "editor",
    ],
    ["a group rule from a groups claim that is one string", { email: "carol@agency.test", groups: "cms-editors" }, "editor"],
    ["no rule (a subdomain is not the domain)", { email: "dave@mail.example.com" }, null],
    ["no rule (group names are exact)", { email: "carol@agency.test", groups: ["CMS-Editors"] }, null],
  ])("maps %s", async (_name, claims, role) => {
    const identity = await verify(await sign(claims));
    expect(identity).toMatchObject({ kind: "user", email: claims["email"], role });
  });

  it("collects groups from both claims, once each, ignoring entries that are not names", async () => {
    const identity = await verify(await sign({ groups: ["a", 7, "b", ""], custom: { groups: ["b", "c"], name: "Alice" } }));
    expect(identity.groups).toEqual(["a", "b", "c"]);
  });

  it.each([
    ["aud as a list with other applications' tags", { aud: ["other-app", ACCESS_AUD] }],
    ["aud as a plain string", { aud: ACCESS_AUD }],
    ["an assertion expired 3 s ago (within the 5 s tolerance)", { exp: NOW - 3 }],
    ["an assertion without nbf or iat", { nbf: undefined, iat: undefined }],
  ])("accepts %s", async (_name, claims) => {
    expect((await verify(await sign(claims))).role).toBe("owner");
  });

  it("takes roles from the configured rules: the same assertion gets another role under other rules", async () => {
    const assertion = await sign();
    expect((await verify(assertion, settings("alice@example.com=viewer"))).role).toBe("viewer");
    expect((await verify(assertion, settings("*@elsewhere.test=owner"))).role).toBeNull();
  });

  it("names a service token by common_name, without sub or groups, and gives it only a service: rule's role", async () => {
    expect(await verify(await sign(serviceTokenClaims("ci-client.access")))).toEqual({
      kind: "service",
      commonName: "ci-client.access",
      groups: [],
      role: "editor",
    });
    expect((await verify(await sign(serviceTokenClaims("other-client.access")))).role).toBeNull();
    // Group claims on a service token grant nothing: it is matched by its name alone.
    const grouped = await verify(await sign({ ...serviceTokenClaims("other-client.access"), groups: ["cms-editors"] }));
    expect(grouped).toMatchObject({ kind: "service", groups: [], role: null });
  });

  it("uses the injected clock: valid until exp plus the tolerance, expired after it", async () => {
    const assertion = await sign({ exp: NOW + 60 });
    expect((await verify(assertion, settings(), () => (NOW + 64) * 1000 + 999)).role).toBe("owner");
    expect(await rejection(verify(assertion, settings(), () => (NOW + 65) * 1000))).toMatchObject({ reason: "access-expired" });
  });
});

describe("Cloudflare Access assertions: refused", () => {
  it.each<[string, () => Promise<string>, string]>([
    ["for another application (aud)", () => sign({ aud: ["another-app-aud"] }), "access-bad-audience"],
    ["without aud", () => sign({ aud: undefined }), "access-bad-audience"],
    ["from another team (iss)", () => sign({ iss: "https://other-team.cloudflareaccess.com" }), "access-bad-issuer"],
    ["with iss carrying a trailing slash", () => sign({ iss: `${ACCESS_ISSUER}/` }), "access-bad-issuer"],
    ["without iss", () => sign({ iss: undefined }), "access-bad-issuer"],
    ["expired beyond the tolerance", () => sign({ exp: NOW - 10 }), "access-expired"],
    ["not valid yet (nbf in a minute)", () => sign({ nbf: NOW + 60 }), "access-not-yet-valid"],
    ["without exp", () => sign({ exp: undefined }), "access-malformed"],
    ["with alg: none", async () => unsecured(validClaims), "access-algorithm"],
    [
      "HS256 signed with the public key's JWK JSON (key confusion)",
      async () => hs256(validClaims, new TextEncoder().encode(JSON.stringify(key.jwk)), key.jwk.kid),
      "access-algorithm",
    ],
    [
      "HS256 signed with the public key's PEM (key confusion)",
      async () => hs256(validClaims, new TextEncoder().encode(pem)),
      "access-algorithm",
    ],
    [
      "signed with ES256, which Access does not use",
      async () => {
        const ec = await generateKeyPair("ES256");
        return new SignJWT(validClaims).setProtectedHeader({ alg: "ES256", kid: key.jwk.kid as string }).sign(ec.privateKey);
      },
      "access-algorithm",
    ],
    ["signed by a key that is not the team's (its own kid)", () => signAccess(stranger, NOW), "access-unknown-key"],
    [
      "signed by a key that is not the team's, claiming the team key's kid",
      () => signAccess(stranger, NOW, {}, { kid: key.jwk.kid }),
      "access-invalid-signature",
    ],
    [
      "with a tampered payload",
      async () => {
        const [h, , s] = (await sign({ email: "bob@example.com" })).split(".");
        return `${h}.${b64url(JSON.stringify({ ...validClaims, email: "alice@example.com" }))}.${s}`;
      },
      "access-invalid-signature",
    ],
    ["without email or common_name", () => sign({ email: undefined }), "access-no-email"],
    ["with an empty email", () => sign({ email: "" }), "access-no-email"],
    ["with an email that is not an address", () => sign({ email: "alice" }), "access-no-email"],
    ["with an email carrying a line break", () => sign({ email: "alice@example.com\r\nx-admin: 1" }), "access-no-email"],
    ["with an email that is not a string", () => sign({ email: ["alice@example.com"] }), "access-no-email"],
    // A user token with an unusable e-mail must not pass as a service token.
    ["with an unusable email and a common_name", () => sign({ email: "", common_name: "ci-client.access" }), "access-no-email"],
    ["that is three segments of garbage", async () => "aaaa.bbbb.cccc", "access-malformed"],
    ["that is empty", async () => "", "access-malformed"],
    ["that is not JWT-shaped", async () => "Bearer x", "access-malformed"],
    ["whose header is not JSON", async () => "bm90IGpzb24.e30.c2ln", "access-malformed"],
  ])("refuses an assertion %s: 401 %s", async (_name, make, reason) => {
    const assertion = await make();
    const error = await rejection(verify(assertion));
    expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", reason });
    if (assertion) expect(JSON.stringify(error)).not.toContain(assertion);
  });
});

describe("Cloudflare Access assertions: the team's certs", () => {
  const failing = (answer: () => Response) => ({ fetch: async () => answer() }) as unknown as Fetcher;

  it.each<[string, string, ReadonlyMap<string, Fetcher>]>([
    ["whose host does not resolve", "no-such-team.invalid", new Map()],
    ["that speaks plain HTTP on an https: URL (TLS fails)", `127.0.0.1:${inject("plainHttpPort")}`, new Map()],
    ["that answer 500", "certs-500.internal", new Map([["certs-500.internal", failing(() => new Response("oops", { status: 500 }))]])],
    ["that are not a key set", "certs-json.internal", new Map([["certs-json.internal", failing(() => Response.json({ nope: true }))]])],
  ])("fails closed with 503 access-certs-unavailable for certs %s", async (_name, teamDomain, serviceOrigins) => {
    const assertion = await signAccess(key, NOW, { iss: `https://${teamDomain}` });
    const error = await rejection(verifyAccessAssertion(assertion, { ...settings(), teamDomain }, { serviceOrigins, now }));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", reason: "access-certs-unavailable" });
  });
});
