import { describe, expect, it } from "vitest";
import { parse, type DocumentNode } from "graphql";
import { namesIn } from "../../src/invalidation/ast";

describe("namesIn", () => {
  it.each<[string, string[]]>([
    ["{ posts { id } }", ["id", "posts"]],
    ["{ a: posts(where: { id: $v }) { id } }", ["a", "id", "posts", "v", "where"]],
    ["query Q($v: ID) { ...F } fragment F on Query { x @skip(if: true) }", ["F", "ID", "Q", "Query", "if", "skip", "v", "x"]],
  ])("%s", (query, names) => {
    expect([...namesIn(parse(query))].sort()).toEqual(names);
  });

  it("walks a document nested 100,000 levels without recursion (issue 19)", () => {
    // Built directly: the parser refuses documents this deep; an operation the request does not
    // execute is not held to the depth limit, and 2,000 levels of it overflowed the recursive walk.
    let selectionSet: unknown = { kind: "SelectionSet", selections: [{ kind: "Field", name: { kind: "Name", value: "leaf" } }] };
    for (let i = 0; i < 100_000; i++) {
      selectionSet = { kind: "SelectionSet", selections: [{ kind: "Field", name: { kind: "Name", value: `f${i % 3}` }, selectionSet }] };
    }
    const document = {
      kind: "Document",
      definitions: [{ kind: "OperationDefinition", operation: "query", selectionSet }],
    } as unknown as DocumentNode;
    expect([...namesIn(document)].sort()).toEqual(["f0", "f1", "f2", "leaf"]);
  });

  it("walks a list of 200,000 values", () => {
    const document = parse(`{ posts(where: { id_in: [${Array.from({ length: 200_000 }, () => "1").join(",")}] }) { id } }`);
    expect(namesIn(document).has("id_in")).toBe(true);
  });
});
