import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { parse, visit, type OperationDefinitionNode } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { onGatewayError } from "../../src/app";
import { enforceConditions, type EnforceInput, type Enforced } from "../../src/permissions/conditions";
import { graphqlEndpoint, type GatewayEnv } from "../../src/pipeline/graphql-endpoint";
import { demoProject, errorCode, getQuery, originRequests, postQuery } from "../support/gateway";
import { issueToken } from "../support/tokens";

/**
 * The authorization boundary through the real endpoints and the demo origin (SPEC §3a, issue 8):
 * header values are validated before anything is built, and the forward guard stops a request
 * whose document or headers touch more than was authorised.
 */
const PUBLIC_POSTS = [{ action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*" }];
const INJECTION = "en]) { id } leak: authors(stage: DRAFT) { name } x: posts(locales: [en";
type ErrorBody = { errors: { extensions: Record<string, unknown> }[] };

describe("header values are enum members or the request is refused before the origin", () => {
  it.each([
    ["POST", "gcms-locales", INJECTION, "INVALID_LOCALE"],
    ["GET", "gcms-locales", INJECTION, "INVALID_LOCALE"],
    ["POST", "gcms-locales", "en,fr", "INVALID_LOCALE"],
    ["POST", "gcms-stage", "DRAFT) { id } leak: authors(stage: DRAFT", "INVALID_STAGE"],
    ["POST", "gcms-stage", "published", "INVALID_STAGE"],
  ])("%s with %s %j → 400 %s naming the header, origin untouched, nothing cached", async (method, header, value, code) => {
    const { tag, content } = await demoProject({ publicPermissions: PUBLIC_POSTS });
    const query = "{ posts { title } }";
    const response =
      method === "GET" ? await getQuery(content, { query }, { [header]: value }) : await postQuery(content, { query }, { [header]: value });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors[0]?.extensions).toMatchObject({ code, header });
    expect(await originRequests(tag)).toHaveLength(0);
    const after = await postQuery(content, { query });
    expect(after.headers.get("x-cache")).toBe("MISS");
  });

  it('refuses gcms-stage text for a token whose rules say stages "*", on /content and /v2', async () => {
    const { tag, content, v2, projectId } = await demoProject({ publicPermissions: PUBLIC_POSTS });
    const { token } = await issueToken(
      { projectId, environment: "master" },
      { name: "all stages", permissions: [{ action: "read", model: "*", stages: "*" }] },
    );
    for (const path of [content, v2]) {
      const response = await postQuery(
        path,
        { query: "{ posts { title } }" },
        { authorization: `Bearer ${token}`, "gcms-stage": "DRAFT) { id } leak: authors(stage: DRAFT" },
      );
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe("INVALID_STAGE");
    }
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("forwards the validated values, as headers and as enum arguments", async () => {
    const { tag, content } = await demoProject();
    const response = await postQuery(content, { query: "{ posts { title } }" }, { "gcms-locales": " de , en " });
    expect(response.status).toBe(200);
    const [reached] = await originRequests(tag);
    expect(reached?.headers["gcms-locales"]).toBe("de,en");
    expect(JSON.parse(reached!.body).query).toContain("posts(stage: PUBLISHED, locales: [de, en])");
  });
});

describe("version reads need readVersion, through the real endpoints", () => {
  const POST = "clpost0000000000000000002";
  const AUTHOR = "clauth0000000000000000001";
  const version = (field: string, id: string, stage: string) =>
    `{ ${field}(where: { id: "${id}", revision: 1, stage: ${stage} }) { data } }`;

  it.each([
    [
      "a DRAFT document version, public read of every model",
      "read * PUBLISHED",
      version("postVersion", POST, "DRAFT"),
      { action: "readVersion", model: "Post", stage: "DRAFT", locale: "en" },
    ],
    [
      "a PUBLISHED document version",
      "read * PUBLISHED",
      version("postVersion", POST, "PUBLISHED"),
      { action: "readVersion", model: "Post", stage: "PUBLISHED", locale: "de" },
    ],
    [
      "the version of a model with no public rule",
      "read Post PUBLISHED",
      version("authorVersion", AUTHOR, "PUBLISHED"),
      { action: "readVersion", model: "Author", stage: "PUBLISHED", locale: "en" },
    ],
    [
      "history",
      "read * PUBLISHED",
      "{ posts { history { revision } } }",
      { action: "readVersion", model: "Post", stage: "PUBLISHED", locale: "en" },
    ],
  ])("refuses %s to an anonymous caller: 403 with failedActions, origin untouched", async (_name, rules, query, failed) => {
    const publicPermissions = rules === "read Post PUBLISHED" ? PUBLIC_POSTS : undefined;
    const { tag, content } = await demoProject(publicPermissions ? { publicPermissions } : {});
    const response = await postQuery(content, { query });
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors[0]?.extensions["code"]).toBe("FORBIDDEN");
    expect(body.errors[0]?.extensions["failedActions"]).toContainEqual(failed);
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("answers a version read to a token granted readVersion in that stage, over a variable too", async () => {
    const { content, projectId } = await demoProject();
    const { token } = await issueToken(
      { projectId, environment: "master" },
      { name: "versions", permissions: [{ action: "readVersion", model: "Post", stages: ["DRAFT"] }] },
    );
    const response = await postQuery(
      content,
      {
        query: "query V($w: VersionWhereInput!) { postVersion(where: $w) { revision data } }",
        variables: { w: { id: POST, revision: 1, stage: "DRAFT" } },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { postVersion: { revision: number; data: { id: string; stage: string } } } };
    expect(body.data.postVersion).toMatchObject({ revision: 1, data: { id: POST, stage: "DRAFT" } });
    const other = await postQuery(content, { query: version("postVersion", POST, "PUBLISHED") }, { authorization: `Bearer ${token}` });
    expect(other.status).toBe(403);
  });
});

/** A rewrite with a bug: it enforces conditions, then adds a root field nobody authorised. */
function leakyRewrite(input: EnforceInput): Enforced {
  const leak = (parse("{ leak: authors(stage: DRAFT) { name } }").definitions[0] as OperationDefinitionNode).selectionSet.selections[0]!;
  const enforced = enforceConditions(input);
  return {
    ...enforced,
    document: visit(enforced.document, {
      OperationDefinition: (node) => ({
        ...node,
        selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, leak] },
      }),
    }),
  };
}

/** The real endpoints, built with the leaky rewrite, on the real bindings. */
const broken = new Hono<GatewayEnv>()
  .all("/content/:projectId/:environment", graphqlEndpoint("content", { rewrite: leakyRewrite }))
  .all("/v2/:projectId/:environment", graphqlEndpoint("v2", { rewrite: leakyRewrite }));
broken.onError(onGatewayError);

async function callBroken(path: string, query: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await broken.fetch(
    new Request(`http://gateway.test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("the forward guard catches a broken rewriter", () => {
  it.each(["content", "v2"] as const)(
    "on /%s: 500 INTERNAL_GUARD_REJECTED, logged, the origin never called, nothing cached",
    async (endpoint) => {
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
      const project = await demoProject({ publicPermissions: PUBLIC_POSTS });
      const response = await callBroken(project[endpoint], "{ posts { title } }");
      expect(response.status).toBe(500);
      expect(await errorCode(response)).toBe("INTERNAL_GUARD_REJECTED");
      expect(log.mock.calls.map(String).join("\n")).toContain("read Author DRAFT en");
      log.mockRestore();
      expect(await originRequests(project.tag)).toHaveLength(0);
      if (endpoint === "content") {
        const honest = await postQuery(project.content, { query: "{ posts { title } }" });
        expect(honest.status).toBe(200);
        expect(honest.headers.get("x-cache")).toBe("MISS");
      }
    },
  );
});
