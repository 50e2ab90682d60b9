import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/graphql/limits";
import { demoProject, errorCode, gateway, originRequests, postQuery } from "../support/gateway";

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
