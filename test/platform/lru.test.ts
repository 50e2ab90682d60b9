import { describe, expect, it } from "vitest";
import { Lru } from "../../src/platform/lru";

describe("Lru", () => {
  it("evicts the least recently used entry by count", () => {
    const evicted: string[] = [];
    const lru = new Lru<number>({ maxEntries: 2, onEvict: (k) => evicted.push(k) });
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now most recent
    lru.set("c", 3);
    expect([...lru.keys()]).toEqual(["a", "c"]);
    expect(evicted).toEqual(["b"]);
    expect(lru.size).toBe(2);
  });

  it("evicts by total bytes", () => {
    const lru = new Lru<string>({ maxEntries: 100, maxBytes: 10, sizeOf: (v) => v.length });
    lru.set("a", "aaaa");
    lru.set("b", "bbbb");
    expect(lru.bytes).toBe(8);
    lru.set("c", "cccc");
    expect(lru.has("a")).toBe(false);
    expect(lru.bytes).toBe(8);
    expect([...lru.keys()]).toEqual(["b", "c"]);
  });

  it("refuses a value larger than maxBytes and drops the old value of that key", () => {
    const lru = new Lru<string>({ maxEntries: 10, maxBytes: 5, sizeOf: (v) => v.length });
    lru.set("a", "ok");
    expect(lru.set("a", "much too long")).toBe(false);
    expect(lru.has("a")).toBe(false);
    expect(lru.bytes).toBe(0);
  });

  it("replacing a key updates bytes; peek does not change recency; delete and clear", () => {
    const lru = new Lru<string>({ maxEntries: 2, sizeOf: (v) => v.length });
    lru.set("a", "xx");
    lru.set("a", "xxx");
    expect(lru.bytes).toBe(3);
    lru.set("b", "y");
    expect(lru.peek("a")).toBe("xxx");
    lru.set("c", "z"); // a is least recent despite the peek
    expect(lru.has("a")).toBe(false);
    expect(lru.delete("b")).toBe(true);
    expect(lru.delete("b")).toBe(false);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });

  it("stays O(1)-ish for many operations", () => {
    const lru = new Lru<number>({ maxEntries: 1000 });
    for (let i = 0; i < 20_000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(1000);
    expect(lru.get("k19999")).toBe(19999);
    expect(lru.get("k0")).toBeUndefined();
  });
});
