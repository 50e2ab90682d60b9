import { describe, expect, it } from "vitest";
import { parse, print, validate } from "graphql";
import { checkRuleConditions, enforceConditions } from "../../src/permissions/conditions";
import { decide } from "../../src/permissions/decide";
import { normalizeRules } from "../../src/projects/rules";
import { analyse, knowledge, schema } from "../fixtures/schema";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";

const postsOnly1 = [
  { action: "read", model: "Post", condition: { id: "p1" } },
  { action: "read", model: ["Author", "Page"] },
];

/** Analyse, decide and rewrite; returns the printed forwarded document. */
function rewrite(
  query: string,
  rawRules: unknown[] = postsOnly1,
  variables: Record<string, unknown> = {},
  defaults = { stage: "PUBLISHED", locales: ["en"] },
): string {
  const document = parse(query);
  const analysis = analyse(document, variables, defaults);
  const decision = decide(normalizeRules(rawRules, "rules"), analysis.touches);
  if (!decision.allowed) throw new Error(`refused: ${JSON.stringify(decision.failedActions)}`);
  const out = enforceConditions({ knowledge, schema, document, analysis, conditions: decision.conditions }).document;
  // The forwarded document must stay valid against the origin's schema.
  expect(validate(schema, out)).toEqual([]);
  return print(out);
}
const same = (query: string) => print(parse(query));
const PIN = "stage: PUBLISHED, locales: [en]";

describe("enforceConditions: rewriting", () => {
  it.each([
    ["root list without where", "{ posts { id } }", `{ posts(where: {id: "p1"}, ${PIN}) { id } }`],
    [
      "root list with a where literal",
      '{ posts(where: { slug: "a" }) { id } }',
      `{ posts(where: {AND: [{slug: "a"}, {id: "p1"}]}, ${PIN}) { id } }`,
    ],
    ["root list with where: null", "{ posts(where: null) { id } }", `{ posts(where: {id: "p1"}, ${PIN}) { id } }`],
    [
      "connection",
      "{ postsConnection(first: 2) { edges { node { id } } aggregate { count } } }",
      `{ postsConnection(where: {id: "p1"}, first: 2, ${PIN}) { edges { node { id } } aggregate { count } } }`,
    ],
    ["list relation", "{ authors { posts { id } } }", `{ authors(${PIN}) { posts(where: {id: "p1"}) { id } } }`],
    [
      "list relation with where",
      '{ authors { posts(where: { title_contains: "x" }) { id } } }',
      `{ authors(${PIN}) { posts(where: {AND: [{title_contains: "x"}, {id: "p1"}]}) { id } } }`,
    ],
    ["alias", "{ mine: posts { id } }", `{ mine: posts(where: {id: "p1"}, ${PIN}) { id } }`],
    [
      "named fragment",
      "{ ...Q } fragment Q on Query { posts { id } }",
      `{ ...Q } fragment Q on Query { posts(where: {id: "p1"}, ${PIN}) { id } }`,
    ],
    ["unconditioned models untouched except pinning", "{ pages { id } }", `{ pages(${PIN}) { id } }`],
    ["explicit stage and locales kept", "{ pages(stage: DRAFT, locales: [de]) { id } }", "{ pages(stage: DRAFT, locales: [de]) { id } }"],
  ])("%#: %s", (_name, query, expected) => {
    expect(rewrite(query, [...postsOnly1, { action: "read", model: "Page", stages: "*", locales: "*" }])).toBe(same(expected));
  });

  it("ANDs a where variable (declared non-null)", () => {
    expect(rewrite("query($w: PostWhereInput!) { posts(where: $w) { id } }", postsOnly1, { w: { slug: "a" } })).toBe(
      same(`query($w: PostWhereInput!) { posts(where: {AND: [$w, {id: "p1"}]}, ${PIN}) { id } }`),
    );
  });

  it("declares a nullable where variable non-null when it has a value", () => {
    expect(rewrite("query($w: PostWhereInput) { posts(where: $w) { id } }", postsOnly1, { w: { slug: "a" } })).toBe(
      same(`query($w: PostWhereInput!) { posts(where: {AND: [$w, {id: "p1"}]}, ${PIN}) { id } }`),
    );
  });

  it("drops an unset where variable and its now unused definition", () => {
    expect(rewrite("query($w: PostWhereInput) { posts(where: $w) { id } }")).toBe(same(`{ posts(where: {id: "p1"}, ${PIN}) { id } }`));
  });

  it("ORs the conditions of several granting rules", () => {
    const rules = [
      { action: "read", model: "Post", condition: { id: "p1" } },
      { action: "read", model: "Post", condition: { slug: "s" } },
    ];
    expect(rewrite("{ posts { id } }", rules)).toBe(same(`{ posts(where: {OR: [{id: "p1"}, {slug: "s"}]}, ${PIN}) { id } }`));
  });

  it("ANDs the conditions of every context a fragment's field is reached in", () => {
    const rules = [
      { action: "read", model: "Post", stages: "DRAFT", condition: { id: "d" } },
      { action: "read", model: "Post", stages: "PUBLISHED", condition: { id: "p" } },
      { action: "read", model: "Author" },
    ];
    expect(rewrite("{ a: authors(stage: DRAFT) { ...A } b: authors { ...A } } fragment A on Author { posts { id } }", rules)).toBe(
      same(
        `{ a: authors(stage: DRAFT, locales: [en]) { ...A } b: authors(${PIN}) { ...A } } fragment A on Author { posts(where: {AND: [{id: "d"}, {id: "p"}]}) { id } }`,
      ),
    );
  });

  it("encodes enum and list values of a condition with the where type", () => {
    const rules = [{ action: "read", model: "Post", condition: { id_in: ["a", "b"], author: { slug: "x" } } }];
    expect(rewrite("{ posts { id } }", rules)).toBe(same(`{ posts(where: {id_in: ["a", "b"], author: {slug: "x"}}, ${PIN}) { id } }`));
  });

  it("does not rewrite anything when no condition applies", () => {
    expect(rewrite('{ post(where: { id: "1" }) { author { name } } node(id: "1") { id } }', [{ action: "read", model: "*" }])).toBe(
      same(`{ post(where: { id: "1" }, ${PIN}) { author { name } } node(id: "1", ${PIN}) { id } }`),
    );
  });

  it("pins the caller's stage and locales on root fields", () => {
    expect(rewrite("{ pages { id } }", [{ action: "read", model: "*" }], {}, { stage: "DRAFT", locales: ["de", "en"] })).toBe(
      same("{ pages(stage: DRAFT, locales: [de, en]) { id } }"),
    );
  });
});

