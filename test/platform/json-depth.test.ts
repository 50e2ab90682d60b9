import { describe, expect, it } from "vitest";
import { jsonDepth } from "../../src/platform/json-depth";

const nestedArrays = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);
const nestedObjects = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);

describe("jsonDepth", () => {
  it.each<[string, number, unknown]>([
    ["a string", 0, "a"],
    ["null", 0, null],
    ["a number", 0, 1],
    ["an empty object", 1, {}],
    ["an empty array", 1, []],
    ["a flat array of scalars", 1, [1, "2", null, true]],
    ["an array in an object", 2, { a: [1] }],
    ["the deepest branch counts", 4, { a: 1, b: { c: { d: [] } }, e: [] }],
    ["a GraphQL body with a filter", 5, { query: "q", variables: { where: { AND: [{ id: "p1" }] } } }],
    ["64 levels of arrays", 64, nestedArrays(64)],
    ["3,000 levels (issue 19)", 3_000, nestedArrays(3_000)],
    ["100,000 levels of arrays", 100_000, nestedArrays(100_000)],
    ["100,000 levels of objects", 100_000, nestedObjects(100_000)],
  ])("%s → %i", (_name, depth, value) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it("measures a wide value without its width on the stack", () => {
    const wide = Array.from({ length: 200_000 }, (_, i) => (i % 2 ? [i] : i));
    expect(jsonDepth(wide)).toBe(2);
  });
});
