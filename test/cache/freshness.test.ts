import { describe, expect, it } from "vitest";
import {
  MAX_HYG_STALE_IF_ERROR,
  MAX_HYG_STALE_WHILE_REVALIDATE,
  PUBLIC_VARY,
  cacheControl,
  classify,
  downstreamBoundSeconds,
  downstreamPolicy,
  effectivePolicy,
  parseDeltaSeconds,
  storageTtlSeconds,
  type FreshnessState,
} from "../../src/cache/freshness";

const settings = { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 3600 };

describe("hyg-* request headers", () => {
  it.each<[string, Record<string, string>, { staleWhileRevalidate: number; staleIfError: number }]>([
    ["no headers → project settings", {}, { staleWhileRevalidate: 300, staleIfError: 3600 }],
    ["less staleness", { "hyg-stale-while-revalidate": "10", "hyg-stale-if-error": "0" }, { staleWhileRevalidate: 10, staleIfError: 0 }],
    [
      "more staleness",
      { "hyg-stale-while-revalidate": "600", "hyg-stale-if-error": "7200" },
      { staleWhileRevalidate: 600, staleIfError: 7200 },
    ],
    [
      "clamped to the bounds",
      { "hyg-stale-while-revalidate": "99999999", "hyg-stale-if-error": "99999999999999999999" },
      { staleWhileRevalidate: MAX_HYG_STALE_WHILE_REVALIDATE, staleIfError: MAX_HYG_STALE_IF_ERROR },
    ],
    ["negative ignored", { "hyg-stale-while-revalidate": "-5" }, { staleWhileRevalidate: 300, staleIfError: 3600 }],
    ["decimal ignored", { "hyg-stale-while-revalidate": "1.5" }, { staleWhileRevalidate: 300, staleIfError: 3600 }],
    [
      "garbage ignored",
      { "hyg-stale-while-revalidate": "soon", "hyg-stale-if-error": "" },
      { staleWhileRevalidate: 300, staleIfError: 3600 },
    ],
    ["list ignored", { "hyg-stale-while-revalidate": "1, 2" }, { staleWhileRevalidate: 300, staleIfError: 3600 }],
    ["surrounding whitespace tolerated", { "hyg-stale-while-revalidate": " 7 " }, { staleWhileRevalidate: 7, staleIfError: 3600 }],
  ])("%s", (_name, headers, expected) => {
    expect(effectivePolicy(settings, new Headers(headers))).toEqual({ maxAge: 60, ...expected });
  });

  it("parseDeltaSeconds follows RFC 9111 §1.2.2", () => {
    expect(parseDeltaSeconds("0")).toBe(0);
    expect(parseDeltaSeconds("30")).toBe(30);
    expect(parseDeltaSeconds("99999999999999")).toBe(2_147_483_648);
    expect(parseDeltaSeconds(null)).toBeUndefined();
    expect(parseDeltaSeconds("+1")).toBeUndefined();
  });
});

describe("classify with a frozen clock", () => {
  const policy = { maxAge: 60, staleWhileRevalidate: 30, staleIfError: 600 };
  const storedAt = 1_700_000_000_000;
  it.each<[number, FreshnessState, number, number]>([
    [-5_000, "fresh", 0, 60], // clock skew: never a negative age
    [0, "fresh", 0, 60],
    [59_999, "fresh", 59, 1],
    [60_000, "stale-while-revalidate", 60, 0],
    [89_999, "stale-while-revalidate", 89, -29],
    [90_000, "stale-if-error", 90, -30],
    [659_999, "stale-if-error", 659, -599],
    [660_000, "expired", 660, -600],
  ])("at +%i ms → %s (age %i, ttl %i)", (offset, state, age, ttl) => {
    expect(classify(storedAt, policy, () => storedAt + offset)).toEqual({ state, age, ttl });
  });

  it("a zero window never applies", () => {
    const p = { maxAge: 10, staleWhileRevalidate: 0, staleIfError: 0 };
    expect(classify(0, p, () => 10_000).state).toBe("expired");
  });

  it("stale-if-error shorter than stale-while-revalidate is covered by SWR", () => {
    const p = { maxAge: 10, staleWhileRevalidate: 100, staleIfError: 5 };
    expect(classify(0, p, () => 50_000).state).toBe("stale-while-revalidate");
    expect(classify(0, p, () => 110_000).state).toBe("expired");
  });
});

describe("Cache-Control", () => {
  it.each<[string, string]>([
    [cacheControl("public", { browserMaxAge: 0, sharedMaxAge: 0 }), "public, max-age=0, s-maxage=0"],
    [cacheControl("public", { browserMaxAge: 5, sharedMaxAge: 60 }), "public, max-age=5, s-maxage=60"],
    [cacheControl("private"), "private, no-store"],
    [cacheControl("private", { browserMaxAge: 5, sharedMaxAge: 60 }), "private, no-store"],
    [cacheControl("error"), "no-store"],
  ])("%s", (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each<[string, Parameters<typeof downstreamPolicy>[0], { browserMaxAge: number; sharedMaxAge: number }, number]>([
    [
      "defaults: every downstream cache revalidates",
      { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 },
      { browserMaxAge: 0, sharedMaxAge: 0 },
      0,
    ],
    [
      "the gateway's own windows never go downstream",
      { maxAge: 3600, staleWhileRevalidate: 86400, staleIfError: 86400, browserMaxAge: 0, sharedMaxAge: 30 },
      { browserMaxAge: 0, sharedMaxAge: 30 },
      30,
    ],
    [
      "the bound is the longer of the two",
      { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0, browserMaxAge: 45, sharedMaxAge: 10 },
      { browserMaxAge: 45, sharedMaxAge: 10 },
      45,
    ],
  ])("downstream policy: %s", (_name, settings, expected, bound) => {
    expect(downstreamPolicy(settings)).toEqual(expected);
    expect(downstreamBoundSeconds(downstreamPolicy(settings))).toBe(bound);
  });

  it("storage lifetime covers freshness plus the longest stale window", () => {
    expect(storageTtlSeconds({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 })).toBe(86460);
    expect(storageTtlSeconds({ maxAge: 60, staleWhileRevalidate: 300, staleIfError: 0 })).toBe(360);
    expect(storageTtlSeconds({ maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0 })).toBe(0);
  });

  it("public answers vary on the headers that select the answer", () => {
    expect(PUBLIC_VARY.split(/,\s*/)).toEqual(expect.arrayContaining(["authorization", "gcms-stage", "gcms-locales"]));
  });
});
