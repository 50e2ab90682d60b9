import { describe, expect, it } from "vitest";
import {
  configureProject,
  demoOrigin,
  demoProject,
  errorCode,
  originRequests,
  postQuery,
  PUBLIC_READ,
  uniqueTag,
} from "../support/gateway";
import { issueToken, revokeToken } from "../support/tokens";

type ErrorBody = { errors: { message: string; extensions: { code: string; failedActions?: unknown[]; reason?: string } }[] };

const DRAFT_READ = [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }];

describe("who may read what through /content", () => {
  it("answers 401 with WWW-Authenticate to a public request when the project allows no public access", async () => {
    const tag = uniqueTag();
    await configureProject(`p-${tag}`, "master", { origin: demoOrigin(tag) });
    const response = await postQuery(`/content/p-${tag}/master`, { query: "{ posts { title } }" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await errorCode(response)).toBe("UNAUTHENTICATED");
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it.each([
    ["a root stage argument", { query: "{ posts(stage: DRAFT) { title } }" }, {}],
    ["the gcms-stage header", { query: "{ posts { title } }" }, { "gcms-stage": "DRAFT" }],
    ["a variable", { query: "query($s: Stage!) { posts(stage: $s) { title } }", variables: { s: "DRAFT" } }, {}],
    ["a variable's default", { query: "query($s: Stage! = DRAFT) { posts(stage: $s) { title } }" }, {}],
    ["a nested documentInStages", { query: "{ posts { title documentInStages(stages: [DRAFT]) { title } } }" }, {}],
    ["a fragment on the Node interface", { query: '{ node(id: "x", stage: DRAFT) { ... on Post { title } } }' }, {}],
  ])("refuses a public read of DRAFT through %s with 403 and failedActions, before the origin", async (_name, body, headers) => {
    const { tag, content } = await demoProject();
    const response = await postQuery(content, body, headers);
    expect(response.status).toBe(403);
    const error = (await response.json()) as ErrorBody;
    expect(error.errors[0]?.extensions.code).toBe("FORBIDDEN");
    expect(error.errors[0]?.extensions.failedActions).toContainEqual(expect.objectContaining({ action: "read", stage: "DRAFT" }));
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("lets a preview PAT read DRAFT by its default stage, and tells the origin", async () => {
    const { tag, content, projectId } = await demoProject();
    const { token } = await issueToken(
      { projectId, environment: "master" },
      { name: "preview", permissions: DRAFT_READ, defaultStage: "DRAFT" },
    );
    const response = await postQuery(content, { query: "{ posts { title stage } }" }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { posts: { stage: string }[] } };
    expect(body.data.posts.length).toBeGreaterThan(0);
    expect(body.data.posts.every((post) => post.stage === "DRAFT")).toBe(true);
    const [reached] = await originRequests(tag);
    expect(reached?.headers["gcms-stage"]).toBe("DRAFT");
    expect(reached?.headers.authorization).toBeUndefined();
  });

  it("refuses a revoked PAT at once", async () => {
    const { content, projectId } = await demoProject();
    const ref = { projectId, environment: "master" };
    const { id, token } = await issueToken(ref, { name: "soon revoked", permissions: DRAFT_READ });
    expect((await postQuery(content, { query: "{ posts { title } }" }, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await revokeToken(ref, id)).status).toBe(204);
    const response = await postQuery(content, { query: "{ posts { title } }" }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("UNAUTHENTICATED");
  });

  it.each([
    ["an unknown PAT", "Bearer cep_notatokenthatexists0000000000000000000"],
    ["a JWT-shaped token on a project without JWT settings", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["a malformed header", "Bearer"],
    ["another scheme", "Basic dXNlcjpwYXNz"],
  ])("answers 401 to %s, even for a query whose answer is cached", async (_name, authorization) => {
    const { tag, content } = await demoProject();
    const warm = await postQuery(content, { query: "{ posts { title } }" });
    expect(warm.status).toBe(200);
    const response = await postQuery(content, { query: "{ posts { title } }" }, { authorization });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await errorCode(response)).toBe("UNAUTHENTICATED");
    expect(await originRequests(tag)).toHaveLength(1);
  });

  it("never gives a public request an answer cached for a token", async () => {
    const { tag, content, projectId } = await demoProject({ publicPermissions: DRAFT_READ });
    const { token } = await issueToken({ projectId, environment: "master" }, { name: "same rules", permissions: DRAFT_READ });
    const query = { query: "{ posts(stage: DRAFT) { title } }" };
    const forToken = await postQuery(content, query, { authorization: `Bearer ${token}` });
    expect(forToken.headers.get("x-cache")).toBe("MISS");
    expect(forToken.headers.get("cache-control")).toMatch(/private|no-store/);
    const forPublic = await postQuery(content, query);
    expect(forPublic.headers.get("x-cache")).toBe("MISS");
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("lets two tokens with the same rules share a cache entry", async () => {
    const { tag, content, projectId } = await demoProject();
    const ref = { projectId, environment: "master" };
    const first = await issueToken(ref, { name: "a", permissions: DRAFT_READ });
    const second = await issueToken(ref, { name: "b", permissions: DRAFT_READ });
    const query = { query: "{ posts(stage: DRAFT) { title } }" };
    expect((await postQuery(content, query, { authorization: `Bearer ${first.token}` })).headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, query, { authorization: `Bearer ${second.token}` })).headers.get("x-cache")).toBe("HIT");
    expect(await originRequests(tag)).toHaveLength(1);
  });
});

describe("conditions", () => {
  const onlyPost1 = [
    { action: "read", model: ["Author", "Page"], stages: ["PUBLISHED"], locales: "*" },
    { action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*", condition: { id: "clpost0000000000000000001" } },
  ];

  it.each([
    ["a root list", "{ posts { id } }", (d: any) => d.posts],
    ["a connection", "{ postsConnection { edges { node { id } } } }", (d: any) => d.postsConnection.edges.map((e: any) => e.node)],
    ["a list relation", "{ authors { posts { id } } }", (d: any) => d.authors.flatMap((a: any) => a.posts)],
    ["a list with its own where", '{ posts(where: { slug_not: "nothing" }) { id } }', (d: any) => d.posts],
  ])("returns no entry outside the condition through %s", async (_name, query, entries) => {
    const { content } = await demoProject({ publicPermissions: onlyPost1 });
    const response = await postQuery(content, { query });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown };
    const ids = (entries(body.data) as { id: string }[]).map((entry) => entry.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(["clpost0000000000000000001"]));
  });

  // Unique lookups, node and localizations are answered under conditions (test/scenarios/conditions.test.ts).
  it.each([
    [
      "versions under a conditioned readVersion rule",
      "{ posts { id history { revision } } }",
      [...onlyPost1, { action: "readVersion", model: "Post", condition: { id: "clpost0000000000000000001" } }],
      "content",
    ],
    [
      "the entry a mutation returns",
      'mutation { updatePost(where: { id: "clpost0000000000000000002" }, data: { readingMinutes: 3 }) { id } }',
      [...onlyPost1, { action: ["read", "update"], model: "Post", stages: ["DRAFT"], condition: { id: "clpost0000000000000000001" } }],
      "v2",
    ],
  ] as const)(
    "refuses what no rewrite can guarantee (%s) with 403 CONDITION_UNENFORCEABLE, before the origin",
    async (_name, query, rules, endpoint) => {
      const project = await demoProject({ publicPermissions: rules });
      const response = await postQuery(project[endpoint], { query });
      expect(response.status).toBe(403);
      const error = (await response.json()) as ErrorBody;
      expect(error.errors[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "CONDITION_UNENFORCEABLE" });
      expect(await originRequests(project.tag)).toHaveLength(0);
    },
  );
});

describe("/v2 checks mutations against their actions", () => {
  it("refuses a create without the create permission, before the origin", async () => {
    const { tag, v2 } = await demoProject();
    const response = await postQuery(v2, { query: 'mutation { createPost(data: { title: "x", slug: "x" }) { id } }' });
    expect(response.status).toBe(403);
    const error = (await response.json()) as ErrorBody;
    expect(error.errors[0]?.extensions.failedActions).toContainEqual(
      expect.objectContaining({ action: "create", model: "Post", stage: "DRAFT" }),
    );
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("reads through /v2 follow the same read rules", async () => {
    const { tag, v2 } = await demoProject();
    const response = await postQuery(v2, { query: "{ posts(stage: DRAFT) { id } }" });
    expect(response.status).toBe(403);
    expect(await originRequests(tag)).toHaveLength(0);
  });
});

describe("introspection follows the project setting", () => {
  it.each([
    [true, 200],
    [false, 403],
  ])("introspection: %s → %i", async (introspection, status) => {
    const { content } = await demoProject({ introspection, publicPermissions: PUBLIC_READ });
    const response = await postQuery(content, { query: "{ __schema { queryType { name } } }" });
    expect(response.status).toBe(status);
  });
});
