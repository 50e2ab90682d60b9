import { describe, expect, it } from "vitest";
import type { Explanation } from "../../src/explain/explain";
import type { Traffic } from "../../src/stats/traffic";
import { ADMIN, demoProject, gateway, originRequests, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";
import { errorExtensions } from "../support/cache";
import { issueToken, jwksUrl, revokeToken } from "../support/tokens";

const explain = (projectId: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  gateway(`/admin/projects/${projectId}/master/explain`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function explained(projectId: string, body: unknown): Promise<Explanation> {
  const response = await explain(projectId, body);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return JSON.parse(text) as Explanation;
}

const POSTS = "{ posts { title } }";

describe("POST /admin/projects/{p}/{e}/explain is admin-only", () => {
  it.each<[string, (token: string) => Record<string, string>]>([
    ["no Authorization", () => ({})],
    ["a wrong admin token", () => ({ authorization: "Bearer wrong" })],
    ["a permanent auth token of the project", (token) => ({ authorization: `Bearer ${token}` })],
  ])("refuses %s with 401, before reading the body", async (_label, headers) => {
    const { projectId } = await demoProject();
    const { token } = await issueToken({ projectId, environment: "master" }, { name: "reader", permissions: PUBLIC_READ });
    const response = await explain(projectId, { query: POSTS }, headers(token));
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.code).toBe("UNAUTHENTICATED");
  });
});

describe("explaining a request", () => {
  it("allows a public query with the rule behind each touch, the effective scope, the key and MISS → HIT, without calling the origin or counting", async () => {
    const { tag, projectId, content } = await demoProject();
    const before = await explained(projectId, { query: POSTS });
    expect(before.decision).toEqual({
      allowed: true,
      status: 200,
      touches: [{ action: "read", model: "Post", stage: "PUBLISHED", locale: "en", allowedBy: [{ source: "publicPermissions[0]" }] }],
      unclassified: [],
    });
    expect(before.principal).toMatchObject({ kind: "public", rules: [{ source: "publicPermissions[0]" }] });
    expect(before.scope).toMatchObject({ stage: "PUBLISHED", locales: ["en"], readModels: ["Post"], from: "analysis" });
    expect(before.forwarded).toContain("stage: PUBLISHED");
    expect(before.cache?.outcome).toBe("MISS");
    expect(before.cache?.key).toMatchObject({
      projectId,
      environment: "master",
      stage: "PUBLISHED",
      locales: ["en"],
      operationName: null,
      variables: {},
    });
    expect(before.cache?.key.permissionFingerprint).toMatch(/^public:/);
    expect(before.cache?.dependencies).toContain("L|PUBLISHED|Post");
    // Explaining reached no origin, stored nothing and counted nothing.
    expect(await originRequests(tag)).toHaveLength(0);
    const first = await postQuery(content, { query: POSTS });
    expect(first.headers.get("x-cache")).toBe("MISS");

    const after = await explained(projectId, { query: POSTS });
    expect(after.cache).toMatchObject({ outcome: "HIT", entry: { layer: "memory", state: "fresh" } });
    expect(after.cache?.key.digest).toBe(before.cache?.key.digest);
    expect(await originRequests(tag)).toHaveLength(1);
    const view = (await (await gateway(`/admin/projects/${projectId}/master/traffic`, { headers: ADMIN })).json()) as Traffic;
    expect(view.day).toMatchObject({ requests: 1, misses: 1, hits: 0 });

    // After a purge the entry is still there under the same key, but no longer current: a MISS again.
    await gateway(`/admin/projects/${projectId}/master/purge`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: '{"models":["Post"]}',
    });
    const purged = await explained(projectId, { query: POSTS });
    expect(purged.cache).toMatchObject({ outcome: "MISS", entry: { current: false } });
    expect(purged.cache?.key.digest).toBe(after.cache?.key.digest);
  });

  it("says BYPASS when the project does not cache", async () => {
    const { projectId } = await demoProject({ cache: { maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0 } });
    expect((await explained(projectId, { query: POSTS })).cache?.outcome).toBe("BYPASS");
  });

  it.each<[string, Record<string, unknown>, number, Record<string, unknown>, string]>([
    [
      "a public read of DRAFT (failedActions)",
      { query: POSTS, headers: { "gcms-stage": "DRAFT" } },
      403,
      { code: "FORBIDDEN", failedActions: [{ action: "read", model: "Post", stage: "DRAFT", locale: "en" }] },
      "authorise",
    ],
    [
      "an unknown stage",
      { query: POSTS, headers: { "gcms-stage": "NOPE" } },
      400,
      { code: "INVALID_STAGE", header: "gcms-stage" },
      "authorise",
    ],
    ["an unknown locale argument", { query: "{ posts(locales: [xx]) { title } }" }, 400, { code: "INVALID_LOCALE" }, "authorise"],
    ["a mutation", { query: 'mutation { deletePost(where: { id: "x" }) { id } }' }, 400, { code: "READ_ONLY_ENDPOINT" }, "parse"],
    ["a syntax error", { query: "{ posts { " }, 400, { code: "GRAPHQL_PARSE_FAILED" }, "parse"],
  ])("explains the refusal of %s with its status and code", async (_label, body, status, extensions, step) => {
    const { tag, projectId } = await demoProject();
    const answer = await explained(projectId, body);
    expect(answer.decision).toMatchObject({ allowed: false, status, step });
    const { code, ...rest } = extensions;
    expect(answer.decision).toMatchObject({ code });
    expect((answer.decision as { extensions: Record<string, unknown> }).extensions).toMatchObject(rest);
    expect(answer.cache).toBeUndefined();
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("shows the request-level scope of a refusal and a conditioned rule's condition", async () => {
    const condition = { id: "clpost0000000000000000001" };
    const { projectId } = await demoProject({
      publicPermissions: [
        { action: "read", model: ["Author", "Page"], stages: ["PUBLISHED"], locales: "*" },
        { action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*", condition },
      ],
    });
    const allowed = await explained(projectId, { query: POSTS });
    expect(allowed.decision).toMatchObject({
      allowed: true,
      touches: [{ model: "Post", allowedBy: [{ source: "publicPermissions[1]", condition }] }],
    });
    const refused = await explained(projectId, { query: POSTS, headers: { "gcms-stage": "DRAFT", "gcms-locales": "de" } });
    expect(refused.scope).toEqual({ stage: "DRAFT", locales: ["de"], from: "headers-and-defaults" });
    const unenforceable = await explained(projectId, { query: "{ posts { id history { revision } } }" });
    expect(unenforceable.decision).toMatchObject({ allowed: false, status: 403 });
  });

  it("explains a token by id (its default stage and rules), and refuses it once revoked", async () => {
    const { projectId } = await demoProject();
    const ref = { projectId, environment: "master" };
    const preview = await issueToken(ref, {
      name: "preview",
      defaultStage: "DRAFT",
      permissions: [{ action: "read", model: "*", stages: ["DRAFT"], locales: "*" }],
    });
    const answer = await explained(projectId, { query: POSTS, principal: { type: "token", id: preview.id } });
    expect(answer.principal).toMatchObject({ kind: "pat", tokenId: preview.id, tokenName: "preview", defaultStage: "DRAFT" });
    expect(answer.scope?.stage).toBe("DRAFT");
    expect(answer.decision).toMatchObject({
      allowed: true,
      touches: [{ stage: "DRAFT", allowedBy: [{ source: 'token "preview" permissions[0]' }] }],
    });
    expect(answer.cache?.key.permissionFingerprint).toMatch(/^token:/);
    expect(JSON.stringify(answer)).not.toContain(preview.token);

    expect((await revokeToken(ref, preview.id)).status).toBe(204);
    const revoked = await explained(projectId, { query: POSTS, principal: { type: "token", id: preview.id } });
    expect(revoked.decision).toMatchObject({
      allowed: false,
      status: 401,
      code: "UNAUTHENTICATED",
      step: "authenticate",
      extensions: { reason: "unknown-token" },
    });
  });

  it("maps a JWT payload's roles through the project's rolesClaim, without a signature", async () => {
    const jwt = {
      jwksUrl: jwksUrl(uniqueTag("jwks")),
      issuer: "https://login.example/",
      audience: "content-edge",
      rolesClaim: "groups",
      algorithms: ["ES256"],
    };
    const { projectId } = await demoProject({
      jwt,
      roles: { editor: [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }] },
    });
    const editor = await explained(projectId, {
      query: POSTS,
      headers: { "gcms-stage": "DRAFT" },
      principal: { type: "jwt", payload: { sub: "u-1", groups: ["editor", "nobody"] } },
    });
    expect(editor.principal).toMatchObject({ kind: "jwt", roles: ["editor", "nobody"], userId: "u-1" });
    expect(editor.decision).toMatchObject({ allowed: true, touches: [{ stage: "DRAFT", allowedBy: [{ source: "roles.editor[0]" }] }] });
    const noRoles = await explained(projectId, { query: POSTS, principal: { type: "jwt", payload: { sub: "u-2" } } });
    expect(noRoles.decision).toMatchObject({ allowed: false, status: 403, code: "FORBIDDEN" });
    const badClaim = await explained(projectId, { query: POSTS, principal: { type: "jwt", payload: { groups: 7 } } });
    expect(badClaim.decision).toMatchObject({ allowed: false, status: 401, extensions: { reason: "claim-invalid" } });

    const { projectId: withoutJwt } = await demoProject();
    const notConfigured = await explained(withoutJwt, { query: POSTS, principal: { type: "jwt", payload: { roles: ["editor"] } } });
    expect(notConfigured.decision).toMatchObject({ allowed: false, status: 401, extensions: { reason: "jwt-not-configured" } });
  });
});

describe("explain errors", () => {
  it.each<[string, unknown, string]>([
    ["broken JSON", "{", "body"],
    ["no query", {}, "query"],
    ["an unknown member", { query: POSTS, principle: "public" }, "principle"],
    ["a header that changes nothing", { query: POSTS, headers: { authorization: "Bearer x" } }, "headers.authorization"],
    ["an unknown principal type", { query: POSTS, principal: { type: "admin" } }, "principal.type"],
    ["a token principal without id", { query: POSTS, principal: { type: "token" } }, "principal.id"],
  ])("refuses %s with 400 naming the member", async (_label, body, field) => {
    const { projectId } = await demoProject();
    const response = await explain(projectId, body);
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "BAD_REQUEST", field });
  });

  it("is 404 for an unknown project", async () => {
    expect((await explain(`nope-${uniqueTag()}`, { query: POSTS })).status).toBe(404);
  });

  it("is 409 SCHEMA_NOT_LEARNED while the origin's schema is unknown, and does not ask the origin", async () => {
    const { tag, projectId } = await demoProject({}, "__status/503/");
    const before = (await originRequests(tag, { introspection: true })).length;
    const response = await explain(projectId, { query: POSTS });
    expect(response.status).toBe(409);
    expect((await errorExtensions(response))?.code).toBe("SCHEMA_NOT_LEARNED");
    expect(await originRequests(tag, { introspection: true })).toHaveLength(before);
  });
});
