import { describe, expect, it } from "vitest";
import type { JWTPayload } from "jose";
import { appOf, indexRevocations, revocationOf, type JwtRevocation } from "../../src/auth/jwt-revocations";

/**
 * Which app and user a verified JWT names, and whether a revocation cuts it off (SPEC §5a): pure
 * decisions, with a frozen "now".
 */

/** 2030-03-17T17:46:40Z, in ms. */
const NOW = 1_900_000_000_000;
const sec = (ms: number) => Math.floor(ms / 1000);

const app = (value: string): JwtRevocation => ({ id: `a-${value}`, kind: "app", value, createdAt: 0 });
const subject = (value: string): JwtRevocation => ({ id: `s-${value}`, kind: "subject", value, createdAt: 0 });
const before = (ms: number): JwtRevocation => ({ id: `t-${ms}`, kind: "issuedBefore", value: new Date(ms).toISOString(), createdAt: 0 });

const token: JWTPayload = { iss: "https://id.example/", azp: "mobile", sub: "user-1", iat: sec(NOW) - 600, exp: sec(NOW) + 3600 };

describe("appOf: azp, else client_id, else iss", () => {
  it.each<[string, JWTPayload, string | null]>([
    ["azp first", { azp: "a", client_id: "c", iss: "i" }, "a"],
    ["client_id without azp", { client_id: "c", iss: "i" }, "c"],
    ["iss alone", { iss: "i" }, "i"],
    ["an empty azp is skipped", { azp: "", client_id: "c" }, "c"],
    ["a non-string azp is skipped", { azp: 42 as unknown as string, iss: "i" }, "i"],
    ["none of them", { sub: "u" }, null],
  ])("%s", (_name, payload, expected) => {
    expect(appOf(payload)).toBe(expected);
  });
});

describe("revocationOf", () => {
  it.each<[string, JWTPayload, JwtRevocation[], string | null]>([
    ["no revocations", token, [], null],
    ["the token's app (azp)", token, [app("mobile")], "APP_REVOKED"],
    ["another app", token, [app("web")], null],
    ["the app by client_id when there is no azp", { ...token, azp: undefined, client_id: "cli" }, [app("cli")], "APP_REVOKED"],
    ["the issuer names the app only without azp and client_id", token, [app("https://id.example/")], null],
    ["the issuer as app", { iss: "https://id.example/", sub: "u", iat: sec(NOW) }, [app("https://id.example/")], "APP_REVOKED"],
    ["app names are exact (case matters)", token, [app("Mobile")], null],
    ["the token's user", token, [subject("user-1")], "USER_REVOKED"],
    ["another user", token, [subject("user-2")], null],
    ["a subject revocation and a token without sub", { ...token, sub: undefined }, [subject("user-1")], null],
    ["issued before the cut", token, [before(NOW - 60_000)], "TOKEN_REVOKED"],
    ["issued after the cut", token, [before(NOW - 3_600_000)], null],
    ["issued in the very second of the cut counts as after it", { ...token, iat: sec(NOW) }, [before(NOW)], null],
    ["one second before the cut", { ...token, iat: sec(NOW) - 1 }, [before(NOW)], "TOKEN_REVOKED"],
    ["the latest cut of several decides", token, [before(NOW - 3_600_000), before(NOW - 60_000)], "TOKEN_REVOKED"],
    ["no iat under a cut: refused (fail closed)", { ...token, iat: undefined }, [before(NOW - 3_600_000)], "TOKEN_REVOKED"],
    ["a non-numeric iat under a cut: refused", { ...token, iat: "soon" as unknown as number }, [before(NOW - 3_600_000)], "TOKEN_REVOKED"],
    ["an iat in the future under a cut: refused", { ...token, iat: sec(NOW) + 60 }, [before(NOW - 3_600_000)], "TOKEN_REVOKED"],
    ["an iat within the clock tolerance: accepted", { ...token, iat: sec(NOW) + 3 }, [before(NOW - 3_600_000)], null],
    ["no iat and no cut: accepted", { ...token, iat: undefined }, [app("web"), subject("user-2")], null],
    ["app and user both revoked: the app is named", token, [subject("user-1"), app("mobile")], "APP_REVOKED"],
    ["user and time both revoked: the user is named", token, [before(NOW), subject("user-1")], "USER_REVOKED"],
  ])("%s → %s", (_name, payload, revocations, reason) => {
    const expected = reason === null ? null : { reason };
    expect(revocationOf(payload, revocations, NOW)).toEqual(expected);
    // The indexed form (what a location's view holds) decides the same.
    expect(revocationOf(payload, indexRevocations(revocations), NOW)).toEqual(expected);
  });

  it("an unparseable issuedBefore value revokes nothing (the admin API never stores one)", () => {
    expect(revocationOf(token, [{ id: "x", kind: "issuedBefore", value: "yesterday", createdAt: 0 }], NOW)).toBeNull();
  });
});
