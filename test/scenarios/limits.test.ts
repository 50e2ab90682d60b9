import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/graphql/limits";
import { signWebhook } from "../../src/webhooks/signature";
import { ADMIN, demoProject, errorCode, gateway, getQuery, originRequests, postQuery } from "../support/gateway";

/** A valid JSON GraphQL body of exactly `bytes` bytes (padding in a variable the query ignores). */
function bodyOfSize(bytes: number): string {
  const empty = JSON.stringify({ query: "{ __typename }", variables: { pad: "" } });
  return JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(bytes - empty.length) } });
}

function nested(depth: number): string {
  // posts → author → posts → …: `depth` levels of fields.
  let selection = "id";
  for (let level = 1; level < depth; level++) selection = `${level % 2 ? "author" : "posts"} { ${selection} }`;
  return `{ ${selection.startsWith("author") ? `posts { ${selection} }` : selection} }`;
}

describe("request limits (defaults), each at n and n+1", () => {
  it.each([
    ["body at the limit", DEFAULT_LIMITS.maxBodyBytes, 200],
    ["body one byte over", DEFAULT_LIMITS.maxBodyBytes + 1, 413],
  ])("%s", async (_name, size, status) => {
    const { content } = await demoProject();
    const body = bodyOfSize(size);
    expect(new TextEncoder().encode(body).byteLength).toBe(size);
    const response = await gateway(content, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(status);
    if (status === 413) expect(await errorCode(response)).toBe("PAYLOAD_TOO_LARGE");
  });

  it.each([
    ["URL at the limit", 0, 200],
    ["URL one byte over", 1, 414],
  ])("%s", async (_name, extra, status) => {
    const { content } = await demoProject();
    const prefix = `http://gateway.test${content}?query=${encodeURIComponent("{ __typename }")}&pad=`;
    const url = prefix + "x".repeat(DEFAULT_LIMITS.maxUrlBytes - prefix.length + extra);
    const response = await gateway(url);
    expect(response.status).toBe(status);
    if (status === 414) expect(await errorCode(response)).toBe("URI_TOO_LONG");
  });

  it("refuses a document deeper than the limit, names it, and never calls the origin", async () => {
    const { tag, content } = await demoProject();
    const response = await postQuery(content, { query: nested(DEFAULT_LIMITS.maxDepth + 1) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "depth", max: DEFAULT_LIMITS.maxDepth });
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("accepts a document exactly at the depth limit", async () => {
    const { content } = await demoProject();
    const response = await postQuery(content, { query: nested(DEFAULT_LIMITS.maxDepth) });
    expect(response.status).toBe(200);
  });

  it("refuses JSON-array batches unless batching is enabled", async () => {
    const { tag, content } = await demoProject();
    const response = await gateway(content, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("LIMIT_EXCEEDED");
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("keeps serving after a run of bad inputs", async () => {
    const { content } = await demoProject();
    const bad = [
      gateway(content, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not json" }),
      gateway(content, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }),
      postQuery(content, { query: "{ posts { " }),
      postQuery(content, { query: nested(100) }),
      gateway(content, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(DEFAULT_LIMITS.maxBodyBytes * 2),
      }),
      postQuery(content, { query: "{ __typename }", variables: "nope" }),
    ];
    const statuses = (await Promise.all(bad)).map((response) => response.status);
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    const good = await postQuery(content, { query: "{ __typename }" });
    expect(good.status).toBe(200);
  });
});

/** `depth` levels of arrays, as JSON text. */
const arrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

async function limitOf(response: Response): Promise<Record<string, unknown> | undefined> {
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return body.errors?.[0]?.extensions;
}

/** Filters nest: `depth` levels of `AND: [{ OR: [ … ] }]` around a relation filter. */
function nestedFilter(depth: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { author: { name_contains: "a" } };
  for (let level = 0; level < depth; level++) filter = { [level % 2 ? "OR" : "AND"]: [filter, { title_contains: "e" }] };
  return filter;
}

describe("JSON and value nesting (issue 19: 3,000 levels of [ in variables were a 500)", () => {
  const post = (path: string, body: string) => gateway(path, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("refuses the issue's reproduction with 400 LIMIT_EXCEEDED naming jsonDepth, and never calls the origin", async () => {
    const { tag, content } = await demoProject();
    const response = await post(content, `{"query":"query($v:[[ID]]){ posts { id } }","variables":{"v":${arrays(3_000)}}}`);
    expect(response.status).toBe(400);
    expect(await limitOf(response)).toEqual({ code: "LIMIT_EXCEEDED", limit: "jsonDepth", max: DEFAULT_LIMITS.maxJsonDepth, found: 3_002 });
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it.each<[string, (content: string) => Promise<Response>]>([
    ["extensions over POST", (content) => post(content, `{"query":"{ posts { id } }","extensions":{"x":${arrays(3_000)}}}`)],
    [
      "variables over GET",
      (content) => getQuery(content, { query: "query($v:[[ID]]){ posts { id } }", variables: `{"v":${arrays(1_000)}}` }),
    ],
    ["extensions over GET", (content) => getQuery(content, { query: "{ posts { id } }", extensions: `{"x":${arrays(1_000)}}` })],
    ["a list value in the document", (content) => postQuery(content, { query: `{ posts(where: { id_in: ${arrays(4_990)} }) { id } }` })],
    [
      "a variable's list type",
      (content) =>
        postQuery(content, { query: `query($v: ${"[".repeat(4_836)}ID${"]".repeat(4_836)}) { posts(where: { id_in: $v }) { id } }` }),
    ],
  ])("refuses %s nested past the limit the same way", async (_name, send) => {
    const { tag, content } = await demoProject();
    const response = await send(content);
    expect(response.status).toBe(400);
    expect(await limitOf(response)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "jsonDepth", max: DEFAULT_LIMITS.maxJsonDepth });
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it.each([
    ["a body at the limit", DEFAULT_LIMITS.maxJsonDepth, 200],
    ["a body one level over", DEFAULT_LIMITS.maxJsonDepth + 1, 400],
  ])("%s", async (_name, depth, status) => {
    const { content } = await demoProject();
    // An unknown member (ignored by GraphQL-over-HTTP) carries the nesting: the body's own object is level 1.
    const response = await post(content, `{"query":"{ posts { id } }","x":${arrays(depth - 1)}}`);
    expect(response.status).toBe(status);
    if (status === 400) expect(await limitOf(response)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "jsonDepth", found: depth });
  });

  it.each([
    [
      "as variables",
      (content: string) =>
        postQuery(content, { query: "query($w: PostWhereInput) { posts(where: $w) { id } }", variables: { w: nestedFilter(8) } }),
    ],
    ["as a literal", (content: string) => postQuery(content, { query: `{ posts(where: ${graphqlLiteral(nestedFilter(8))}) { id } }` })],
  ])("still serves a where filter nested eight AND/OR levels deep %s", async (_name, send) => {
    const { tag, content } = await demoProject();
    const response = await send(content);
    expect(response.status).toBe(200);
    expect(await originRequests(tag)).toHaveLength(1);
  });

  it("never answers 500 to a document whose operation not executed nests 2,000 fields deep", async () => {
    const { tag, content } = await demoProject();
    const deep = "author { posts { ".repeat(1_000) + "id" + " } }".repeat(1_000);
    const response = await postQuery(content, { query: `query A { posts { id } } query B { posts { ${deep} } }`, operationName: "A" });
    expect(response.status).toBeLessThan(500);
    if (response.status === 200) expect((await originRequests(tag))[0]?.body).not.toContain("query B");
  });

  it("holds admin and webhook bodies to the same limit", async () => {
    const secret = "webhook-secret-0123456789";
    const { projectId } = await demoProject({ webhookSecret: secret });
    const admin = await gateway(`/admin/projects/${projectId}/master`, {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: `{"origin":"https://demo-origin.internal/graphql","x":${arrays(3_000)}}`,
    });
    expect(admin.status).toBe(400);
    expect(await limitOf(admin)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "jsonDepth", found: 3_001 });

    const rawBody = `{"operation":"update","data":{"__typename":"Post","id":"p1","stage":"PUBLISHED","x":${arrays(3_000)}}}`;
    const webhook = await gateway(`/webhooks/${projectId}/master`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "gcms-signature": await signWebhook({ secret, rawBody, environment: "master", timestamp: Date.now() }),
      },
      body: rawBody,
    });
    expect(webhook.status).toBe(400);
    expect(await limitOf(webhook)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "jsonDepth", found: 3_002 });
  });
});

/** A JSON value as a GraphQL input literal (object keys unquoted). */
function graphqlLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(graphqlLiteral).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${graphqlLiteral(item)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(value);
}
