import { describe, expect, it } from "vitest";
import { getIntrospectionQuery, parse } from "graphql";
import { GatewayError, GraphQLParseError, LimitExceededError } from "../../src/errors";
import { braceNesting, bracketNesting, checkDocumentLimits, countTokens, parseDocument } from "../../src/graphql/document";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/graphql/limits";
import { selectOperation } from "../../src/graphql/operation";

function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error("expected a throw");
}

function check(query: string, limits = DEFAULT_LIMITS, operationName: string | null = null) {
  const document = parse(query, { noLocation: true });
  return checkDocumentLimits(document, selectOperation(document, operationName).operation, limits);
}

/** `{ f { f { … } } }` with `n` nested fields. */
const nested = (n: number) => "{ " + "f { ".repeat(n - 1) + "id" + " }".repeat(n);
/** `{ a1: id a2: id … }` with `n` aliases. */
const aliased = (n: number) => "{ " + Array.from({ length: n }, (_, i) => `a${i}: id`).join(" ") + " }";
/** `{ id @include(if: true) … }` with `n` directives. */
const directed = (n: number) => "{ " + Array.from({ length: n }, () => "id @include(if: true)").join(" ") + " }";

describe("parseDocument", () => {
  it("parses a valid document without locations", () => {
    const document = parseDocument("query Q { posts { id } }", DEFAULT_LIMITS);
    expect(document.definitions).toHaveLength(1);
    expect(document.loc).toBeUndefined();
  });

  it.each([
    ["1 unclosed selection", "{ posts {"],
    ["2 empty document", ""],
    ["3 stray token", "query { posts } }"],
    ["4 bad string", '{ post(slug: "abc) { id } }'],
  ])("%s → GRAPHQL_PARSE_FAILED with locations", (_name, query) => {
    const error = caught(() => parseDocument(query, DEFAULT_LIMITS));
    expect(error).toBeInstanceOf(GraphQLParseError);
    expect(error.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(error.status).toBe(400);
    expect(error.extensions["locations"]).toEqual([expect.objectContaining({ line: expect.any(Number), column: expect.any(Number) })]);
  });

  // "{ id id … }" has n + 2 tokens for n fields.
  const withTokens = (tokens: number) => "{ " + "id ".repeat(tokens - 2) + "}";
  it.each([
    [10, 10, "ok"],
    [10, 11, "LIMIT_EXCEEDED"],
    [100, 100, "ok"],
    [100, 101, "LIMIT_EXCEEDED"],
  ])("maxTokens %i with %i tokens → %s", (max, tokens, expected) => {
    const limits = resolveLimits({ maxTokens: max });
    const query = withTokens(tokens);
    expect(countTokens(query)).toBe(tokens);
    if (expected === "ok") return expect(parseDocument(query, limits).definitions).toHaveLength(1);
    const error = caught(() => parseDocument(query, limits));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.extensions).toEqual({ limit: "tokens", max, found: tokens });
  });

  it("does not count comments as tokens", () => {
    expect(countTokens("# hello\n{ id } # bye")).toBe(3);
    expect(parseDocument("# " + "x".repeat(1000) + "\n{ id }", resolveLimits({ maxTokens: 3 })).definitions).toHaveLength(1);
  });

  it("refuses a document too deep to parse as a depth limit, without crashing", () => {
    const depth = 20_000;
    const query = "{a".repeat(depth) + "}".repeat(depth);
    const error = caught(() => parseDocument(query, resolveLimits({ maxTokens: 1_000_000 })));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.extensions).toEqual({ limit: "depth", max: DEFAULT_LIMITS.maxDepth, found: depth });
    expect(braceNesting('{ a(s: "{{{") { b } } # {{{')).toBe(2);
  });

  // Issue 19: lists nest without braces, so the depth fallback never saw them (a 500).
  it.each<[string, string, "depth" | "jsonDepth", number]>([
    ["a list value", `{ posts(where: { id_in: ${"[".repeat(100_000)}${"]".repeat(100_000)} }) { id } }`, "jsonDepth", 100_003],
    ["a variable's list type", `query($v: ${"[".repeat(100_000)}ID${"]".repeat(100_000)}) { posts { id } }`, "jsonDepth", 100_001],
    ["object values", `{ posts(where: ${"{ AND: ".repeat(100_000)}{}${" }".repeat(100_000)}) { id } }`, "depth", 100_002],
  ])("refuses %s nested 100,000 levels as a limit, without crashing", (_name, query, limit, found) => {
    const error = caught(() => parseDocument(query, resolveLimits({ maxTokens: 1_000_000 })));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.extensions).toEqual({ limit, max: limit === "depth" ? DEFAULT_LIMITS.maxDepth : DEFAULT_LIMITS.maxJsonDepth, found });
  });

  it.each<[string, number]>([
    ["{ a }", 1],
    ["{ a(x: [[1]]) { b } }", 4],
    ['{ a(s: "[[[") } # [[[', 2],
    ["query($v: [[ID]]) { a }", 3],
  ])("bracketNesting(%s) is %i", (query, depth) => {
    expect(bracketNesting(query)).toBe(depth);
  });

  it.each<[string, string, "ok" | number]>([
    ["a value at the limit", `{ posts(where: { id_in: ${"[".repeat(63)}1${"]".repeat(63)} }) { id } }`, "ok"],
    ["a value one past it", `{ posts(where: { id_in: ${"[".repeat(64)}1${"]".repeat(64)} }) { id } }`, 65],
    ["a variable default", `query($v: [ID] = ${"[".repeat(65)}1${"]".repeat(65)}) { posts { id } }`, 65],
    ["a directive argument", `{ posts @include(if: ${"[".repeat(65)}true${"]".repeat(65)}) { id } }`, 65],
    ["a variable's type", `query($v: ${"[".repeat(65)}ID${"]".repeat(65)}) { posts { id } }`, 65],
    [
      "an operation not executed",
      `query A { posts { id } } query B { posts(where: ${"{ AND: ".repeat(65)}{}${" }".repeat(65)}) { id } }`,
      66,
    ],
  ])("holds %s to maxJsonDepth", (_name, query, expected) => {
    if (expected === "ok") return expect(parseDocument(query, DEFAULT_LIMITS).definitions.length).toBeGreaterThan(0);
    const error = caught(() => parseDocument(query, DEFAULT_LIMITS));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.extensions).toEqual({ limit: "jsonDepth", max: DEFAULT_LIMITS.maxJsonDepth, found: expected });
  });
});

