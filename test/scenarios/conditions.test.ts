import { describe, expect, it } from "vitest";
import { demoProject, originRequests, postQuery } from "../support/gateway";

/**
 * Rule conditions through /content with the demo origin (issue 9): every field kind that returns
 * entries of a conditioned model gives exactly what the origin gives an unconditioned caller when
 * the entry satisfies the condition, and `null` (single positions) or nothing (lists) when it does
 * not — never an error, never an entry outside the condition.
 */
const P1 = "clpost0000000000000000001"; // by author A1
const P2 = "clpost0000000000000000002"; // by author A1, has an unpublished DRAFT edit
const P3 = "clpost0000000000000000003"; // by author A2
const A1 = "clauth0000000000000000001";

const READ_ALL = { action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" };
const POST_P1 = [
  { action: "read", model: "Post", stages: ["PUBLISHED"], condition: { id: P1 } },
  { action: "read", model: ["Author", "Page"], stages: ["PUBLISHED"] },
];
const AUTHOR_A1 = [
  { action: "read", model: "Author", stages: ["PUBLISHED"], condition: { id: A1 } },
  { action: "read", model: ["Post", "Page"], stages: ["PUBLISHED"] },
];

type Answer = { data: Record<string, unknown>; errors?: unknown[] };

/** The same request answered for a conditioned public principal and for one that may read everything. */
async function both(rules: unknown[], body: Record<string, unknown>) {
  const conditioned = await demoProject({ publicPermissions: rules });
  const unconditioned = await demoProject({ publicPermissions: [READ_ALL] });
  const a = await postQuery(conditioned.content, body);
  const b = await postQuery(unconditioned.content, body);
  expect(a.status).toBe(200);
  expect(b.status).toBe(200);
  return { conditioned: await a.text(), unconditioned: await b.text(), project: conditioned };
}

describe("conditions, field kind by field kind, with and without a satisfying entry", () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    ["unique lookup (the seed's example)", POST_P1, { query: `{ post(where: { id: "${P1}" }) { id title } }` }],
    ["unique lookup by a variable", POST_P1, { query: "query($id: ID) { post(where: { id: $id }) { id title } }", variables: { id: P1 } }],
    ["unique lookup by another unique field", POST_P1, { query: '{ post(where: { slug: "hello-edge" }) { id slug } }' }],
    ["single relation", AUTHOR_A1, { query: `{ post(where: { id: "${P1}" }) { title author { name } } }` }],
    ["node", POST_P1, { query: `{ node(id: "${P1}") { id ... on Post { title } } }` }],
    [
      "aliases and a fragment",
      POST_P1,
      { query: `{ a: post(where: { id: "${P1}" }) { ...F } } fragment F on Post { __typename t: title }` },
    ],
    ["list relation", POST_P1, { query: `{ author(where: { id: "${A1}" }) { name posts(where: { id: "${P1}" }) { id } } }` }],
  ])("%s: a satisfying entry is answered exactly as without the condition", async (_name, rules, body) => {
    const { conditioned, unconditioned } = await both(rules, body);
    expect(conditioned).toBe(unconditioned);
    expect(conditioned).not.toContain("null");
  });

  it.each<[string, unknown[], Record<string, unknown>, unknown]>([
    ["unique lookup", POST_P1, { query: `{ post(where: { id: "${P2}" }) { id title } }` }, { post: null }],
    [
      "unique lookup by a variable",
      POST_P1,
      { query: "query($id: ID) { post(where: { id: $id }) { id } }", variables: { id: P2 } },
      { post: null },
    ],
    [
      "single relation",
      AUTHOR_A1,
      { query: `{ post(where: { id: "${P3}" }) { id author { name } } }` },
      { post: { id: P3, author: null } },
    ],
    ["node", POST_P1, { query: `{ node(id: "${P2}") { id } }` }, { node: null }],
    ["nodes", POST_P1, { query: `{ nodes(ids: ["${P2}", "${P1}"]) { id } }` }, { nodes: [{ id: P1 }] }],
    [
      "aliases",
      POST_P1,
      { query: `{ a: post(where: { id: "${P1}" }) { id } b: post(where: { id: "${P2}" }) { id } }` },
      { a: { id: P1 }, b: null },
    ],
    ["list relation", POST_P1, { query: `{ author(where: { id: "${A1}" }) { posts { id } } }` }, { author: { posts: [{ id: P1 }] } }],
  ])("%s: an entry outside the condition is null or left out, with no error", async (_name, rules, body, data) => {
    const { content } = await demoProject({ publicPermissions: rules });
    const response = await postQuery(content, body);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expect(answer).toEqual({ data });
  });

  it("documentInStages and localizations: only the stages and locales whose entry satisfies the condition", async () => {
    const rules = [
      { action: "read", model: "Post", stages: ["PUBLISHED"], locales: ["en"] },
      { action: "read", model: "Post", stages: ["DRAFT"], condition: { id: P1 } },
      { action: "read", model: "Post", stages: ["PUBLISHED"], locales: ["de"], condition: { id: P2 } },
    ];
    const { content } = await demoProject({ publicPermissions: rules });
    const query = `{ posts(where: { id_in: ["${P1}", "${P2}"] }, orderBy: id_ASC, locales: [en]) { id documentInStages(stages: [DRAFT]) { id stage } localizations(locales: [de]) { id locale } } }`;
    const answer = (await (await postQuery(content, { query })).json()) as Answer;
    expect(answer).toEqual({
      data: {
        posts: [
          { id: P1, documentInStages: [{ id: P1, stage: "DRAFT" }], localizations: [] },
          { id: P2, documentInStages: [], localizations: [{ id: P2, locale: "de" }] },
        ],
      },
    });
  });
});

