import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { GatewayError } from "../../src/errors";
import { originLimiter, rateClientKey } from "../../src/pipeline/origin-limits";

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

describe("originLimiter: what each origin call is charged", () => {
  type Verdict = { allowed: boolean; retryAfterMs: number } | null;
  /** A limiter for a fresh project, with an authority that answers `verdicts` in turn and counts its calls. */
  function limiter(project: Parameters<typeof originLimiter>[0]["project"], verdicts: Verdict[] = []) {
    const calls: Array<{ client: string; limit: number }> = [];
    const authority = {
      countMiss: async (_ref: unknown, client: string, limit: number) => {
        calls.push({ client, limit });
        return verdicts.length ? verdicts.shift()! : { allowed: true, retryAfterMs: 0 };
      },
    };
    const ref = { projectId: `p-${crypto.randomUUID().slice(0, 8)}`, environment: "master" };
    const limited = originLimiter({ ref, project, principal: PUBLIC, request: request("203.0.113.7"), authority, originTimeoutMs: 1_000 });
    return { limited, calls };
  }
  const ok = async () => "answer";
  const refusal = (error: unknown) => (error instanceof GatewayError ? { code: error.code, headers: error.headers } : error);

  it("no limits: the call goes, nothing is asked", async () => {
    const { limited, calls } = limiter({});
    expect(await limited(ok, false)).toBe("answer");
    expect(calls).toEqual([]);
  });

  it("counts the client's own requests, not the entry checks the gateway adds; the key is a digest", async () => {
    const { limited, calls } = limiter({ rateLimits: { missesPerMinute: 5, by: "ip" } });
    await limited(ok, false);
    await limited(ok, true);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.limit).toBe(5);
    expect(calls[0]!.client).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("a refusal is 429 with Retry-After in whole seconds, and the isolate refuses the client's next misses without asking again", async () => {
    const { limited, calls } = limiter({ rateLimits: { missesPerMinute: 5, by: "ip" } }, [{ allowed: false, retryAfterMs: 30_200 }]);
    const first = await limited(ok, false).catch(refusal);
    expect(first).toEqual({ code: "RATE_LIMITED", headers: { "retry-after": "31" } });
    const second = await limited(ok, false).catch(refusal);
    expect(second).toMatchObject({ code: "RATE_LIMITED" });
    expect(calls).toHaveLength(1);
  });

  it("an authority that does not answer lets the request go", async () => {
    const { limited } = limiter({ rateLimits: { missesPerMinute: 1, by: "ip" } }, [null]);
    expect(await limited(ok, false)).toBe("answer");
  });

  it("a busy gate is 503 ORIGIN_BUSY with Retry-After: 1, and a rate-limited request takes no slot", async () => {
    const { limited } = limiter({ limits: { originConcurrency: 1, originQueueMs: 0 }, rateLimits: { missesPerMinute: 5, by: "ip" } }, [
      { allowed: true, retryAfterMs: 0 },
      { allowed: false, retryAfterMs: 1_000 },
    ]);
    let finish: () => void = () => undefined;
    const holding = limited(() => new Promise<string>((resolve) => (finish = () => resolve("slow"))), false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Over the rate limit: refused before the gate is asked.
    expect(await limited(ok, false).catch(refusal)).toMatchObject({ code: "RATE_LIMITED" });
    // The entry check is not rate-counted but needs a slot: the slot is taken.
    expect(await limited(ok, true).catch(refusal)).toEqual({ code: "ORIGIN_BUSY", headers: { "retry-after": "1" } });
    finish();
    expect(await holding).toBe("slow");
    expect(await limited(ok, true)).toBe("answer");
  });
});
