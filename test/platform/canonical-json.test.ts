import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/platform/canonical-json";

const nestedArrays = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);

describe("canonicalJson", () => {
  it.each<[string, unknown, string]>([
    ["a string", "a", '"a"'],
    ["null", null, "null"],
    ["undefined at the top", undefined, "null"],
    ["keys sorted at every level", { b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } }, '{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}'],
    [
      "undefined dropped from objects, null in arrays",
      { b: 1, a: { d: [1, undefined], c: null }, u: undefined },
      '{"a":{"c":null,"d":[1,null]},"b":1}',
    ],
    ["functions dropped from objects, null in arrays", { f: () => 1, a: [() => 1] }, '{"a":[null]}'],
    ["empty containers", { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ["escapes keys and strings as JSON does", { 'q"': 'é\n"' }, '{"q\\"":"é\\n\\""}'],
    [
      "the same object twice (not a cycle)",
      (() => {
        const x = { v: 1 };
        return { a: x, b: [x, x] };
      })(),
      '{"a":{"v":1},"b":[{"v":1},{"v":1}]}',
    ],
    ["3,000 levels (issue 19)", nestedArrays(3_000), `${"[".repeat(3_000)}${"]".repeat(3_000)}`],
    ["100,000 levels of arrays", nestedArrays(100_000), `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
  ])("%s", (_name, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it("serializes 100,000 levels of objects with sorted keys", () => {
    const value = JSON.parse(`${'{"b":1,"a":'.repeat(100_000)}0${"}".repeat(100_000)}`) as unknown;
    expect(canonicalJson(value)).toBe(`${'{"a":'.repeat(100_000)}0${',"b":1}'.repeat(100_000)}`);
  });

  it("equals JSON.stringify for values whose keys are already sorted", () => {
    const value = { a: [1, "x", null, true, { b: 2.5, c: [[], {}] }], d: "é" };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it("refuses a cyclic value with a TypeError, as JSON.stringify does", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = { back: [cyclic] };
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});