describe("enforceConditions: entries checked one by one where no where can hold the condition", () => {
  const authorConditioned = [
    { action: "read", model: "Author", condition: { slug: "a" } },
    { action: "read", model: ["Post", "Page"] },
  ];
  const id = (model: string) => `... on ${model} { _cev_id: id _cev_s: stage _cev_l: locale }`;
  it.each<[string, string, unknown[], string]>([
    ["unique lookup", '{ post(where: { id: "1" }) { title } }', postsOnly1, `{ post(where: {id: "1"}, ${PIN}) { title ${id("Post")} } }`],
    [
      "unique lookup by a variable",
      "query($id: ID) { post(where: { id: $id }) { title } }",
      postsOnly1,
      `query($id: ID) { post(where: {id: $id}, ${PIN}) { title ${id("Post")} } }`,
    ],
    ["single relation", "{ posts { author { name } } }", authorConditioned, `{ posts(${PIN}) { author { name ${id("Author")} } } }`],
    ["node", '{ node(id: "1") { id } }', postsOnly1, `{ node(id: "1", ${PIN}) { id ${id("Post")} _cev_t: __typename } }`],
    ["nodes", '{ nodes(ids: ["1"]) { id } }', postsOnly1, `{ nodes(ids: ["1"], ${PIN}) { id ${id("Post")} _cev_t: __typename } }`],
    [
      "union",
      '{ search(term: "x") { ... on Page { title } } }',
      postsOnly1,
      `{ search(term: "x", ${PIN}) { ... on Page { title } ${id("Post")} _cev_t: __typename } }`,
    ],
    [
      "documentInStages",
      "{ posts { documentInStages { id } } }",
      postsOnly1,
      `{ posts(where: {id: "p1"}, ${PIN}) { documentInStages { id ${id("Post")} } } }`,
    ],
    [
      "localizations",
      "{ posts { localizations { id } } }",
      postsOnly1,
      `{ posts(where: {id: "p1"}, ${PIN}) { localizations { id ${id("Post")} } } }`,
    ],
    [
      "inside a named fragment",
      "{ posts { ...P } } fragment P on Post { author { name } }",
      authorConditioned,
      `{ posts(${PIN}) { ...P } } fragment P on Post { author { name ${id("Author")} } }`,
    ],
  ])("%#: %s", (_name, query, rules, expected) => {
    expect(rewrite(query, [...rules, { action: "read", model: "Page", stages: "*", locales: "*" }])).toBe(same(expected));
  });

  it("chooses hidden aliases no response key of the document starts with", () => {
    const out = rewrite('{ _cev_id: post(where: { id: "1" }) { title } }');
    expect(out).toContain("_cev1_id: id");
    expect(out).not.toContain("_cev_s:");
  });
});

