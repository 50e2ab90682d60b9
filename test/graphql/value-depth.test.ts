import { describe, expect, it } from "vitest";
import { parse, parseType, parseValue } from "graphql";
import { LimitExceededError } from "../../src/errors";
import { assertValueDepth, documentValueDepth, typeNodeDepth, valueNodeDepth } from "../../src/graphql/value-depth";

describe("valueNodeDepth", () => {
  it.each<[string, number]>([
    ["1", 0],
    ["$v", 0],
    ['"[[["', 0],
    ["[]", 1],
    ["{ a: 1 }", 1],
    ["{ AND: [{ id: 1 }] }", 3],
    ["[1, [2, [3]], 4]", 3],
    ["{ a: [], b: { c: { d: [[1]] } } }", 5],
  ])("%s → %i", (value, depth) => {
    expect(valueNodeDepth(parseValue(value))).toBe(depth);
  });

  it("measures 100,000 levels without recursion", () => {
    // Built directly: graphql-js's own parser cannot go that deep.
    let node: ReturnType<typeof parseValue> = parseValue("1");
    for (let i = 0; i < 100_000; i++) node = { kind: "ListValue", values: [node] } as unknown as ReturnType<typeof parseValue>;
    expect(valueNodeDepth(node)).toBe(100_000);
  });
});

describe("typeNodeDepth", () => {
  it.each<[string, number]>([
    ["ID", 0],
    ["ID!", 0],
    ["[ID!]!", 1],
    ["[[ID]!]", 2],
  ])("%s", (type, depth) => {
    expect(typeNodeDepth(parseType(type))).toBe(depth);
  });

  it("counts 1,000 levels", () => {
    expect(typeNodeDepth(parseType(`${"[".repeat(1_000)}ID!${"]!".repeat(1_000)}`))).toBe(1_000);
  });
});

describe("documentValueDepth", () => {
  it.each<[string, string, number]>([
    ["no values", "{ posts { id } }", 0],
    ["a field argument", "{ posts(where: { id_in: [1] }) { id } }", 2],
    ["a nested field's argument", "{ posts { author(where: { a: { b: [1] } }) { id } } }", 3],
    ["a variable default", "query($v: [ID] = [[1]]) { posts { id } }", 2],
    ["a variable's type", "query($v: [[[ID!]]]!) { posts { id } }", 3],
    ["a directive on a field", "{ posts @d(x: [[[1]]]) { id } }", 3],
    ["a directive on the operation", "query @d(x: [[1]]) { posts { id } }", 2],
    ["an inline fragment's field", "{ ... on Query { posts(x: [[1]]) { id } } }", 2],
    ["a fragment definition", "fragment F on Query { posts(x: [[[[1]]]]) { id } } { ...F }", 4],
    ["an operation not executed", "query A { id } query B { posts(x: [[[1]]]) { id } }", 3],
    ["the deepest of several", "{ a(x: [1]) b(y: [[[1]]]) c(z: [[1]]) }", 3],
  ])("%s", (_name, query, depth) => {
    expect(documentValueDepth(parse(query))).toBe(depth);
  });
});

describe("assertValueDepth", () => {
  it("passes a document at the limit and names the limit past it", () => {
    expect(() => assertValueDepth(parse("{ posts(x: [[1]]) { id } }"), 2)).not.toThrow();
    try {
      assertValueDepth(parse("{ posts(x: [[[1]]]) { id } }"), 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect((error as LimitExceededError).extensions).toEqual({ limit: "jsonDepth", max: 2, found: 3 });
    }
  });
});
