import { describe, expect, it } from "vitest";
import type { GatewayError } from "../../src/errors";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/graphql/limits";
import { parseGraphQLParams, validateParams, type GraphQLParams } from "../../src/http/graphql-params";

const URL_BASE = "https://edge.example/content/demo/master";
const APQ = { persistedQuery: { version: 1, sha256Hash: "abc" } };

function get(params: Record<string, string>, init: RequestInit = {}): Request {
  const url = new URL(URL_BASE);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return new Request(url, init);
}

function post(body: string, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request(URL_BASE, { method: "POST", body, headers });
}

async function failure(request: Request, limits = DEFAULT_LIMITS): Promise<GatewayError> {
  try {
    await parseGraphQLParams(request, limits);
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error("expected a rejection");
}

describe("GET parameters (GraphQL-over-HTTP §GET)", () => {
  it.each<[string, Record<string, string>, GraphQLParams]>([
    ["01 query only", { query: "{ posts { id } }" }, { query: "{ posts { id } }", variables: null, operationName: null, extensions: null }],
    [
      "02 every parameter",
      { query: "query Q($n: Int) { posts(first: $n) { id } }", variables: '{"n":2}', operationName: "Q", extensions: '{"x":1}' },
      { query: "query Q($n: Int) { posts(first: $n) { id } }", variables: { n: 2 }, operationName: "Q", extensions: { x: 1 } },
    ],
    [
      "03 null variables and extensions",
      { query: "{a}", variables: "null", extensions: "null" },
      { query: "{a}", variables: null, operationName: null, extensions: null },
    ],
    [
      "04 empty variables / operationName / extensions count as absent",
      { query: "{a}", variables: "", operationName: "", extensions: "" },
      { query: "{a}", variables: null, operationName: null, extensions: null },
    ],
    ["05 APQ hash only", { extensions: JSON.stringify(APQ) }, { variables: null, operationName: null, extensions: APQ }],
    [
      "06 APQ with query",
      { query: "{a}", extensions: JSON.stringify(APQ) },
      { query: "{a}", variables: null, operationName: null, extensions: APQ },
    ],
    [
      "07 unicode query",
      { query: '{ post(slug: "Run🏃Swim🏊") { id } }' },
      { query: '{ post(slug: "Run🏃Swim🏊") { id } }', variables: null, operationName: null, extensions: null },
    ],
    [
      "08 unknown parameters ignored",
      { query: "{a}", foo: "bar" },
      { query: "{a}", variables: null, operationName: null, extensions: null },
    ],
  ])("%s", async (_name, params, expected) => {
    expect(await parseGraphQLParams(get(params), DEFAULT_LIMITS)).toEqual(expected);
  });

  it("treats HEAD like GET", async () => {
    expect(await parseGraphQLParams(get({ query: "{a}" }, { method: "HEAD" }), DEFAULT_LIMITS)).toMatchObject({ query: "{a}" });
  });

  it.each<[string, Record<string, string> | string, string]>([
    ["01 missing query", {}, "query"],
    ["02 missing query, extensions without persistedQuery", { extensions: '{"x":1}' }, "query"],
    ["03 broken variables JSON", { query: "{a}", variables: "{" }, "variables"],
    ["04 variables array", { query: "{a}", variables: "[1]" }, "variables"],
    ["05 variables string", { query: "{a}", variables: '"x"' }, "variables"],
    ["06 variables number", { query: "{a}", variables: "1" }, "variables"],
    ["07 broken extensions JSON", { query: "{a}", extensions: "{x" }, "extensions"],
    ["08 extensions array", { query: "{a}", extensions: "[]" }, "extensions"],
    ["09 extensions boolean", { query: "{a}", extensions: "true" }, "extensions"],
    ["10 query given twice", "query=%7Ba%7D&query=%7Bb%7D", "query"],
    ["11 operationName given twice", "query=%7Ba%7D&operationName=A&operationName=B", "operationName"],
    ["12 APQ with persistedQuery not an object", { extensions: '{"persistedQuery":"abc"}' }, "query"],
  ])("400 BAD_REQUEST for %s", async (_name, params, param) => {
    const request = typeof params === "string" ? new Request(`${URL_BASE}?${params}`) : get(params);
    const error = await failure(request);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.status).toBe(400);
    expect(error.extensions).toMatchObject({ param });
  });
});