describe("several rules", () => {
  it("ORs conditioned rules of the same model, action and stage", async () => {
    const rules = [
      { action: "read", model: "Post", condition: { id: P1 } },
      { action: "read", model: "Post", condition: { id: P3 } },
    ];
    const { content } = await demoProject({ publicPermissions: rules });
    const query = `{ a: post(where: { id: "${P1}" }) { id } b: post(where: { id: "${P2}" }) { id } c: post(where: { id: "${P3}" }) { id } posts(orderBy: id_ASC) { id } }`;
    expect(await (await postQuery(content, { query })).json()).toEqual({
      data: { a: { id: P1 }, b: null, c: { id: P3 }, posts: [{ id: P1 }, { id: P3 }] },
    });
  });

  it("a rule without a condition makes the model unconditioned", async () => {
    const rules = [
      { action: "read", model: "Post", condition: { id: P1 } },
      { action: "read", model: "Post", stages: ["PUBLISHED"] },
    ];
    const { content } = await demoProject({ publicPermissions: rules });
    const answer = (await (await postQuery(content, { query: `{ post(where: { id: "${P2}" }) { id } }` })).json()) as Answer;
    expect(answer).toEqual({ data: { post: { id: P2 } } });
  });
});

describe("checks cost the origin only on a miss", () => {
  it("asks the origin twice on a miss (the query, then the check) and not at all on a hit", async () => {
    const { tag, content } = await demoProject({ publicPermissions: POST_P1 });
    const body = { query: `{ post(where: { id: "${P2}" }) { id } }` };
    const miss = await postQuery(content, body);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    const requests = await originRequests(tag);
    expect(requests).toHaveLength(2);
    expect(JSON.parse(requests[1]!.body).query).toContain("id_in");
    const hit = await postQuery(content, body);
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(await hit.json()).toEqual({ data: { post: null } });
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("never asks for a check when no conditioned entry came back", async () => {
    const { tag, content } = await demoProject({ publicPermissions: POST_P1 });
    await postQuery(content, { query: '{ post(where: { id: "nope" }) { id } }' });
    expect(await originRequests(tag)).toHaveLength(1);
  });
});
