import { describe, expect, it } from "vitest";
import { buildSchema, parse } from "graphql";
import { applyEntryChecks, collectEntries, entryKeeper, type EntryRef } from "../../src/permissions/entry-checks";

/**
 * The answer walk of entry checks on a small schema with non-null positions: what is collected,
 * what is removed, how nulls propagate (GraphQL spec §6.4.4 "Handling Field Errors": a null in a
 * non-null position nulls the nearest nullable parent), and that hidden keys never remain.
 */
const schema = buildSchema(`
  enum Stage { DRAFT PUBLISHED }
  enum Locale { en de }
  interface Node { id: ID! stage: Stage! }
  type Post implements Node { id: ID! stage: Stage! locale: Locale! title: String author: Author! editor: Author }
  type Author implements Node { id: ID! stage: Stage! locale: Locale! name: String }
  type Query { post: Post posts: [Post!]! node(id: ID!): Node required: Post! }
`);
const identity = (model: string) => `... on ${model} { _cev_id: id _cev_s: stage _cev_l: locale }`;
const hidden = (id: string, model?: string) => ({ _cev_id: id, _cev_s: "PUBLISHED", _cev_l: "en", ...(model ? { _cev_t: model } : {}) });

function walk(query: string, data: unknown, failing: string[]) {
  const input = { schema, document: parse(query), operationName: null, prefix: "_cev_", data: structuredClone(data) };
  const collected = collectEntries(input).map((e) => e.id);
  const keep = (e: EntryRef) => !failing.includes(e.id ?? "");
  return { collected, data: applyEntryChecks(input, keep) };
}

describe("entry checks: the answer walk", () => {
  it("collects entries at checked positions only, and strips hidden keys keeping the client's order", () => {
    const query = `{ post { title author { name ${identity("Author")} } editor { name } } }`;
    const data = { post: { title: "T", author: { name: "A", ...hidden("a1") }, editor: { name: "E" } } };
    const out = walk(query, data, []);
    expect(out.collected).toEqual(["a1"]);
    expect(JSON.stringify(out.data)).toBe('{"post":{"title":"T","author":{"name":"A"},"editor":{"name":"E"}}}');
  });

  it.each<[string, string, unknown, string[], unknown]>([
    [
      "a failing nullable single entry becomes null",
      `{ post { editor { name ${identity("Author")} } } }`,
      { post: { editor: { name: "E", ...hidden("a1") } } },
      ["a1"],
      { post: { editor: null } },
    ],
    [
      "a failing non-null entry nulls its nearest nullable parent",
      `{ post { title author { name ${identity("Author")} } } }`,
      { post: { title: "T", author: { name: "A", ...hidden("a1") } } },
      ["a1"],
      { post: null },
    ],
    [
      "…up to data when every parent is non-null",
      `{ required { author { name ${identity("Author")} } } }`,
      { required: { author: { name: "A", ...hidden("a1") } } },
      ["a1"],
      null,
    ],
    [
      "a failing list element is left out",
      `{ posts { id ${identity("Post")} } }`,
      {
        posts: [
          { id: "p1", ...hidden("p1") },
          { id: "p2", ...hidden("p2") },
        ],
      },
      ["p1"],
      { posts: [{ id: "p2" }] },
    ],
    [
      "a list element whose non-null child fails nulls the non-null list, and so data",
      `{ posts { author { name ${identity("Author")} } } }`,
      { posts: [{ author: { name: "A", ...hidden("a1") } }] },
      ["a1"],
      null,
    ],
    [
      "an abstract position is typed by the hidden __typename",
      `{ node(id: "p1") { id ${identity("Post")} _cev_t: __typename } }`,
      { node: { id: "p1", ...hidden("p1", "Post") } },
      ["p1"],
      { node: null },
    ],
    [
      "an abstract object the walk cannot type is not let through",
      `{ node(id: "p1") { id ${identity("Post")} _cev_t: __typename } }`,
      { node: { id: "p1" } },
      [],
      { node: null },
    ],
  ])("%#: %s", (_name, query, data, failing, expected) => {
    expect(walk(query, data, failing).data).toEqual(expected);
  });
});

describe("entry checks: which entries stay", () => {
  const checks = {
    prefix: "_cev_",
    conditions: [{ touch: { action: "read" as const, model: "Post", stage: "PUBLISHED", locale: "en" }, where: { id: "p1" } }],
  };
  const read = (model: string, locale: string) => ({ action: "read" as const, model, stage: "PUBLISHED", locale });
  const authorised = [read("Post", "en"), read("Post", "de"), read("Author", "en")];
  const passed = new Set(["read\u0000Post\u0000PUBLISHED\u0000en\u0000p1"]);
  const keep = entryKeeper(checks, authorised, passed);

  it("an entry of a model without locales, conditioned in every authorised locale, must pass a check", () => {
    const onlyEn = entryKeeper(checks, [read("Post", "en")], passed);
    expect(onlyEn({ model: "Post", id: "p1", stage: "PUBLISHED", locale: undefined })).toBe(true);
    expect(onlyEn({ model: "Post", id: "p2", stage: "PUBLISHED", locale: undefined })).toBe(false);
  });

  it.each<[string, EntryRef, boolean]>([
    ["a conditioned entry the origin confirmed", { model: "Post", id: "p1", stage: "PUBLISHED", locale: "en" }, true],
    ["a conditioned entry it did not confirm", { model: "Post", id: "p2", stage: "PUBLISHED", locale: "en" }, false],
    ["an entry in an unconditioned locale", { model: "Post", id: "p2", stage: "PUBLISHED", locale: "de" }, true],
    ["an entry in a stage that was not authorised", { model: "Post", id: "p1", stage: "DRAFT", locale: "en" }, false],
    ["an unidentified entry of a conditioned model", { model: "Post", id: undefined, stage: undefined, locale: undefined }, false],
    [
      "an entry of a model without locales, unconditioned in one authorised locale",
      { model: "Post", id: "p2", stage: "PUBLISHED", locale: undefined },
      true,
    ],
    [
      "an entry of a model without locales in a stage that was not authorised",
      { model: "Post", id: "p1", stage: "DRAFT", locale: undefined },
      false,
    ],
    ["an unidentified entry of an unconditioned model", { model: "Author", id: undefined, stage: undefined, locale: undefined }, true],
  ])("%#: %s → %s", (_name, entry, expected) => {
    expect(keep(entry)).toBe(expected);
  });
});
