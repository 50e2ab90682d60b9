import { parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { augmentDocument } from "../../src/invalidation/augment";
import { planCache, type CachePlan, type Position } from "../../src/invalidation/plan";
import { analyse, knowledge, schema } from "../fixtures/schema";

/**
 * What a query's answer depends on before the origin answers (the plan), and the identity fields
 * added to the forwarded document: tables of documents, in the fixture schema (Hygraph's shape).
 */
function plan(query: string, variables: Record<string, unknown> = {}, mode: "entry" | "model" = "entry"): CachePlan {
  const document = parse(query);
  return planCache({ knowledge, schema, document, analysis: analyse(document, variables), mode });
}

/** Positions as "key:kind[models]@stages{children}" for compact tables. */
function shape(positions: readonly Position[]): string[] {
  return positions.map((p) => {
    const children = p.children.length ? `{${shape(p.children).join(",")}}` : "";
    const id = p.knownId ? `#${p.knownId}` : "";
    return `${p.key}:${p.kind}${p.models.length ? `[${p.models.join("|")}]` : ""}${p.stages.length ? `@${p.stages.join("|")}` : ""}${id}${children}`;
  });
}

describe("planCache: entry positions and model-level dependencies", () => {
  it.each<[string, string, string[], string[]]>([
    ["a lookup by id", '{ post(where: { id: "p1" }) { title } }', ["post:lookup[Post]@PUBLISHED#p1"], []],
    ["a lookup by a unique field", '{ post(where: { slug: "a" }) { title } }', ["post:lookup[Post]@PUBLISHED"], []],
    ["a lookup in DRAFT", '{ post(where: { slug: "a" }, stage: DRAFT) { title } }', ["post:lookup[Post]@DRAFT"], []],
    [
      "a single reference",
      '{ post(where: { slug: "a" }) { title author { name } } }',
      ["post:lookup[Post]@PUBLISHED{author:relation[Author]@PUBLISHED}"],
      [],
    ],
    [
      "a reference inside a component",
      '{ post(where: { slug: "a" }) { seo { metaTitle reviewer { name } } } }',
      ["post:lookup[Post]@PUBLISHED{seo:object{reviewer:relation[Author]@PUBLISHED}}"],
      [],
    ],
    [
      "several lookups of several models",
      '{ a: post(where: { slug: "a" }) { title } b: author(where: { id: "x" }) { name } c: page(where: { slug: "c" }) { title } }',
      ["a:lookup[Post]@PUBLISHED", "b:lookup[Author]@PUBLISHED#x", "c:lookup[Page]@PUBLISHED"],
      [],
    ],
    ["node by id (abstract: typed)", '{ node(id: "n1") { id } }', ["node:lookup[Author|Page|Post]@PUBLISHED#n1"], []],
    ["a list", "{ posts { title } }", [], ["L|PUBLISHED|Post"]],
    ["a connection", "{ postsConnection { edges { node { title author { name } } } } }", [], ["L|PUBLISHED|Author", "L|PUBLISHED|Post"]],
    ["a reference below a list stays model-level", "{ posts { author { name } } }", [], ["L|PUBLISHED|Author", "L|PUBLISHED|Post"]],
    [
      "a list below a lookup is model-level, the lookup is not",
      '{ author(where: { slug: "a" }) { name posts { title } } }',
      ["author:lookup[Author]@PUBLISHED"],
      ["L|PUBLISHED|Post"],
    ],
    [
      "a relation filter reaches its model",
      '{ posts(where: { author: { name: "Ann" } }) { title } }',
      [],
      ["L|PUBLISHED|Author", "L|PUBLISHED|Post"],
    ],
    [
      "a relation filter through a variable",
      "query($w: PostWhereInput) { posts(where: $w) { title } }",
      [],
      ["L|PUBLISHED|Author", "L|PUBLISHED|Post"],
    ],
    ["a union list", '{ search(term: "x") { ... on Post { title } } }', [], ["L|PUBLISHED|Page", "L|PUBLISHED|Post"]],
    [
      "a reference inside a named fragment is model-level (the fragment's text is shared)",
      '{ post(where: { slug: "a" }) { ...P } } fragment P on Post { title author { name } }',
      ["post:lookup[Post]@PUBLISHED"],
      ["L|PUBLISHED|Author"],
    ],
    [
      "documentInStages is a list",
      '{ post(where: { slug: "a" }) { documentInStages { title } } }',
      ["post:lookup[Post]@PUBLISHED"],
      ["L|DRAFT|Post", "L|PUBLISHED|Post"],
    ],
    [
      "history reads versions: model-level",
      '{ post(where: { slug: "a" }) { history { id } } }',
      ["post:lookup[Post]@PUBLISHED"],
      ["L|PUBLISHED|Post"],
    ],
    ["no entries at all", "{ __typename }", [], []],
  ])("%s", (_name, query, positions, staticDeps) => {
    const p = plan(query, { w: { author: { name: "Ann" } } });
    expect(shape(p.positions)).toEqual(positions);
    expect(p.staticDeps).toEqual(staticDeps);
  });

  it("model mode: every model the answer may contain, no positions", () => {
    const p = plan('{ post(where: { slug: "a" }) { title author { name } } }', {}, "model");
    expect(p.positions).toEqual([]);
    expect(p.staticDeps).toEqual(["L|PUBLISHED|Author", "L|PUBLISHED|Post"]);
  });

  it("a lookup by a variable id still knows the id", () => {
    expect(shape(plan("query($id: ID!) { post(where: { id: $id }) { title } }", { id: "p7" }).positions)).toEqual([
      "post:lookup[Post]@PUBLISHED#p7",
    ]);
  });
});

describe("augmentDocument: identity fields on the forwarded document", () => {
  it.each<[string, string, string]>([
    ["a lookup", '{ post(where: { slug: "a" }) { title } }', '{ post(where: { slug: "a" }) { title _ce_id: id } }'],
    [
      "a reference",
      '{ post(where: { slug: "a" }) { author { name } } }',
      '{ post(where: { slug: "a" }) { author { name _ce_id: id } _ce_id: id } }',
    ],
    ["an abstract lookup gets __typename", '{ node(id: "n") { id } }', '{ node(id: "n") { id _ce_type: __typename _ce_id: id } }'],
    ["lists are left alone", "{ posts { title author { name } } }", "{ posts { title author { name } } }"],
    [
      "a component carries no identity; its reference does",
      '{ post(where: { slug: "a" }) { seo { reviewer { name } } } }',
      '{ post(where: { slug: "a" }) { seo { reviewer { name _ce_id: id } } _ce_id: id } }',
    ],
    [
      "an alias the client already uses is avoided",
      '{ post(where: { slug: "a" }) { _ce_id: title } }',
      '{ post(where: { slug: "a" }) { _ce_id: title _ce_id1: id } }',
    ],
    [
      "a single-entry mutation gets its id; a many-mutation does not",
      'mutation { updatePost(where: { slug: "a" }, data: { title: "x" }) { title } publishManyPostsConnection { aggregate { count } } }',
      'mutation { updatePost(where: { slug: "a" }, data: { title: "x" }) { title _ce_id: id } publishManyPostsConnection { aggregate { count } } }',
    ],
  ])("%s", (_name, query, expected) => {
    const document = parse(query);
    const p = planCache({ knowledge, schema, document, analysis: analyse(document), mode: "entry" });
    expect(print(augmentDocument(document, p, null))).toBe(print(parse(expected)));
  });

  it("model mode adds nothing", () => {
    const document = parse('{ post(where: { slug: "a" }) { title } }');
    const p = planCache({ knowledge, schema, document, analysis: analyse(document), mode: "model" });
    expect(augmentDocument(document, p, null)).toBe(document);
  });
});

describe("planCache: what mutations change", () => {
  it.each<[string, string, Array<Record<string, unknown>>]>([
    [
      "update by id",
      'mutation { updatePost(where: { id: "p1" }, data: { title: "x" }) { id } }',
      [{ key: "updatePost", model: "Post", action: "update", stages: ["DRAFT"], whereId: "p1", relationTargets: [] }],
    ],
    [
      "update by slug: the id comes from the answer",
      'mutation { updatePost(where: { slug: "a" }, data: { title: "x" }) { title } }',
      [{ key: "updatePost", model: "Post", stages: ["DRAFT"], identified: true }],
    ],
    [
      "publish writes DRAFT and the target",
      'mutation { publishPost(where: { id: "p1" }, to: [PUBLISHED]) { id } }',
      [{ action: "publish", stages: ["DRAFT", "PUBLISHED"] }],
    ],
    [
      "unpublish writes the source",
      'mutation { unpublishPost(where: { id: "p1" }) { id } }',
      [{ action: "unpublish", stages: ["PUBLISHED"] }],
    ],
    ["delete writes every stage", 'mutation { deletePost(where: { id: "p1" }) { id } }', [{ action: "delete", stages: "*" }]],
    ["a many-mutation", "mutation { deleteManyPostsConnection { aggregate { count } } }", [{ many: true, identified: false, stages: "*" }]],
  ])("%s", (_name, query, mutations) => {
    expect(plan(query).mutations).toMatchObject(mutations);
  });
});
