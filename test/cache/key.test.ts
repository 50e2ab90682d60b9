import { describe, expect, it } from "vitest";
import { parse, print } from "graphql";
import { CACHE_KEY_ORIGIN, KEY_VERSION, cacheKey, canonicalVariables, normalizeDocument, type CacheKeyInput } from "../../src/cache/key";
import { canonicalJson } from "../../src/platform/canonical-json";
import { GraphQLParseError } from "../../src/errors";

const base: CacheKeyInput = {
  projectId: "demo",
  environment: "master",
  stage: "PUBLISHED",
  locales: ["en"],
  query: "query Posts($first: Int, $skip: Int) { posts(first: $first, skip: $skip) { id title } }",
  operationName: "Posts",
  variables: { first: 10, skip: 0 },
  permissionFingerprint: "fp-public",
};

const key = (patch: Partial<CacheKeyInput>, version?: string) => cacheKey({ ...base, ...patch }, version);

describe("cache key equivalences", () => {
  it.each<[string, Partial<CacheKeyInput>]>([
    ["whitespace", { query: "query   Posts(\n$first: Int,\n $skip: Int)\n{\n  posts(first: $first, skip: $skip) {\n id\n title\n }\n}" }],
    ["commas as whitespace", { query: "query Posts($first: Int $skip: Int) { posts(first: $first skip: $skip) { id, title, } }" }],
    [
      "comments",
      { query: "# list\nquery Posts($first: Int, $skip: Int) { # the posts\n posts(first: $first, skip: $skip) { id title } }" },
    ],
    ["variable key order", { variables: { skip: 0, first: 10 } }],
    ["variable definition order", { query: "query Posts($skip: Int, $first: Int) { posts(first: $first, skip: $skip) { id title } }" }],
    ["argument order", { query: "query Posts($first: Int, $skip: Int) { posts(skip: $skip, first: $first) { id title } }" }],
    ["undeclared variables", { variables: { first: 10, skip: 0, utm_source: "x" } }],
    ["undefined variable vs absent", { variables: { first: 10, skip: 0, other: undefined } }],
    ["omitted operation name of the only operation", { operationName: undefined }],
    ["permission fingerprint equal (different token, same rules)", { permissionFingerprint: "fp-public" }],
  ])("%s → same key", async (_name, patch) => {
    expect((await key(patch)).digest).toBe((await key({})).digest);
  });

  it("nested variable objects are canonical (key order recursive)", async () => {
    const q = "query Q($where: PostWhereInput) { posts(where: $where) { id } }";
    const a = await key({ query: q, operationName: "Q", variables: { where: { slug: "a", author: { id: "1", name: "x" } } } });
    const b = await key({ query: q, operationName: "Q", variables: { where: { author: { name: "x", id: "1" }, slug: "a" } } });
    expect(a.digest).toBe(b.digest);
  });

  it("input-object literal field order is irrelevant", async () => {
    const a = await key({ query: '{ posts(where: { slug: "a", id: "1" }) { id } }', operationName: null, variables: {} });
    const b = await key({ query: '{ posts(where: { id: "1", slug: "a" }) { id } }', operationName: null, variables: {} });
    expect(a.digest).toBe(b.digest);
  });

  it("absent variable equals its declared default; explicit null does not", async () => {
    const q = "query Q($first: Int = 10) { posts(first: $first) { id } }";
    const absent = await key({ query: q, operationName: "Q", variables: {} });
    const same = await key({ query: q, operationName: "Q", variables: { first: 10 } });
    const explicitNull = await key({ query: q, operationName: "Q", variables: { first: null } });
    expect(absent.digest).toBe(same.digest);
    expect(explicitNull.digest).not.toBe(absent.digest);
  });

  it("fragment definition order is irrelevant", async () => {
    const a = await key({
      query: "query Posts { posts { ...A ...B } } fragment A on Post { id } fragment B on Post { title }",
      variables: {},
    });
    const b = await key({
      query: "fragment B on Post { title } query Posts { posts { ...A ...B } } fragment A on Post { id }",
      variables: {},
    });
    expect(a.digest).toBe(b.digest);
  });
});

