import { describe, expect, it } from "vitest";
import { demoProject, originRequests, postQuery } from "../support/gateway";

/**
 * Arguments are reads too (SPEC §3a, issue 19 finding 1), through /content with the demo origin.
 * A `where` that reaches another model through a relation filter compares that model's data, so
 * it needs a read of it in the effective stage and locales, and a conditioned model reached
 * through a filter is filtered by its condition there too. Before this, every relation filter
 * was forwarded unchanged: `posts(where: { author: { name_starts_with: "Ad" } })` answered three
 * posts and `"Zq"` none, spelling out Author names to a caller who may read only Post.
 */
const P1 = "clpost0000000000000000001"; // Hello Edge, by A1
const P2 = "clpost0000000000000000002"; // Caching GraphQL, by A1
const P5 = "clpost0000000000000000005"; // by A1
const A1 = "clauth0000000000000000001"; // Ada Lovelace
const A2 = "clauth0000000000000000002"; // Grace Hopper

const READ_POST = { action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*" };
const READ_AUTHOR = { action: "read", model: "Author", stages: ["PUBLISHED"], locales: "*" };

type Body = { data?: Record<string, unknown>; errors?: { extensions?: Record<string, unknown> }[] };

async function ask(rules: unknown[], body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const project = await demoProject({ publicPermissions: rules });
  const response = await postQuery(project.content, body, headers);
  return { status: response.status, body: (await response.json()) as Body, project };
}

describe("a filter through a relation is a read of the related model", () => {
  it.each<[string, Record<string, unknown>]>([
    ["single relation", { query: '{ posts(where: { author: { name_starts_with: "Ad" } }) { id } }' }],
    ["inside AND", { query: '{ posts(where: { AND: [{ slug_contains: "e" }, { author: { name_starts_with: "Ad" } }] }) { id } }' }],
    ["inside OR", { query: '{ posts(where: { OR: [{ id: "x" }, { author: { name_starts_with: "Ad" } }] }) { id } }' }],
    ["inside NOT", { query: '{ posts(where: { NOT: [{ author: { name_starts_with: "Ad" } }] }) { id } }' }],
    ["on a connection", { query: '{ postsConnection(where: { author: { name: "Ada Lovelace" } }) { aggregate { count } } }' }],
    ["on a single lookup", { query: `{ post(where: { id: "${P1}" }) { id } posts(where: { author: { id: "${A1}" } }) { id } }` }],
    ["nested three levels", { query: '{ posts(where: { author: { posts_some: { author: { name_starts_with: "Ad" } } } }) { id } }' }],
    [
      "as a variable",
      {
        query: "query($w: PostWhereInput) { posts(where: $w) { id } }",
        variables: { w: { author: { name_starts_with: "Ad" } } },
      },
    ],
    [
      "a variable inside a literal",
      { query: "query($p: String) { posts(where: { author: { name_starts_with: $p } }) { id } }", variables: { p: "Ad" } },
    ],
    ["in a nested list field", { query: '{ pages { id } posts { id } p2: posts(where: { author: { bio_contains: "caching" } }) { id } }' }],
  ])("%s: 403 naming read Author, and the origin is not asked", async (_name, body) => {
    const { status, body: answer, project } = await ask([READ_POST, { ...READ_POST, model: "Page" }], body);
    expect(status).toBe(403);
    expect(answer.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");
    expect(answer.errors?.[0]?.extensions?.["failedActions"]).toContainEqual({
      action: "read",
      model: "Author",
      stage: "PUBLISHED",
      locale: "en",
    });
    expect(answer.data).toBeUndefined();
    expect(await originRequests(project.tag)).toEqual([]);
  });

  it.each<[string, string]>([
    ["_some", '{ authors(where: { posts_some: { title_starts_with: "Cach" } }) { id } }'],
    ["_every", '{ authors(where: { posts_every: { title_starts_with: "Cach" } }) { id } }'],
    ["_none", '{ authors(where: { posts_none: { title_starts_with: "Cach" } }) { id } }'],
  ])("the list relation filter %s is a read of Post", async (_name, query) => {
    const { status, body } = await ask([READ_AUTHOR], { query });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.["failedActions"]).toContainEqual({
      action: "read",
      model: "Post",
      stage: "PUBLISHED",
      locale: "en",
    });
  });

  it("the answer does not depend on Author data: two prefixes are refused alike, and with read Author they answer", async () => {
    const oracle = (prefix: string) => ({ query: `{ posts(where: { author: { name_starts_with: "${prefix}" } }) { id } }` });
    const ad = await ask([READ_POST], oracle("Ad"));
    const zq = await ask([READ_POST], oracle("Zq"));
    expect([ad.status, zq.status]).toEqual([403, 403]);
    expect(ad.body).toEqual(zq.body);
    const allowed = await ask([READ_POST, READ_AUTHOR], oracle("Ad"));
    expect(allowed.status).toBe(200);
    expect((allowed.body.data?.["posts"] as { id: string }[]).map((p) => p.id).sort()).toEqual([P1, P2, P5]);
  });

  it("a model readable only in another stage is refused in the effective stage", async () => {
    const { status, body } = await ask([READ_POST, { ...READ_AUTHOR, stages: ["DRAFT"] }], {
      query: '{ posts(where: { author: { name_starts_with: "Ad" } }) { id } }',
    });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.["failedActions"]).toEqual([
      { action: "read", model: "Author", stage: "PUBLISHED", locale: "en" },
    ]);
  });

  it("a model readable only in another locale is refused in the effective locales", async () => {
    const { status, body } = await ask(
      [READ_POST, { ...READ_AUTHOR, locales: ["de"] }],
      { query: '{ posts(where: { author: { bio_contains: "caching" } }) { id } }' },
      { "gcms-locales": "en" },
    );
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.["failedActions"]).toEqual([
      { action: "read", model: "Author", stage: "PUBLISHED", locale: "en" },
    ]);
  });
});

