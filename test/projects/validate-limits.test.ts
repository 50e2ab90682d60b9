import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../src/errors";
import { validateProjectConfig } from "../../src/projects/validate";

const ORIGIN = "https://api.example.com/graphql";
const fieldOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.extensions["field"];
    throw error;
  }
  return undefined;
};

describe("limits and rateLimits (SPEC §3c)", () => {
  it.each([
    { limits: undefined, expected: undefined },
    { limits: null, expected: undefined },
    { limits: {}, expected: {} },
    { limits: { originConcurrency: 1 }, expected: { originConcurrency: 1 } },
    { limits: { originConcurrency: 1000, originQueueMs: 0 }, expected: { originConcurrency: 1000, originQueueMs: 0 } },
    { limits: { originQueueMs: 5000 }, expected: { originQueueMs: 5000 } },
  ])("limits $limits → $expected", ({ limits, expected }) => {
    expect(validateProjectConfig({ origin: ORIGIN, limits }).limits).toEqual(expected);
  });

  it.each([
    { limits: { originConcurrency: 0 }, field: "limits.originConcurrency" },
    { limits: { originConcurrency: 1001 }, field: "limits.originConcurrency" },
    { limits: { originConcurrency: 1.5 }, field: "limits.originConcurrency" },
    { limits: { originConcurrency: "4" }, field: "limits.originConcurrency" },
    { limits: { originQueueMs: -1 }, field: "limits.originQueueMs" },
    { limits: { originQueueMs: 5001 }, field: "limits.originQueueMs" },
    { limits: { concurrency: 4 }, field: "limits.concurrency" },
    { limits: [4], field: "limits" },
  ])("refuses limits $limits naming $field", ({ limits, field }) => {
    expect(fieldOf(() => validateProjectConfig({ origin: ORIGIN, limits }))).toBe(field);
  });

  it.each([
    { rateLimits: undefined, expected: undefined },
    { rateLimits: { missesPerMinute: 60 }, expected: { missesPerMinute: 60, by: "ip" } },
    { rateLimits: { missesPerMinute: 1, by: "token" }, expected: { missesPerMinute: 1, by: "token" } },
    { rateLimits: { missesPerMinute: 1_000_000, by: "ip" }, expected: { missesPerMinute: 1_000_000, by: "ip" } },
  ])("rateLimits $rateLimits → $expected", ({ rateLimits, expected }) => {
    expect(validateProjectConfig({ origin: ORIGIN, rateLimits }).rateLimits).toEqual(expected);
  });

  it.each([
    { rateLimits: {}, field: "rateLimits.missesPerMinute" },
    { rateLimits: { missesPerMinute: 0 }, field: "rateLimits.missesPerMinute" },
    { rateLimits: { missesPerMinute: 1_000_001 }, field: "rateLimits.missesPerMinute" },
    { rateLimits: { missesPerMinute: 10, by: "user" }, field: "rateLimits.by" },
    { rateLimits: { missesPerMinute: 10, per: "ip" }, field: "rateLimits.per" },
    { rateLimits: "10/min", field: "rateLimits" },
  ])("refuses rateLimits $rateLimits naming $field", ({ rateLimits, field }) => {
    expect(fieldOf(() => validateProjectConfig({ origin: ORIGIN, rateLimits }))).toBe(field);
  });
});
