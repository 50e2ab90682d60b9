import { describe, expect, it } from "vitest";
import { buildSchema, introspectionFromSchema, isInputObjectType, parse, print, stripIgnoredCharacters } from "graphql";
import { rootListField } from "../../src/schema/knowledge";
import { conditionAst } from "../../src/permissions/conditions";
import {
  applyEntryChecks,
  checkableModel,
  checkQuery,
  collectEntries,
  entryKeeper,
  type EntryRef,
} from "../../src/permissions/entry-checks";
import type { Touch } from "../../src/permissions/touches";
import { buildSchemaKnowledge, schemaFromKnowledge, type SchemaKnowledge } from "../../src/schema/knowledge";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { sdl } from "../fixtures/schema";
import { schemaVariant, type SchemaCuts } from "../fixtures/schema-variants";

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

describe("entry checks: the check request uses only the arguments the list field has (issue 19)", () => {
  const variant = (cuts: SchemaCuts) => buildSchemaKnowledge(introspectionFromSchema(schemaVariant(sdl, cuts)));
  const houdini = REAL_SCHEMAS.find((s) => s.name.endsWith("with-houdini"))!.knowledge;
  /** The condition as conditions.ts writes it, against the model's list where type (what the pipeline does). */
  const literal = (knowledge: SchemaKnowledge) => (condition: Record<string, unknown>, model: string) => {
    const where = knowledge.types[knowledge.queryType]![rootListField(knowledge, model)!]!.where!;
    const type = schemaFromKnowledge(knowledge).getType(where);
    if (!isInputObjectType(type)) throw new Error(`${where} is not an input type`);
    return conditionAst(condition, type, model, []);
  };
  const read = (model: string): Touch => ({ action: "read", model, stage: "PUBLISHED", locale: "en" });
  const entry = (model: string, id: string): EntryRef => ({ model, id, stage: "PUBLISHED", locale: "en" });

  it.each<[string, SchemaKnowledge, string, string]>([
    [
      "Hygraph's list field (the fixture)",
      variant({}),
      "Author",
      '{ g0: authors(where: { AND: [{ id_in: ["a1", "a2"] }, { id: "a1" }] }, stage: PUBLISHED, locales: [en], first: 2) { id } }',
    ],
    [
      "a real schema (hygraph-examples/with-houdini)",
      houdini,
      "Product",
      '{ g0: products(where: { AND: [{ id_in: ["a1", "a2"] }, { id: "a1" }] }, stage: PUBLISHED, locales: [en], first: 2) { id } }',
    ],
    [
      "no locales: the gcms-locales header carries them",
      variant({ args: { "Query.authors": ["locales"] } }),
      "Author",
      '{ g0: authors(where: { AND: [{ id_in: ["a1", "a2"] }, { id: "a1" }] }, stage: PUBLISHED, first: 2) { id } }',
    ],
    [
      "no first: the id filter bounds the answer",
      variant({ args: { "Query.authors": ["first"] } }),
      "Author",
      '{ g0: authors(where: { AND: [{ id_in: ["a1", "a2"] }, { id: "a1" }] }, stage: PUBLISHED, locales: [en]) { id } }',
    ],
    [
      "neither locales nor first (the issue's schema)",
      variant({ args: { "Query.authors": ["locales", "first"] } }),
      "Author",
      '{ g0: authors(where: { AND: [{ id_in: ["a1", "a2"] }, { id: "a1" }] }, stage: PUBLISHED) { id } }',
    ],
    [
      "no id_in: OR of id",
      variant({ inputFields: { AuthorWhereInput: ["id_in"] } }),
      "Author",
      '{ g0: authors(where: { AND: [{ OR: [{ id: "a1" }, { id: "a2" }] }, { id: "a1" }] }, stage: PUBLISHED, locales: [en], first: 2) { id } }',
    ],
  ])("%s", (_name, knowledge, model, expected) => {
    const checks = { prefix: "_cev_", conditions: [{ touch: read(model), where: { id: "a1" } }] };
    const entries = [entry(model, "a1"), entry(model, "a2")];
    const query = checkQuery(knowledge, checks, entries, [read(model)], literal(knowledge), { stage: "PUBLISHED", locales: ["en"] });
    expect(stripIgnoredCharacters(print(query!.document))).toBe(stripIgnoredCharacters(expected));
    expect(checkableModel(knowledge, model)).toBe(true);
    expect(query!.passed({ g0: [{ id: "a1" }] })).toEqual(new Set([`read\u0000${model}\u0000PUBLISHED\u0000en\u0000a1`]));
  });

  it("a where input without id_in or OR cannot name the entries: the model is not checkable (a 403 where a check is needed)", () => {
    expect(checkableModel(variant({ inputFields: { AuthorWhereInput: ["id_in", "OR"] } }), "Author")).toBe(false);
  });

  it("entries the list field cannot check in their own stage are not asked about, and so do not stay", () => {
    const knowledge = variant({ args: { "Query.authors": ["stage"] } });
    const draft: Touch = { ...read("Author"), stage: "DRAFT" };
    const checks = { prefix: "_cev_", conditions: [{ touch: draft, where: { id: "a1" } }] };
    const entries: EntryRef[] = [{ ...entry("Author", "a1"), stage: "DRAFT" }];
    expect(checkQuery(knowledge, checks, entries, [draft], literal(knowledge), { stage: "PUBLISHED", locales: ["en"] })).toBeNull();
    expect(entryKeeper(checks, [draft])(entries[0]!)).toBe(false);
  });
});