describe("cache key separations", () => {
  it.each<[string, Partial<CacheKeyInput>, string?]>([
    ["stage", { stage: "DRAFT" }],
    ["locales", { locales: ["de"] }],
    ["locale fallback order", { locales: ["en", "de"] }],
    ["more locales", { locales: ["de", "en"] }],
    ["variables", { variables: { first: 11, skip: 0 } }],
    ["variable null vs absent (no default)", { variables: { first: 10, skip: null } }],
    ["variable type (string vs number)", { variables: { first: "10", skip: 0 } }],
    ["permission fingerprint", { permissionFingerprint: "fp-token-editor" }],
    ["project", { projectId: "other" }],
    ["environment", { environment: "staging" }],
    [
      "field order (shapes the response)",
      { query: "query Posts($first: Int, $skip: Int) { posts(first: $first, skip: $skip) { title id } }" },
    ],
    ["alias", { query: "query Posts($first: Int, $skip: Int) { posts(first: $first, skip: $skip) { id name: title } }" }],
    ["key version", {}, "v0"],
  ])("%s → different key", async (_name, patch, version) => {
    expect((await key(patch, version)).digest).not.toBe((await key({})).digest);
  });

  it("operation name selects a different operation of the same document", async () => {
    const query = "query A { posts { id } } query B { posts { id } }";
    const a = await key({ query, operationName: "A", variables: {} });
    const b = await key({ query, operationName: "B", variables: {} });
    expect(a.digest).not.toBe(b.digest);
  });

  it("project/env cannot collide through separators", async () => {
    const a = await key({ projectId: "a:b", environment: "c" });
    const b = await key({ projectId: "a", environment: "b:c" });
    expect(a.digest).not.toBe(b.digest);
  });
});

describe("cache key from a parsed document", () => {
  it.each([
    ["the base query", base.query, "Posts"],
    ["an anonymous query", '{ posts(where: { title_contains: "a", id_in: ["1", "2"] }) { id } }', null],
    [
      "defaults, directives and fragments",
      'query Q($b: Int = 2, $a: String = "x") { ...F posts(skip: $b) @include(if: true) { id } } fragment F on Query { pages(first: 1) { id } }',
      null,
    ],
    ["block strings and escapes", 'query { posts(where: { title: """multi\n  line ""\\" text""", slug: "tab\\t \\u00e9" }) { id } }', null],
    ["one named operation of several", "query A { posts { id } } query B($n: Int) { pages(first: $n) { id } }", "B"],
  ])(
    "%s: the same key as its printed text (the pipeline keys the forwarded AST without re-parsing it)",
    async (_name, query, operationName) => {
      const document = parse(query);
      const variables = { first: 1, n: 3 };
      const fromText = await cacheKey({ ...base, query: print(document), operationName, variables });
      const fromAst = await cacheKey({ ...base, query: print(document), document, operationName, variables });
      expect(fromAst).toEqual(fromText);
      expect(normalizeDocument(document)).toEqual(normalizeDocument(print(document)));
    },
  );
});

describe("cache key output", () => {
  it("is a SHA-256 hex digest inside a versioned Cache API URL", async () => {
    const k = await key({ projectId: "my project", environment: "master" });
    expect(k.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(k.url).toBe(`${CACHE_KEY_ORIGIN}/${KEY_VERSION}/my%20project/master/${k.digest}`);
    expect(k.url.startsWith("https://cache.content-edge.internal/v2/")).toBe(true);
  });

  it("memoizes normalization per document text (the hit path does not re-parse)", () => {
    const text = "{ memoTest { id } }";
    const first = normalizeDocument(text);
    expect(normalizeDocument(text)).toBe(first);
  });

  it("rejects a document that does not parse with GRAPHQL_PARSE_FAILED", async () => {
    await expect(key({ query: "{ posts { id " })).rejects.toMatchObject({ code: "GRAPHQL_PARSE_FAILED" });
    expect(() => normalizeDocument("{")).toThrow(GraphQLParseError);
  });

  it("canonicalJson sorts keys recursively and follows JSON for undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: null } })).toBe('{"a":{"c":null,"d":[1,null]},"b":1}');
  });

  it("canonicalVariables keeps declared variables, applies defaults, keeps unknown operations' variables", () => {
    const doc = normalizeDocument("query Q($first: Int = 10, $skip: Int) { posts(first: $first, skip: $skip) { id } }");
    expect(canonicalVariables(doc, "Q", { skip: 0, extra: 1 })).toEqual({ first: 10, skip: 0 });
    expect(canonicalVariables(doc, "Nope", { a: 1 })).toEqual({ a: 1 });
  });
});