describe("a conditioned model reached through a filter is filtered by its condition there too", () => {
  const POST_P1 = [{ ...READ_POST, condition: { id: P1 } }, READ_AUTHOR];
  const AUTHOR_A1 = [READ_POST, { ...READ_AUTHOR, condition: { id: A1 } }];

  it("the issue's example: a post title outside the condition is not confirmed", async () => {
    const outside = await ask(POST_P1, { query: '{ authors(where: { posts_some: { title: "Caching GraphQL" } }) { name } }' });
    const invented = await ask(POST_P1, { query: '{ authors(where: { posts_some: { title: "No Such Title" } }) { name } }' });
    expect(outside.status).toBe(200);
    expect(outside.body).toEqual({ data: { authors: [] } });
    expect(outside.body).toEqual(invented.body);
    // A post inside the condition still matches.
    const inside = await ask(POST_P1, { query: '{ authors(where: { posts_some: { title: "Hello Edge" } }) { name } }' });
    expect(inside.body).toEqual({ data: { authors: [{ name: "Ada Lovelace" }] } });
  });

  it("the condition is AND-ed into the nested filter the origin receives, and a variable used there is inlined", async () => {
    const { status, project } = await ask(POST_P1, {
      query: "query($t: String) { authors(where: { posts_some: { title: $t } }) { name } }",
      variables: { t: "Hello Edge" },
    });
    expect(status).toBe(200);
    const [sent] = await originRequests(project.tag);
    const { query } = JSON.parse(sent!.body) as { query: string };
    expect(query.replace(/\s+/g, " ")).toContain(`posts_some: {AND: [{title: "Hello Edge"}, {id: "${P1}"}]}`);
    expect(query).not.toContain("$t");
  });

  it.each<[string, string, string[]]>([
    ["outside the condition", "Gr", []],
    ["inside the condition", "Ad", [P1, P2, P5]],
  ])("a single relation filter on a conditioned author %s", async (_name, prefix, ids) => {
    const { status, body } = await ask(AUTHOR_A1, { query: `{ posts(where: { author: { name_starts_with: "${prefix}" } }) { id } }` });
    expect(status).toBe(200);
    expect((body.data?.["posts"] as { id: string }[]).map((p) => p.id).sort()).toEqual(ids);
  });

  it("_none counts only entries inside the condition", async () => {
    // Grace (A2) wrote no post inside the condition, so no post of hers can match.
    const { status, body } = await ask(POST_P1, { query: '{ authors(where: { posts_none: { title_starts_with: "Stale" } }) { id } }' });
    expect(status).toBe(200);
    expect((body.data?.["authors"] as { id: string }[]).map((a) => a.id).sort()).toEqual([A1, A2]);
  });

  it.each<[string, string, string]>([
    ["_every", '{ authors(where: { posts_every: { title_starts_with: "Hello" } }) { id } }', "every-filter"],
    ["a null relation filter", "{ posts(where: { author: null }) { id } }", "null-filter"],
  ])("%s on a conditioned model is refused as unenforceable", async (_name, query, kind) => {
    const rules = kind === "every-filter" ? POST_P1 : AUTHOR_A1;
    const { status, body, project } = await ask(rules, { query });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "CONDITION_UNENFORCEABLE", kind });
    expect(await originRequests(project.tag)).toEqual([]);
  });
});