describe("checkDocumentLimits", () => {
  it("measures depth, aliases and directives through fragments", () => {
    const stats = check(`
      query Q($x: Boolean! @dir) @dir {
        a: posts { ...P @include(if: $x) }
        ... on Query { b: pages { id } }
      }
      fragment P on Post @dir { id author { c: name ...A } }
      fragment A on Author { d: id e: posts { id } }
    `);
    // posts > author > posts > id = 4; aliases a,b,c,d,e; directives: var, op, spread, fragment P
    expect(stats).toEqual({ depth: 4, aliases: 5, directives: 4 });
  });

  it("counts a fragment at every spread, in linear time for fragment bombs", () => {
    // F0 spreads F1 twice, … : 2^40 expanded copies of the aliased leaf.
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join("\n");
    const query = `{ ...F0 }\n${fragments}\nfragment F${levels} on Query { x: id }`;
    const started = Date.now();
    const error = caught(() => check(query));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.extensions).toEqual({ limit: "aliases", max: DEFAULT_LIMITS.maxAliases, found: 2 ** levels });
  });

  it.each([
    ["1 self-spread", "{ ...A } fragment A on Query { id ...A }"],
    ["2 two-fragment cycle", "{ ...A } fragment A on Query { b { ...B } } fragment B on Query { a { ...A } }"],
    ["3 cycle through an inline fragment", "{ ...A } fragment A on Query { ... on Query { x { ...A } } }"],
    ["4 unknown fragment", "{ ...Missing }"],
  ])("%s → GRAPHQL_VALIDATION_FAILED, never hangs", (_name, query) => {
    const error = caught(() => check(query));
    expect(error.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(error.status).toBe(400);
  });

  it("ignores unreachable fragments, even cyclic ones", () => {
    expect(check("{ id } fragment A on Query { ...A }")).toEqual({ depth: 1, aliases: 0, directives: 0 });
  });

  it("measures only the selected operation", () => {
    const query = `query Small { id } query Big ${nested(30)}`;
    expect(check(query, DEFAULT_LIMITS, "Small").depth).toBe(1);
    expect(caught(() => check(query, DEFAULT_LIMITS, "Big")).extensions).toMatchObject({ limit: "depth", found: 30 });
  });

  type Case = [limit: "depth" | "aliases" | "directives", max: number, found: number, query: string];
  const cases: Case[] = [];
  for (const max of [1, 5, 15]) {
    cases.push(["depth", max, max, nested(max)], ["depth", max, max + 1, nested(max + 1)]);
    cases.push(["aliases", max, max, aliased(max)], ["aliases", max, max + 1, aliased(max + 1)]);
    cases.push(["directives", max, max, directed(max)], ["directives", max, max + 1, directed(max + 1)]);
  }
  it.each(cases)("%s limit %i with %i found", (limit, max, found, query) => {
    const key = { depth: "maxDepth", aliases: "maxAliases", directives: "maxDirectives" }[limit];
    const limits = resolveLimits({ [key]: max });
    if (found <= max) return expect(check(query, limits)[limit]).toBe(found);
    const error = caught(() => check(query, limits));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.status).toBe(400);
    expect(error.extensions).toEqual({ limit, max, found });
  });

  it.each([
    ["depth via fragment spread", "{ a { ...F } } fragment F on A { b { c } }", { maxDepth: 2 }, "depth", 3],
    ["depth via inline fragment", "{ a { ... on A { b { c } } } }", { maxDepth: 2 }, "depth", 3],
    ["aliases via repeated spread", "{ ...F ...F } fragment F on Query { x: id }", { maxAliases: 1 }, "aliases", 2],
    ["directives on a fragment definition", "{ ...F ...F } fragment F on Query @a { id }", { maxDirectives: 1 }, "directives", 2],
  ] as const)("%s", (_name, query, partial, limit, found) => {
    expect(caught(() => check(query, resolveLimits(partial))).extensions).toMatchObject({ limit, found });
  });

  it("lets graphql-js's own introspection query through the default limits", () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
    });
    const document = parseDocument(query, DEFAULT_LIMITS);
    const stats = checkDocumentLimits(document, selectOperation(document, null).operation, DEFAULT_LIMITS);
    expect(stats.depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
  });

  it("turns stack exhaustion on absurd nesting into a depth error", () => {
    const depth = 20_000;
    const document = parse("{a".repeat(1) + "}", { noLocation: true });
    // Build an AST deeper than the stack allows without going through the (recursive) parser.
    let selectionSet: any = { kind: "SelectionSet", selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }] };
    for (let i = 0; i < depth; i++)
      selectionSet = { kind: "SelectionSet", selections: [{ kind: "Field", name: { kind: "Name", value: "a" }, selectionSet }] };
    const operation = { ...(document.definitions[0] as any), selectionSet };
    const error = caught(() => checkDocumentLimits(document, operation, DEFAULT_LIMITS));
    expect(error.extensions).toEqual({ limit: "depth", max: DEFAULT_LIMITS.maxDepth, found: depth + 1 });
  });
});
