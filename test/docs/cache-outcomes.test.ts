import { describe, expect, it } from "vitest";
import { CACHE_OUTCOMES, cacheStatus, xCache } from "../../src/cache/cache-status";
import { NOT_STORABLE_REASONS } from "../../src/cache/entry";
import cachingPage from "../../docs/caching.md?raw";

/**
 * The cache-outcome vocabulary has one source, `CACHE_OUTCOMES` (src/cache/cache-status.ts);
 * docs/caching.md shows it between two markers, rendered exactly as below. When this test fails,
 * paste the expected text it prints into the page.
 */
const START =
  "<!-- cache-outcomes: rendered from CACHE_OUTCOMES in src/cache/cache-status.ts; test/docs/cache-outcomes.test.ts checks it -->";
const END = "<!-- /cache-outcomes -->";

function rendered(): string {
  const rows = CACHE_OUTCOMES.map(
    ({ when, status, example }) => `| ${when} | ${status} | \`${xCache(example)}\` | \`${cacheStatus(example)}\` |`,
  );
  const reasons = Object.entries(NOT_STORABLE_REASONS).map(([reason, meaning]) => `- \`${reason}\`: ${meaning}`);
  return [
    "| what happened | status | `x-cache` | `Cache-Status` (example) |",
    "|---|---|---|---|",
    ...rows,
    "",
    "The `detail` of an answer that may not be stored:",
    "",
    ...reasons,
  ].join("\n");
}

describe("docs/caching.md shows the cache outcomes as the code sends them", () => {
  it("has the table between its markers, equal to CACHE_OUTCOMES rendered", () => {
    const start = cachingPage.indexOf(START);
    const end = cachingPage.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(cachingPage.slice(start + START.length, end).trim()).toBe(rendered());
  });

  it("lists every x-cache value and every reason an answer is not stored", () => {
    expect(new Set(CACHE_OUTCOMES.map(({ example }) => xCache(example)))).toEqual(new Set(["HIT", "MISS", "STALE", "BYPASS"]));
    expect(Object.keys(NOT_STORABLE_REASONS).sort()).toEqual([
      "graphql-errors",
      "no-store",
      "not-json",
      "persisted-query-not-found",
      "set-cookie",
      "status",
    ]);
  });
});
