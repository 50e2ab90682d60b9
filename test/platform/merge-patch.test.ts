import { describe, expect, it } from "vitest";
import { LimitExceededError } from "../../src/errors";
import { applyMergePatch } from "../../src/platform/merge-patch";

describe("applyMergePatch (RFC 7396)", () => {
  // RFC 7396 Appendix A, every example.
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("merges %j with %j into %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("changes neither the target nor the patch", () => {
    const target = { cache: { maxAge: 60 }, roles: { editor: [] } };
    const patch = { cache: { maxAge: 5 }, roles: null };
    applyMergePatch(target, patch);
    expect(target).toEqual({ cache: { maxAge: 60 }, roles: { editor: [] } });
    expect(patch).toEqual({ cache: { maxAge: 5 }, roles: null });
  });

  it("keeps a __proto__ member as an own member, so validation can refuse it", () => {
    const merged = applyMergePatch({ roles: {} }, JSON.parse('{"roles":{"__proto__":[]}}')) as { roles: object };
    expect(Object.keys(merged.roles)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(merged.roles)).toBe(Object.prototype);
  });

  it("refuses a patch nested deeper than the bound with LIMIT_EXCEEDED", () => {
    const deep = JSON.parse(`${'{"a":'.repeat(5)}1${"}".repeat(5)}`);
    expect(applyMergePatch({}, deep, 5)).toEqual(deep);
    expect(() => applyMergePatch({}, { x: deep }, 5)).toThrow(LimitExceededError);
  });
});