describe("enforceConditions: refusals", () => {
  it.each<[string, string, unknown[], string, string]>([
    [
      "mutation result",
      'mutation { updatePost(where: { id: "p1" }, data: {}) { id } }',
      [...postsOnly1, { action: "update", model: "Post" }],
      "mutation",
      "Mutation.updatePost",
    ],
    [
      "condition on a write action",
      'mutation { updatePost(where: { id: "p1" }, data: {}) { __typename } }',
      [
        { action: "read", model: "Post" },
        { action: "update", model: "Post", condition: { id: "p1" } },
      ],
      "write-action",
      "update Post",
    ],
    [
      "condition unknown to the where type",
      "{ posts { id } }",
      [{ action: "read", model: "Post", condition: { secret: true } }],
      "invalid-condition",
      "Query.posts",
    ],
    [
      "condition of the wrong type",
      "{ posts { id } }",
      [{ action: "read", model: "Post", condition: { id_in: { a: 1 } } }],
      "invalid-condition",
      "Query.posts",
    ],
  ])("%#: %s → FORBIDDEN", (_name, query, rules, kind, field) => {
    let error: unknown;
    try {
      rewrite(query, rules);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "FORBIDDEN", status: 403, extensions: { reason: "CONDITION_UNENFORCEABLE", kind, field } });
    expect((error as { extensions: { failedActions: unknown[] } }).extensions.failedActions.length).toBeGreaterThan(0);
  });

  it("names the conditioned touches in failedActions", () => {
    let error: unknown;
    try {
      rewrite('mutation { updatePost(where: { id: "p1" }, data: {}) { id } }', [...postsOnly1, { action: "update", model: "Post" }]);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ extensions: { failedActions: [{ action: "read", model: "Post", stage: "DRAFT", locale: "en" }] } });
  });
});

describe("checkRuleConditions", () => {
  it.each<[string, unknown[], string | null]>([
    ["valid condition", [{ action: "read", model: "Post", condition: { id_in: ["1"], author: { slug: "a" } } }], null],
    ["no condition", [{ action: "read", model: "*" }], null],
    [
      "valid for every model",
      [
        { action: "read", model: "*" },
        { action: "read", model: "*", condition: { id: "1" } },
      ],
      null,
    ],
    ["unknown field", [{ action: "read", model: "Post", condition: { secret: true } }], "rules[0].condition"],
    [
      "field of another model",
      [
        { action: "read", model: "*" },
        { action: "read", model: ["Author", "Post"], condition: { title: "x" } },
      ],
      "rules[1].condition",
    ],
    ["a single value for a list is coerced as GraphQL does", [{ action: "read", model: "Page", condition: { id_in: 5 } }], null],
    ["object for a scalar", [{ action: "read", model: "Page", condition: { id: { a: 1 } } }], "rules[0].condition"],
  ])("%#: %s", (_name, raw, field) => {
    const rules = normalizeRules(raw, "rules");
    if (field === null) expect(() => checkRuleConditions(rules, knowledge, "rules")).not.toThrow();
    else
      expect(() => checkRuleConditions(rules, knowledge, "rules")).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG", extensions: { field } }),
      );
  });
});

describe("checkRuleConditions validates against the model's own query list field (issue 19, finding 9)", () => {
  // Hygraph's `…ManyWhereInput` of the `updateMany…` mutations leaves out localized fields: a
  // condition on one was refused when that type happened to be found first.
  const houdini = REAL_SCHEMAS.find((s) => s.name.endsWith("with-houdini"))!;
  it.each<[string, Record<string, unknown>]>([
    ["Asset", { mimeType_contains: "png" }],
    ["Asset", { width_gt: 100 }],
    ["Asset", { fileName: "a.png" }],
    ["Asset", { handle: "abc" }],
    ["Product", { name: "Shirt" }],
    ["Product", { reviews_some: { name: "x" } }],
  ])("a condition on %s %j is valid", (model, condition) => {
    const rules = normalizeRules([{ action: "read", model, stages: "*", locales: "*", condition }], "rules");
    expect(() => checkRuleConditions(rules, houdini.knowledge, "rules", houdini.schema)).not.toThrow();
  });

  it("a field the model's filter lacks is still refused", () => {
    const rules = normalizeRules([{ action: "read", model: "Asset", condition: { secret_contains: "x" } }], "rules");
    expect(() => checkRuleConditions(rules, houdini.knowledge, "rules", houdini.schema)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", extensions: { field: "rules[0].condition" } }),
    );
  });
});
