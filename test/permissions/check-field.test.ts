import { describe, expect, it } from "vitest";
import { introspectionFromSchema, Kind, print, stripIgnoredCharacters, type FieldNode, type ValueNode } from "graphql";
import { CHUNK, checkFieldOf, checkFields, type CheckField, type CheckGroup } from "../../src/permissions/check-field";
import { touchKey, type Touch } from "../../src/permissions/touches";
import { buildSchemaKnowledge } from "../../src/schema/knowledge";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { sdl } from "../fixtures/schema";
import { schemaVariant, type SchemaCuts } from "../fixtures/schema-variants";

/**
 * Which arguments a check request may use (issue 19, finding 3): only those the model's root list
 * field has, and when it lacks `stage` or `locales`, only checks the `gcms-*` headers make exact.
 */
const knowledgeOf = (cuts: SchemaCuts) => buildSchemaKnowledge(introspectionFromSchema(schemaVariant(sdl, cuts)));
const houdini = REAL_SCHEMAS.find((s) => s.name.endsWith("with-houdini"))!;
const genql = REAL_SCHEMAS.find((s) => s.name.endsWith("with-genql"))!;
const HYGRAPH_FIELD = (name: string): CheckField => ({
  name,
  ids: "id_in",
  stage: { name: "stage", list: false },
  locales: { name: "locales", list: true },
  first: true,
});

describe("checkFieldOf: the model's list field and the arguments it has", () => {
  it.each<[string, ReturnType<typeof knowledgeOf>, string, CheckField | undefined]>([
    ["the fixture (Hygraph's shape)", knowledgeOf({}), "Author", HYGRAPH_FIELD("authors")],
    ["real schema: hygraph-examples/with-houdini", houdini.knowledge, "Product", HYGRAPH_FIELD("products")],
    ["real schema: hygraph-examples/with-genql", genql.knowledge, "Review", HYGRAPH_FIELD("reviews")],
    [
      "without locales and first",
      knowledgeOf({ args: { "Query.authors": ["locales", "first"] } }),
      "Author",
      { ...HYGRAPH_FIELD("authors"), locales: null, first: false },
    ],
    ["without stage", knowledgeOf({ args: { "Query.authors": ["stage"] } }), "Author", { ...HYGRAPH_FIELD("authors"), stage: null }],
    [
      "where without id_in: OR of id",
      knowledgeOf({ inputFields: { AuthorWhereInput: ["id_in"] } }),
      "Author",
      { ...HYGRAPH_FIELD("authors"), ids: "OR" },
    ],
    ["where without id_in and OR: not checkable", knowledgeOf({ inputFields: { AuthorWhereInput: ["id_in", "OR"] } }), "Author", undefined],
    ["where without AND: not checkable", knowledgeOf({ inputFields: { AuthorWhereInput: ["AND"] } }), "Author", undefined],
    ["no list field with where: not checkable", knowledgeOf({ args: { "Query.authors": ["where"] } }), "Author", undefined],
  ])("%s", (_name, knowledge, model, expected) => {
    expect(checkFieldOf(knowledge, model)).toEqual(expected);
  });
});

describe("checkFields: the fields a group is asked with", () => {
  const touch: Touch = { action: "read", model: "Author", stage: "PUBLISHED", locale: "en" };
  const condition: ValueNode = { kind: Kind.OBJECT, fields: [] };
  const group = (ids: string[], at: Touch = touch): CheckGroup => ({ touch: at, ids, condition });
  const authorised = new Set([touchKey(touch), touchKey({ ...touch, locale: "de" })]);
  const printed = (fields: FieldNode[] | null) => fields?.map((f) => stripIgnoredCharacters(print(f)));
  const bare = { ...HYGRAPH_FIELD("authors"), stage: null, locales: null, first: false };

  it.each<[string, CheckField, CheckGroup, { stage: string; locales: string[] }, boolean, string[] | undefined]>([
    [
      "every argument: stage and locale of the entry, first bounds the page",
      HYGRAPH_FIELD("authors"),
      group(["a1", "a2"]),
      { stage: "DRAFT", locales: ["de"] },
      true,
      ['authors(where: { AND: [{ id_in: ["a1", "a2"] }, {}] }, stage: PUBLISHED, locales: [en], first: 2) { id }'],
    ],
    [
      "no locales, first or stage: the headers say them, the filter bounds the page",
      bare,
      group(["a1"]),
      { stage: "PUBLISHED", locales: ["en"] },
      true,
      ['authors(where: { AND: [{ id_in: ["a1"] }, {}] }) { id }'],
    ],
    [
      "OR of id where the where input has no id_in",
      { ...bare, ids: "OR" },
      group(["a1", "a2"]),
      { stage: "PUBLISHED", locales: ["en"] },
      true,
      ['authors(where: { AND: [{ OR: [{ id: "a1" }, { id: "a2" }] }, {}] }) { id }'],
    ],
    [
      "a single-valued stage argument and locale argument",
      { ...bare, stage: { name: "in", list: true }, locales: { name: "lang", list: false } },
      group(["a1"]),
      { stage: "DRAFT", locales: ["de"] },
      true,
      ['authors(where: { AND: [{ id_in: ["a1"] }, {}] }, in: [PUBLISHED], lang: en) { id }'],
    ],
    [
      "no stage argument, the header names another stage: not asked",
      bare,
      group(["a1"]),
      { stage: "DRAFT", locales: ["en"] },
      true,
      undefined,
    ],
    [
      "no locales argument, a localized model, the header names more locales: not asked",
      bare,
      group(["a1"]),
      { stage: "PUBLISHED", locales: ["en", "de"] },
      true,
      undefined,
    ],
    [
      "no locales argument, a model without locale: asked in the header's locales",
      bare,
      group(["a1"]),
      { stage: "PUBLISHED", locales: ["en", "de"] },
      false,
      ['authors(where: { AND: [{ id_in: ["a1"] }, {}] }) { id }'],
    ],
    [
      "no locales argument, a header locale whose read was not authorised: not asked",
      bare,
      group(["a1"]),
      { stage: "PUBLISHED", locales: ["en", "fr"] },
      false,
      undefined,
    ],
  ])("%s", (_name, field, g, header, localized, expected) => {
    expect(printed(checkFields(field, g, header, { localized, authorised }))).toEqual(expected?.map(stripIgnoredCharacters));
  });

  it.each([
    ["with first: 100, 100 and 50 ids, first bounding each", HYGRAPH_FIELD("authors"), [CHUNK.withFirst, CHUNK.withFirst, 50]],
    ["without first: 25 fields of 10 ids", bare, Array<number>(25).fill(CHUNK.withoutFirst)],
  ])("250 ids are asked a chunk at a time, %s, each id once", (_name, field, sizes) => {
    const ids = Array.from({ length: 250 }, (_, i) => `a${i}`);
    const fields = printed(checkFields(field, group(ids), { stage: "PUBLISHED", locales: ["en"] }, { localized: true, authorised }))!;
    const named = fields.map((f) => f.match(/"a\d+"/g)!.map((id) => JSON.parse(id) as string));
    expect(named.map((n) => n.length)).toEqual(sizes);
    expect(named.flat()).toEqual(ids);
    if (field.first) expect(fields.map((f) => /first:(\d+)/.exec(f)![1])).toEqual(sizes.map(String));
  });
});