describe("POST parameters (GraphQL-over-HTTP §POST)", () => {
  it.each<[string, unknown, GraphQLParams]>([
    ["01 query only", { query: "{a}" }, { query: "{a}", variables: null, operationName: null, extensions: null }],
    [
      "02 every member",
      { query: "query Q { a }", variables: { n: 1 }, operationName: "Q", extensions: { x: 1 } },
      { query: "query Q { a }", variables: { n: 1 }, operationName: "Q", extensions: { x: 1 } },
    ],
    [
      "03 explicit nulls",
      { query: "{a}", variables: null, operationName: null, extensions: null },
      { query: "{a}", variables: null, operationName: null, extensions: null },
    ],
    ["04 APQ hash only", { extensions: APQ }, { variables: null, operationName: null, extensions: APQ }],
    ["05 APQ with null query", { query: null, extensions: APQ }, { variables: null, operationName: null, extensions: APQ }],
    [
      "06 empty query string kept (fails later as a parse error)",
      { query: "" },
      { query: "", variables: null, operationName: null, extensions: null },
    ],
    ["07 unknown members ignored", { query: "{a}", foo: 1 }, { query: "{a}", variables: null, operationName: null, extensions: null }],
  ])("%s", async (_name, body, expected) => {
    expect(await parseGraphQLParams(post(JSON.stringify(body)), DEFAULT_LIMITS)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ["01 broken JSON", '{ "not a JSON', "body"],
    ["02 empty body", "", "body"],
    ["03 whitespace body", "  \n", "body"],
    ["04 JSON string", '"{a}"', "body"],
    ["05 JSON number", "1", "body"],
    ["06 JSON null", "null", "body"],
    ["07 missing query (typo)", '{"qeury":"{a}"}', "query"],
    ["08 query object", '{"query":{"obj":"ect"}}', "query"],
    ["09 query number", '{"query":0}', "query"],
    ["10 query boolean", '{"query":false}', "query"],
    ["11 query array", '{"query":["array"]}', "query"],
    ["12 operationName object", '{"query":"{a}","operationName":{"obj":"ect"}}', "operationName"],
    ["13 operationName number", '{"query":"{a}","operationName":0}', "operationName"],
    ["14 operationName boolean", '{"query":"{a}","operationName":false}', "operationName"],
    ["15 operationName array", '{"query":"{a}","operationName":["array"]}', "operationName"],
    ["16 variables string", '{"query":"{a}","variables":"string"}', "variables"],
    ["17 variables number", '{"query":"{a}","variables":0}', "variables"],
    ["18 variables boolean", '{"query":"{a}","variables":false}', "variables"],
    ["19 variables array", '{"query":"{a}","variables":["array"]}', "variables"],
    ["20 extensions string", '{"query":"{a}","extensions":"string"}', "extensions"],
    ["21 extensions number", '{"query":"{a}","extensions":0}', "extensions"],
    ["22 extensions boolean", '{"query":"{a}","extensions":false}', "extensions"],
    ["23 extensions array", '{"query":"{a}","extensions":["array"]}', "extensions"],
    ["24 null query without APQ", '{"query":null}', "query"],
  ])("400 BAD_REQUEST for %s", async (_name, body, param) => {
    const error = await failure(post(body));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.status).toBe(400);
    expect(error.extensions).toMatchObject({ param });
  });

  it.each<[string, Record<string, string>]>([
    ["missing Content-Type", {}],
    ["text/plain", { "content-type": "text/plain" }],
    ["latin1 JSON", { "content-type": "application/json; charset=latin1" }],
  ])("415 for %s", async (_name, headers) => {
    const error = await failure(post('{"query":"{a}"}', headers));
    expect(error).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", status: 415 });
  });

  it("accepts application/json; charset=utf-8 with a unicode query", async () => {
    const body = JSON.stringify({ query: '{ __type(name: "Run🏃Swim🏊") { name } }' });
    const params = await parseGraphQLParams(post(body, { "content-type": "application/json; charset=utf-8" }), DEFAULT_LIMITS);
    expect(params).toMatchObject({ query: '{ __type(name: "Run🏃Swim🏊") { name } }' });
  });

  it.each([
    ["exactly maxBodyBytes", 0, "ok"],
    ["maxBodyBytes + 1", 1, 413],
  ] as const)("body of %s", async (_name, extra, expected) => {
    const limits = resolveLimits({ maxBodyBytes: 200 });
    const pad = 200 + extra - JSON.stringify({ query: "{a}" }).length;
    const body = JSON.stringify({ query: "{a}" + " ".repeat(pad) });
    expect(new TextEncoder().encode(body).byteLength).toBe(200 + extra);
    if (expected === "ok") return expect(await parseGraphQLParams(post(body), limits)).toMatchObject({ variables: null });
    expect(await failure(post(body), limits)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
  });
});

describe("batches (JSON array bodies)", () => {
  const item = { query: "{a}" };
  it("refuses a batch when batching is disabled (default)", async () => {
    const error = await failure(post(JSON.stringify([item, item])));
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", status: 400 });
    expect(error.extensions).toEqual({ limit: "batch", max: 0, found: 2 });
  });

  it.each([
    ["1 item", 1, "ok"],
    ["exactly maxBatch", 3, "ok"],
    ["maxBatch + 1", 4, "LIMIT_EXCEEDED"],
    ["empty array", 0, "BAD_REQUEST"],
  ] as const)("with maxBatch 3: %s", async (_name, size, expected) => {
    const limits = resolveLimits({ maxBatch: 3 });
    const request = post(JSON.stringify(Array.from({ length: size }, () => item)));
    if (expected === "ok") {
      const params = await parseGraphQLParams(request, limits);
      expect(Array.isArray(params) && params.length).toBe(size);
      return;
    }
    const error = await failure(request, limits);
    expect(error.code).toBe(expected);
    if (expected === "LIMIT_EXCEEDED") expect(error.extensions).toEqual({ limit: "batch", max: 3, found: 4 });
  });

  it("names the bad item of a batch", async () => {
    const error = await failure(post(JSON.stringify([item, { query: 1 }])), resolveLimits({ maxBatch: 3 }));
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(error.extensions).toEqual({ param: "query", batchIndex: 1 });
  });

  it("never batches over GET: a query parameter is just a string", async () => {
    const params = await parseGraphQLParams(get({ query: JSON.stringify([item, item]) }), resolveLimits({ maxBatch: 3 }));
    expect(Array.isArray(params)).toBe(false);
    expect(params).toMatchObject({ query: expect.any(String) });
  });
});

describe("JSON nesting (issue 19)", () => {
  const arrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  // Limits raised so that 100,000 levels fit in the body and the URL: the nesting is what is refused.
  const roomy = resolveLimits({ maxBodyBytes: 1_000_000, maxUrlBytes: 1_000_000 });
  const max = DEFAULT_LIMITS.maxJsonDepth;
  const query = "query($v: [[ID]]) { posts { id } }";

  it.each<[string, () => Request, number | "ok"]>([
    // A POST body counts its own object and the member's: variables.v at max - 2 is the body at max.
    ["POST variables at the limit", () => post(`{"query":"{a}","variables":{"v":${arrays(max - 2)}}}`), "ok"],
    ["POST variables one past it", () => post(`{"query":"{a}","variables":{"v":${arrays(max - 1)}}}`), max + 1],
    ["POST variables, the issue's 3,000 levels", () => post(`{"query":"${query}","variables":{"v":${arrays(3_000)}}}`), 3_002],
    ["POST variables, 100,000 levels", () => post(`{"query":"{a}","variables":{"v":${arrays(100_000)}}}`), 100_002],
    ["POST extensions, 100,000 levels", () => post(`{"query":"{a}","extensions":{"x":${arrays(100_000)}}}`), 100_002],
    ["POST an unknown member, 100,000 levels", () => post(`{"query":"{a}","x":${arrays(100_000)}}`), 100_001],
    ["GET variables at the limit", () => get({ query, variables: `{"v":${arrays(max - 1)}}` }), "ok"],
    ["GET variables one past it", () => get({ query, variables: `{"v":${arrays(max)}}` }), max + 1],
    ["GET variables, 100,000 levels", () => get({ query, variables: `{"v":${arrays(100_000)}}` }), 100_001],
    ["GET extensions, 100,000 levels", () => get({ query, extensions: `{"x":${arrays(100_000)}}` }), 100_001],
  ])("%s", async (_name, request, expected) => {
    if (expected === "ok") return expect(await parseGraphQLParams(request(), roomy)).toMatchObject({ query: expect.any(String) });
    const error = await failure(request(), roomy);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", status: 400 });
    expect(error.extensions).toEqual({ limit: "jsonDepth", max, found: expected });
  });

  it("holds a batch to the limit as one body", async () => {
    const batch = `[{"query":"{a}","variables":{"v":${arrays(max - 2)}}}]`;
    const error = await failure(post(batch), resolveLimits({ maxBatch: 2 }));
    expect(error.extensions).toEqual({ limit: "jsonDepth", max, found: max + 1 });
  });

  it("takes the configured limit", async () => {
    const error = await failure(post(`{"query":"{a}","variables":{"v":[[1]]}}`), resolveLimits({ maxJsonDepth: 3 }));
    expect(error.extensions).toEqual({ limit: "jsonDepth", max: 3, found: 4 });
  });
});

describe("methods and URL length", () => {
  it.each(["PUT", "DELETE", "PATCH", "OPTIONS"])("405 with Allow: GET, POST for %s", async (method) => {
    const error = await failure(new Request(URL_BASE, { method }));
    expect(error).toMatchObject({ code: "METHOD_NOT_ALLOWED", status: 405, headers: { allow: "GET, POST" } });
  });

  it.each<[string, 0 | 1]>([
    ["exactly maxUrlBytes", 0],
    ["maxUrlBytes + 1 → 414", 1],
  ])("GET URL of %s", async (_name, extra) => {
    const prefix = `${URL_BASE}?query=`;
    const url = prefix + "%7Ba%7D" + "&x=" + "a".repeat(DEFAULT_LIMITS.maxUrlBytes - prefix.length - 7 - 3 + extra);
    expect(url.length).toBe(DEFAULT_LIMITS.maxUrlBytes + extra);
    if (extra === 0) return expect(await parseGraphQLParams(new Request(url), DEFAULT_LIMITS)).toMatchObject({ query: "{a}" });
    const error = await failure(new Request(url));
    expect(error).toMatchObject({ code: "URI_TOO_LONG", status: 414 });
    expect(error.extensions).toEqual({ limit: "urlLength", max: DEFAULT_LIMITS.maxUrlBytes, found: DEFAULT_LIMITS.maxUrlBytes + 1 });
  });
});

describe("validateParams", () => {
  it("is usable on already-decoded objects", () => {
    expect(validateParams({ query: "{a}", operationName: "A" })).toEqual({
      query: "{a}",
      variables: null,
      operationName: "A",
      extensions: null,
    });
  });
});
