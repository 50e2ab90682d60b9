import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { analyse, touchStrings } from "../fixtures/schema";

const P = "PUBLISHED";
const r = (model: string, stage = P, locale = "en") => `read ${model} ${stage} ${locale}`;

describe("analyseOperation: routes into a model", () => {
  // Each route must surface every model the origin can return through it.
  it.each([
    ["root list", "{ posts { title } }", [r("Post")]],
    ["unique lookup", '{ post(where: { id: "1" }) { title } }', [r("Post")]],
    ["connection edges.node", "{ postsConnection { edges { node { title } } } }", [r("Post")]],
    ["connection aggregate only", "{ postsConnection { aggregate { count } } }", [r("Post")]],
    ["__typename only", "{ posts { __typename } }", [r("Post")]],
    ["single relation", "{ posts { author { name } } }", [r("Author"), r("Post")]],
    ["list relation", "{ authors { posts { title } } }", [r("Author"), r("Post")]],
    ["deep relations", "{ posts { author { posts { author { name } } } } }", [r("Author"), r("Post")]],
    ["alias", "{ a: pages { b: title } }", [r("Page")]],
    ["named fragment", "{ authors { ...A } } fragment A on Author { posts { title } }", [r("Author"), r("Post")]],
    [
      "nested fragments",
      "{ posts { ...P } } fragment P on Post { author { ...A } } fragment A on Author { name }",
      [r("Author"), r("Post")],
    ],
    [
      "fragment cycle",
      "{ posts { ...P } } fragment P on Post { author { ...A } } fragment A on Author { posts { ...P } }",
      [r("Author"), r("Post")],
    ],
    ["self-referencing fragment", "{ posts { ...P } } fragment P on Post { ...P title }", [r("Post")]],
    ["inline fragment on interface", '{ node(id: "1") { ... on Node { id } } }', [r("Author"), r("Page"), r("Post")]],
    [
      "node narrowed to Post still reaches every Node model",
      '{ node(id: "1") { ... on Post { author { name } } } }',
      [r("Author"), r("Page"), r("Post")],
    ],
    ["nodes", '{ nodes(ids: ["1"]) { id } }', [r("Author"), r("Page"), r("Post")]],
    ["union", '{ search(term: "x") { ... on Post { title } } }', [r("Page"), r("Post")]],
    [
      "union with nested relation",
      '{ search(term: "x") { ... on Post { author { name } } ... on Page { title } } }',
      [r("Author"), r("Page"), r("Post")],
    ],
    ["inline fragment without type condition", "{ ... { pages { title } } }", [r("Page")]],
    ["fragment on Query", "{ ...Q } fragment Q on Query { authors { name } }", [r("Author")]],
    ["two root fields", "{ posts { id } pages { id } }", [r("Page"), r("Post")]],
    ["__typename and introspection touch nothing", "{ __typename __schema { queryType { name } } }", []],
    ["documentInStages defaults to every stage", "{ posts { documentInStages { id } } }", [r("Post", "DRAFT", "en"), r("Post")]],
    ["localizations defaults to every locale", "{ posts { localizations { id } } }", [r("Post", P, "de"), r("Post")]],
    ["history → readVersion of the parent model", "{ posts { history { revision } } }", [r("Post"), "readVersion Post PUBLISHED en"]],
    [
      "history through an interface fragment",
      '{ node(id: "1") { ... on Post { history { id } } } }',
      [r("Author"), r("Page"), r("Post"), "readVersion Post PUBLISHED en"],
    ],
    [
      "history(stageOverride:) reads versions of that stage",
      "{ posts { history(stageOverride: DRAFT) { id } } }",
      [r("Post"), "readVersion Post DRAFT en"],
    ],
    [
      "<model>Version reads the whole document, every locale, in where.stage",
      '{ postVersion(where: { id: "p1", revision: 1, stage: DRAFT }) { data } }',
      ["readVersion Post DRAFT de", "readVersion Post DRAFT en"],
    ],
    [
      "a component belongs to its entry; its references are reads",
      "{ posts { seo { metaTitle reviewer { name } } } }",
      [r("Author"), r("Post")],
    ],
  ])("%#: %s", (_name, query, expected) => {
    expect(touchStrings(analyse(query))).toEqual(expected.sort());
  });

  it("takes a version read's stage from a variable", () => {
    const a = analyse("query V($w: VersionWhereInput!) { authorVersion(where: $w) { data } }", {
      w: { id: "a1", revision: 2, stage: "PUBLISHED" },
    });
    expect(touchStrings(a)).toEqual(["readVersion Author PUBLISHED de", "readVersion Author PUBLISHED en"]);
    expect(a.readModels).toEqual(["Author"]);
  });

  // Default deny: a field the analysis cannot classify is listed, and nothing under it is trusted.
  it.each([
    ["entities can return components", '{ entities(where: [{ id: "x", typename: Seo }]) { id } }', ["Query.entities"]],
    ["a root scalar", "{ serverTime }", ["Query.serverTime"]],
    [
      "beside classified fields",
      '{ posts { id } e: entities(where: [{ id: "x", typename: Post }]) { ... on Post { title } } }',
      ["Query.entities"],
    ],
  ])("%#: lists unclassified fields: %s", (_name, query, fields) => {
    expect(analyse(query).unclassified.map((u) => u.field)).toEqual(fields);
  });

  it("returns each touch once however many routes reach it", () => {
    const a = analyse("{ a: posts { id } b: posts { id } postsConnection { edges { node { id } } } }");
    expect(a.touches).toEqual([{ action: "read", model: "Post", stage: P, locale: "en" }]);
  });

  it("does not explode on fragment bombs", () => {
    const defs = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Post { ...F${i + 1} a${i}: author { ...A${i} } ...F${i + 1} }`);
    const query = `{ posts { ...F0 } } ${defs.join(" ")} fragment F30 on Post { id } ${Array.from({ length: 30 }, (_, i) => `fragment A${i} on Author { name }`).join(" ")}`;
    const started = Date.now();
    expect(touchStrings(analyse(query))).toEqual([r("Author"), r("Post")]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reports read models and coerced variables", () => {
    const a = analyse("query Q($s: Stage = DRAFT) { posts(stage: $s) { author { name } } }");
    expect(a.readModels).toEqual(["Author", "Post"]);
    expect(a.variableValues).toEqual({ s: "DRAFT" });
    expect(a.kind).toBe("query");
  });
});

describe("analyseOperation: stage and locales", () => {
  const D = "DRAFT";
  it.each([
    ["no argument: caller default", "{ posts { id } }", {}, { stage: P, locales: ["en"] }, [r("Post")]],
    ["no argument: header default DRAFT", "{ posts { id } }", {}, { stage: D, locales: ["en"] }, [r("Post", D)]],
    ["no argument: header locales", "{ posts { id } }", {}, { stage: P, locales: ["de", "en"] }, [r("Post", P, "de"), r("Post")]],
    ["stage literal", "{ posts(stage: DRAFT) { id } }", {}, undefined, [r("Post", D)]],
    ["locales literal", "{ posts(locales: [de]) { id } }", {}, undefined, [r("Post", P, "de")]],
    ["stage variable", "query($s: Stage!) { posts(stage: $s) { id } }", { s: D }, undefined, [r("Post", D)]],
    ["stage variable default", "query($s: Stage! = DRAFT) { posts(stage: $s) { id } }", {}, undefined, [r("Post", D)]],
    ["locales variable", "query($l: [Locale!]!) { posts(locales: $l) { id } }", { l: ["de"] }, undefined, [r("Post", P, "de")]],
    [
      "locales variable coerced from a single value",
      "query($l: [Locale!]!) { posts(locales: $l) { id } }",
      { l: "de" },
      undefined,
      [r("Post", P, "de")],
    ],
    [
      "locale inside a list literal",
      "query($l: Locale!) { posts(locales: [en, $l]) { id } }",
      { l: "de" },
      undefined,
      [r("Post", P, "de"), r("Post")],
    ],
    [
      "unset nullable variable: caller default and schema default",
      "query($s: Stage) { posts(stage: $s) { id } }",
      {},
      { stage: D, locales: ["en"] },
      [r("Post", D), r("Post")],
    ],
    ["stage applies to nested relations", "{ posts(stage: DRAFT) { author { name } } }", {}, undefined, [r("Author", D), r("Post", D)]],
    ["relation locales for its subtree", "{ posts { author(locales: [de]) { name } } }", {}, undefined, [r("Author", P, "de"), r("Post")]],
    [
      "documentInStages literal",
      "{ posts { documentInStages(stages: [DRAFT]) { author { name } } } }",
      {},
      undefined,
      [r("Author", D), r("Post", D), r("Post")],
    ],
    [
      "documentInStages variable",
      "query($s: [Stage!]!) { posts { documentInStages(stages: $s) { id } } }",
      { s: [D] },
      undefined,
      [r("Post", D), r("Post")],
    ],
    [
      "documentInStages includeCurrent",
      "{ posts(stage: DRAFT) { documentInStages(stages: [PUBLISHED], includeCurrent: true) { id } } }",
      {},
      undefined,
      [r("Post", D), r("Post")],
    ],
    [
      "documentInStages inheritLocale: false uses the root locales too",
      "{ posts(locales: [de]) { localizations(locales: [en]) { documentInStages(stages: [DRAFT]) { id } } } }",
      {},
      undefined,
      [r("Post", D, "de"), r("Post", D), r("Post", P, "de"), r("Post")],
    ],
    [
      "documentInStages without inheritLocale: the base locale too",
      "{ posts(locales: [de]) { documentInStages(stages: [DRAFT]) { id } } }",
      {},
      { stage: P, locales: ["en"], baseLocale: "en" },
      [r("Post", D, "de"), r("Post", D), r("Post", P, "de")],
    ],
    [
      "documentInStages with inheritLocale: true: the parent's locales only",
      "{ posts(locales: [de]) { documentInStages(stages: [DRAFT], inheritLocale: true) { id } } }",
      {},
      { stage: P, locales: ["en"], baseLocale: "en" },
      [r("Post", D, "de"), r("Post", P, "de")],
    ],
    [
      "localizations literal",
      "{ posts { localizations(locales: [de]) { author { name } } } }",
      {},
      undefined,
      [r("Author", P, "de"), r("Post", P, "de"), r("Post")],
    ],
    [
      "localizations variable",
      "query($l: [Locale!]!) { posts { localizations(locales: $l) { id } } }",
      { l: ["de"] },
      undefined,
      [r("Post", P, "de"), r("Post")],
    ],
    [
      "arguments inside fragments",
      "query($s: Stage!) { ...Q } fragment Q on Query { pages(stage: $s) { id } }",
      { s: D },
      undefined,
      [r("Page", D)],
    ],
    [
      "fragment reached in two contexts",
      "{ a: posts(stage: DRAFT) { ...P } b: posts { ...P } } fragment P on Post { author { name } }",
      {},
      undefined,
      [r("Author", D), r("Author"), r("Post", D), r("Post")],
    ],
    ["node with stage", '{ node(id: "1", stage: DRAFT) { id } }', {}, undefined, [r("Author", D), r("Page", D), r("Post", D)]],
  ])("%#: %s", (_name, query, variables, defaults, expected) => {
    expect(touchStrings(analyse(query, variables, defaults))).toEqual([...expected].sort());
  });

  it("returns the effective stage and locales for the origin headers", () => {
    const a = analyse("{ posts { id } }", {}, { stage: "DRAFT", locales: ["de", "en"] });
    expect({ stage: a.stage, locales: a.locales }).toEqual({ stage: "DRAFT", locales: ["de", "en"] });
  });
});

describe("analyseOperation: mutations", () => {
  const t = (action: string, model: string, stage: string, locale = "en") => `${action} ${model} ${stage} ${locale}`;
  const all = (action: string, model: string, stages = ["DRAFT", "PUBLISHED"], locales = ["en", "de"]) =>
    stages.flatMap((s) => locales.map((l) => t(action, model, s, l)));
  it.each([
    ["create", 'mutation { createPost(data: { title: "x" }) { id } }', [t("create", "Post", "DRAFT"), t("read", "Post", "DRAFT")]],
    [
      "create with localizations: every locale",
      "mutation { createPost(data: { localizations: { create: [{ locale: de }] } }) { id } }",
      [...all("create", "Post", ["DRAFT"]), ...all("read", "Post", ["DRAFT"])],
    ],
    [
      "update",
      'mutation { updatePost(where: { id: "1" }, data: { title: "x" }) { id } }',
      [t("update", "Post", "DRAFT"), t("read", "Post", "DRAFT")],
    ],
    [
      "upsert: create and update",
      'mutation { upsertPost(where: { id: "1" }, upsert: { create: {}, update: {} }) { id } }',
      [t("create", "Post", "DRAFT"), t("update", "Post", "DRAFT"), t("read", "Post", "DRAFT")],
    ],
    [
      "delete: every stage and locale, plus unpublish",
      'mutation { deletePost(where: { id: "1" }) { id } }',
      [...all("delete", "Post"), ...all("unpublish", "Post", ["PUBLISHED"]), ...all("read", "Post")],
    ],
    [
      "publish: default to",
      'mutation { publishPost(where: { id: "1" }) { id } }',
      [t("publish", "Post", "DRAFT"), t("publish", "Post", "PUBLISHED"), t("read", "Post", "DRAFT"), t("read", "Post", "PUBLISHED")],
    ],
    [
      "publish: locales argument",
      'mutation { publishPost(where: { id: "1" }, locales: [de]) { id } }',
      [
        t("publish", "Post", "DRAFT", "de"),
        t("publish", "Post", "PUBLISHED", "de"),
        t("read", "Post", "DRAFT", "de"),
        t("read", "Post", "PUBLISHED", "de"),
      ],
    ],
    [
      "unpublish: default from",
      'mutation { unpublishPost(where: { id: "1" }) { id } }',
      [...all("unpublish", "Post", ["PUBLISHED"]), ...all("read", "Post")],
    ],
    [
      "unpublish: from variable",
      'mutation($f: [Stage!]! = [DRAFT]) { unpublishPost(where: { id: "1" }, from: $f) { id } }',
      [...all("unpublish", "Post", ["DRAFT"]), ...all("read", "Post")],
    ],
    [
      "updateMany",
      "mutation { updateManyPostsConnection(data: {}) { edges { node { id } } } }",
      [t("update", "Post", "DRAFT"), t("read", "Post", "DRAFT")],
    ],
    [
      "deleteMany",
      "mutation { deleteManyPagesConnection { aggregate { count } } }",
      [...all("delete", "Page"), ...all("unpublish", "Page", ["PUBLISHED"]), ...all("read", "Page")],
    ],
    [
      "publishMany",
      "mutation { publishManyAuthorsConnection { aggregate { count } } }",
      [
        t("publish", "Author", "DRAFT"),
        t("publish", "Author", "PUBLISHED"),
        t("read", "Author", "DRAFT"),
        t("read", "Author", "PUBLISHED"),
      ],
    ],
    [
      "unpublishMany",
      "mutation { unpublishManyPostsConnection { aggregate { count } } }",
      [...all("unpublish", "Post", ["PUBLISHED"]), ...all("read", "Post")],
    ],
    [
      "returned selection reads related models",
      'mutation { updatePost(where: { id: "1" }, data: {}) { author { name } } }',
      [t("update", "Post", "DRAFT"), t("read", "Post", "DRAFT"), t("read", "Author", "DRAFT")],
    ],
  ])("%#: %s", (_name, query, expected) => {
    const a = analyse(query);
    expect(a.kind).toBe("mutation");
    expect(touchStrings(a)).toEqual([...new Set(expected)].sort());
  });

  it("treats an unknown mutation as every write on every model, stage and locale", () => {
    const touches = touchStrings(analyse("mutation { resetCache }"));
    for (const action of ["create", "update", "delete", "publish", "unpublish", "read"])
      for (const model of ["Author", "Page", "Post"]) expect(touches).toContain(t(action, model, "PUBLISHED", "de"));
    expect(touches).toHaveLength(6 * 3 * 2 * 2);
  });
});

describe("analyseOperation: errors", () => {
  it.each([
    ["unknown operation name", "query A { posts { id } }", {}, "B", "operationName"],
    ["several operations without a name", "query A { posts { id } } query B { pages { id } }", {}, undefined, "operationName"],
    ["no operation", "fragment F on Post { id }", {}, undefined, "operationName"],
    ["variable of the wrong type", "query($s: Stage!) { posts(stage: $s) { id } }", { s: "ARCHIVED" }, undefined, "variables"],
    ["missing required variable", "query($s: Stage!) { posts(stage: $s) { id } }", {}, undefined, "variables"],
    ["unknown field", "{ secrets { id } }", {}, undefined, "field"],
    ["unknown fragment", "{ posts { ...Nope } }", {}, undefined, "fragment"],
    ["unknown type condition", "{ posts { ... on Nope { id } } }", {}, undefined, "type"],
  ])("%#: %s → GRAPHQL_VALIDATION_FAILED", (_name, query, variables, operationName, reason) => {
    let error: unknown;
    try {
      analyse(parse(query), variables, undefined, operationName);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", status: 400, extensions: { reason } });
  });

  it("chooses the named operation", () => {
    expect(touchStrings(analyse("query A { posts { id } } query B { pages { id } }", {}, undefined, "B"))).toEqual([r("Page")]);
  });
});
