import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, MAX_JSON_DEPTH_CEILING, resolveLimits, type RequestLimits } from "../../src/graphql/limits";

describe("DEFAULT_LIMITS", () => {
  it("fixes the SPEC §1 byte limits and refuses batches", () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxBodyBytes: 65_536, maxUrlBytes: 16_384, maxBatch: 0 });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });
});

describe("resolveLimits", () => {
  it("returns the defaults for no overrides", () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  it("merges overrides and freezes the result", () => {
    const limits = resolveLimits({ maxDepth: 8, maxBatch: 10 });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, maxDepth: 8, maxBatch: 10 });
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it("bounds maxJsonDepth by its ceiling, which it may reach", () => {
    expect(DEFAULT_LIMITS.maxJsonDepth).toBe(64);
    expect(resolveLimits({ maxJsonDepth: MAX_JSON_DEPTH_CEILING }).maxJsonDepth).toBe(1_000);
  });

  it("accepts maxBatch 0 and the minimum 1 elsewhere", () => {
    expect(resolveLimits({ maxBatch: 0, maxDepth: 1 })).toMatchObject({ maxBatch: 0, maxDepth: 1 });
  });

  it.each<[string, Record<string, unknown>]>([
    ["zero depth", { maxDepth: 0 }],
    ["negative aliases", { maxAliases: -1 }],
    ["fractional tokens", { maxTokens: 1.5 }],
    ["NaN directives", { maxDirectives: Number.NaN }],
    ["infinite body", { maxBodyBytes: Number.POSITIVE_INFINITY }],
    ["string url", { maxUrlBytes: "16384" }],
    ["negative batch", { maxBatch: -1 }],
    ["zero JSON depth", { maxJsonDepth: 0 }],
    ["JSON depth past its ceiling", { maxJsonDepth: MAX_JSON_DEPTH_CEILING + 1 }],
    ["unknown key", { maxDepht: 3 }],
  ])("throws a plain Error for %s", (_name, partial) => {
    expect(() => resolveLimits(partial as Partial<RequestLimits>)).toThrowError(Error);
    expect(() => resolveLimits(partial as Partial<RequestLimits>)).toThrowError(Object.keys(partial)[0]);
  });
});
