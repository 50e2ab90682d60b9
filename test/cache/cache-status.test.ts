import { describe, expect, it } from "vitest";
import { cacheHeaders, cacheStatus, xCache, type CacheOutcome } from "../../src/cache/cache-status";

describe("Cache-Status (RFC 9211) and x-cache", () => {
  it.each<[CacheOutcome, string, string]>([
    [{ kind: "hit", ttl: 42 }, "HIT", "content-edge; hit; ttl=42"],
    [{ kind: "miss", stored: true }, "MISS", "content-edge; fwd=miss; stored"],
    [{ kind: "miss", stored: false }, "MISS", "content-edge; fwd=miss"],
    [{ kind: "miss", stored: true, collapsed: true }, "MISS", "content-edge; fwd=miss; collapsed; stored"],
    [{ kind: "stale", reason: "stale-while-revalidate", ttl: -12 }, "STALE", "content-edge; hit; ttl=-12; detail=stale-while-revalidate"],
    [
      { kind: "stale", reason: "stale-if-error", ttl: -90, fwdStatus: 502 },
      "STALE",
      "content-edge; fwd=stale; fwd-status=502; ttl=-90; detail=stale-if-error",
    ],
    [{ kind: "stale", reason: "stale-if-error", ttl: -90 }, "STALE", "content-edge; fwd=stale; ttl=-90; detail=stale-if-error"],
    [{ kind: "bypass" }, "BYPASS", "content-edge; fwd=bypass"],
    [{ kind: "bypass", detail: "mutation" }, "BYPASS", "content-edge; fwd=bypass; detail=mutation"],
    [{ kind: "bypass", detail: "not cacheable" }, "BYPASS", 'content-edge; fwd=bypass; detail="not cacheable"'],
  ])("%j → %s / %s", (outcome, x, status) => {
    expect(xCache(outcome)).toBe(x);
    expect(cacheStatus(outcome)).toBe(status);
  });

  it("age only on served entries, whole non-negative seconds", () => {
    expect(cacheHeaders({ kind: "hit", ttl: 42 }, 18.7)).toEqual({
      "x-cache": "HIT",
      "cache-status": "content-edge; hit; ttl=42",
      age: "18",
    });
    expect(cacheHeaders({ kind: "stale", reason: "stale-while-revalidate", ttl: -1 }, 61).age).toBe("61");
    expect(cacheHeaders({ kind: "miss", stored: true }, 5).age).toBeUndefined();
    expect(cacheHeaders({ kind: "hit", ttl: 1 }, -3).age).toBe("0");
  });
});
