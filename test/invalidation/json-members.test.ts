import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { removeMembers } from "../../src/invalidation/json-members";

/**
 * Stripping the identity fields must leave exactly the text the origin would have sent without
 * them, in any formatting: every other byte stays where it was.
 */
describe("removeMembers", () => {
  it.each<[string, string, string[][], string]>([
    [
      "last member (compact)",
      '{"data":{"post":{"title":"a","_ce_id":"p1"}}}',
      [["data", "post", "_ce_id"]],
      '{"data":{"post":{"title":"a"}}}',
    ],
    ["first member", '{"data":{"post":{"_ce_id":"p1","title":"a"}}}', [["data", "post", "_ce_id"]], '{"data":{"post":{"title":"a"}}}'],
    ["a middle member", '{"a":1,"_x":2,"b":3}', [["_x"]], '{"a":1,"b":3}'],
    ["two adjacent members at the end", '{"a":1,"_t":"Post","_x":"p"}', [["_t"], ["_x"]], '{"a":1}'],
    ["two adjacent members at the start", '{"_t":"Post","_x":"p","a":1}', [["_t"], ["_x"]], '{"a":1}'],
    ["the only member", '{"data":{"post":{"_ce_id":"p1"}}}', [["data", "post", "_ce_id"]], '{"data":{"post":{}}}'],
    [
      "pretty-printed",
      '{\n  "data": {\n    "post": {\n      "title": "a",\n      "_ce_id": "p1"\n    }\n  }\n}',
      [["data", "post", "_ce_id"]],
      '{\n  "data": {\n    "post": {\n      "title": "a"\n    }\n  }\n}',
    ],
    ["pretty-printed, only member", '{\n  "p": {\n    "_x": 1\n  }\n}', [["p", "_x"]], '{\n  "p": {}\n}'],
    [
      "escaped strings and nested values are skipped intact",
      '{"a":"x\\"}{,","b":[{"_x":1}],"c":{"_x":2},"_x":3}',
      [["_x"], ["c", "_x"]],
      '{"a":"x\\"}{,","b":[{"_x":1}],"c":{}}',
    ],
    ["a path through null", '{"data":{"post":null}}', [["data", "post", "_ce_id"]], '{"data":{"post":null}}'],
    ["a path that does not exist", '{"data":{}}', [["data", "post", "_ce_id"]], '{"data":{}}'],
    [
      "a member of the same name in a JSON scalar below is kept",
      '{"data":{"post":{"json":{"_ce_id":"keep"},"_ce_id":"p"}}}',
      [["data", "post", "_ce_id"]],
      '{"data":{"post":{"json":{"_ce_id":"keep"}}}}',
    ],
    ["non-ASCII and escapes elsewhere", '{"t":"\\u00e9t\\u00e9 ☀","_x":"1"}', [["_x"]], '{"t":"\\u00e9t\\u00e9 ☀"}'],
  ])("%s", (_name, text, paths, expected) => {
    expect(removeMembers(text, paths)).toBe(expected);
  });

  // A JSON value as GraphQL answers are: objects of objects and scalars (the stripped paths never cross a list).
  const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/);
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const tree = fc.letrec((tie) => ({
    node: fc.dictionary(key, fc.oneof({ depthSize: "small" }, scalar, fc.array(scalar, { maxLength: 3 }), tie("node")), { maxKeys: 4 }),
  })).node;

  it("property: inserting identity members anywhere along object paths and removing them gives back the exact text, compact or indented", () => {
    fc.assert(
      fc.property(tree, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 2, "\t"), (value, picks, indent) => {
        // Choose object paths (objects only) and add a `_ce_id` member at a chosen position in each.
        const objects: Array<{ path: string[]; object: Record<string, unknown> }> = [];
        const walk = (o: Record<string, unknown>, path: string[]) => {
          objects.push({ path, object: o });
          for (const [k, v] of Object.entries(o))
            if (v && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>, [...path, k]);
        };
        walk(value as Record<string, unknown>, []);
        const original = JSON.stringify(value, null, indent);
        const augmented = structuredClone(value) as Record<string, unknown>;
        const paths: string[][] = [];
        for (const pick of picks) {
          const { path } = objects[pick % objects.length]!;
          let target = augmented;
          for (const k of path) target = target[k] as Record<string, unknown>;
          if ("_ce_id" in target) continue;
          const entries = Object.entries(target);
          const at = pick % (entries.length + 1);
          entries.splice(at, 0, ["_ce_id", `id-${pick}`]);
          for (const k of Object.keys(target)) delete target[k];
          for (const [k, v] of entries) target[k] = v;
          paths.push([...path, "_ce_id"]);
        }
        expect(removeMembers(JSON.stringify(augmented, null, indent), paths)).toBe(original);
      }),
      { numRuns: 300 },
    );
  });
});
