import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { rateClientKey } from "../../src/pipeline/origin-limits";

const request = (ip?: string) => new Request("https://gateway.test/", { headers: ip ? { "cf-connecting-ip": ip } : {} });
const PUBLIC: Principal = { kind: "public", rules: [] };
const PAT: Principal = { kind: "pat", rules: [], tokenId: "tok_1" };
const JWT: Principal = { kind: "jwt", rules: [], userId: "user-7", claims: { iss: "https://issuer.example" } };
const JWT_NO_SUB: Principal = { kind: "jwt", rules: [], claims: { iss: "https://issuer.example" } };

describe("rateClientKey: who a miss rate limit counts", () => {
  it.each([
    { by: "ip", principal: PAT, ip: "203.0.113.7", expected: "ip:203.0.113.7" },
    { by: "ip", principal: PUBLIC, ip: undefined, expected: "ip:unknown" },
    { by: "token", principal: PUBLIC, ip: "203.0.113.7", expected: "ip:203.0.113.7" },
    { by: "token", principal: PAT, ip: "203.0.113.7", expected: "pat:tok_1" },
    { by: "token", principal: JWT, ip: "203.0.113.7", expected: 'jwt:["https://issuer.example","user-7"]' },
    { by: "token", principal: JWT_NO_SUB, ip: "203.0.113.7", expected: 'jwt:["https://issuer.example"]|ip:203.0.113.7' },
  ] as const)("by $by, $principal.kind from $ip → $expected", ({ by, principal, ip, expected }) => {
    expect(rateClientKey(by, principal, request(ip))).toBe(expected);
  });

  it("an issuer and subject cannot be forged to collide with another pair", () => {
    const a = rateClientKey("token", { ...JWT, claims: { iss: "a:b" }, userId: "c" }, request());
    const b = rateClientKey("token", { ...JWT, claims: { iss: "a" }, userId: "b:c" }, request());
    expect(a).not.toBe(b);
  });
});
