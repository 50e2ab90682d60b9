/**
 * fast-check generators of whole HTTP requests for the gateway, from well-formed GraphQL-over-HTTP
 * to hostile: methods, paths (real routes, unknown projects, junk), query strings, the headers the
 * gateway reads (Accept, Content-Type, Authorization, gcms-*, hyg-*, If-None-Match, the webhook
 * signature) and bodies — valid requests, mutated JSON, random bytes, wrong types, huge and deep
 * variables, batches, deep and wide documents.
 */
import fc from "fast-check";

/** A request as generated: turned into a `Request` by the test (which may sign the webhook body). */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: string | Uint8Array;
  /** Sign the body with the project's webhook secret (only meaningful on /webhooks). */
  signWebhook: boolean;
}

/** Where the generated requests may go: a configured project, a scratch project for admin writes, credentials. */
export interface FuzzTargets {
  projectId: string;
  scratchProjectId: string;
  pat: string;
  adminToken: string;
}

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const anyText = (maxLength: number) => fc.string({ unit: "binary", maxLength });

/** Nesting depths up to 100,000 (issue 19), most of them past `maxJsonDepth` and the parser's reach. */
export const deepDepthArb = fc.oneof(
  fc.integer({ min: 10, max: 100 }),
  fc.integer({ min: 100, max: 5_000 }),
  fc.integer({ min: 5_000, max: 100_000 }),
);

/**
 * A JSON value nested `depth` levels, as a placeholder string that {@link expandDeep} writes out
 * once the request is serialized: `JSON.stringify` (and fast-check's printing of a failure) would
 * itself exhaust the stack on such a value.
 */
const deepJsonArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("arrays", "objects"), deepDepthArb)
  .map(([shape, depth]) => `<deep ${shape} ${depth}>`);

/** `text` (JSON, or JSON inside a URL parameter) with each placeholder of {@link deepJsonArb} written out. */
function expandDeep(text: string): string {
  return text.replace(/"<deep (arrays|objects) (\d+)>"/g, (_match, shape: string, digits: string) => {
    const depth = Number(digits);
    return shape === "arrays" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  });
}

/** Documents over the demo schema, valid or not, reads and writes. */
const documentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "{ posts { title } }",
    "{ posts(first: 2) { id title author { name } } }",
    '{ posts(where: { slug: "hello-edge" }) { title stage locale } }',
    "query Q($s: Stage) { posts(stage: $s) { id } }",
    "query Q($l: [Locale!]) { posts(locales: $l) { title } }",
    "query A { posts { id } } query B { authors { id } }",
    "{ __typename }",
    "{ __schema { types { name } } }",
    '{ node(id: "x") { id } }',
    "{ posts { documentInStages(stages: [DRAFT]) { id } } }",
    'mutation { deletePost(where: { id: "fuzz" }) { id } }',
    'mutation { createPost(data: { title: "fuzz" }) { id } }',
    "subscription { posts { id } }",
    "{ nope }",
    "{ posts { nope } }",
    "{",
    "",
    "query($v: Int!) { posts(first: $v) { id } }",
    "{ posts @skip(if: true) { id } }",
    "fragment F on Post { id } { posts { ...F ...F } }",
  ),
  fc.integer({ min: 1, max: 40 }).map((depth) => `{ ${"posts { author { ".repeat(depth)}id${" } }".repeat(depth)} }`),
  fc.integer({ min: 1, max: 80 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: posts { id }`).join(" ")} }`),
  fc.integer({ min: 1, max: 80 }).map((n) => `{ posts ${"@include(if: true) ".repeat(n)}{ id } }`),
  // Nesting past every limit (issue 19): selections, list and object values, list types.
  deepDepthArb.map((n) => `${"{ a ".repeat(n)}${"}".repeat(n)}`),
  deepDepthArb.map((n) => `{ posts(where: { id_in: ${"[".repeat(n)}"x"${"]".repeat(n)} }) { id } }`),
  deepDepthArb.map((n) => `{ posts(where: ${"{ AND: ".repeat(n)}{}${" }".repeat(n)}) { id } }`),
  deepDepthArb.map((n) => `query($v: ${"[".repeat(n)}ID${"]".repeat(n)}) { posts(where: { id_in: $v }) { id } }`),
  anyText(200),
);

/** Variables: absent, plausible, wrong types, huge, deeply nested. */
const variablesArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.record(
    {
      s: fc.constantFrom("DRAFT", "PUBLISHED", "NOPE", 1, null),
      l: fc.constantFrom(["en"], ["de", "en"], "en", [1], null),
      v: fc.oneof(fc.integer(), fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.json().map((text) => JSON.parse(text) as unknown),
  fc.constantFrom("a string", 42, true, [1, 2]),
  fc.integer({ min: 1_000, max: 80_000 }).map((n) => ({ pad: "x".repeat(n) })),
  deepJsonArb,
  deepJsonArb.map((v) => ({ v })),
);

const paramsArb = fc.record(
  {
    query: fc.oneof(documentArb, fc.constantFrom(1, null, [], {})),
    variables: variablesArb,
    operationName: fc.oneof(fc.constantFrom("A", "B", "Q", "", null, 7), anyText(20)),
    extensions: fc.oneof(
      fc.constant({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } }),
      fc
        .string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 })
        .map((sha256Hash) => ({ persistedQuery: { version: 1, sha256Hash } })),
      fc.constantFrom(null, "x", [], { persistedQuery: "x" }),
      deepJsonArb.map((x) => ({ x })),
    ),
  },
  { requiredKeys: [] },
);

/** Requests a client would send: a readable document, fitting variables and operation name. */
const plausibleParamsArb = fc.oneof(
  fc.record({
    query: fc.constantFrom(
      "{ posts { title } }",
      "{ posts(first: 2) { id title author { name } } }",
      '{ posts(where: { slug: "hello-edge" }) { title stage locale } }',
      "{ authors { name posts { title } } }",
      "{ __typename }",
    ),
  }),
  fc.record({
    query: fc.constant("query Q($s: Stage) { posts(stage: $s) { id } }"),
    variables: fc.record({ s: fc.constantFrom("PUBLISHED", "DRAFT") }),
  }),
  fc.record({
    query: fc.constant("query Q($l: [Locale!]) { posts(locales: $l) { title } }"),
    variables: fc.record({ l: fc.constantFrom(["en"], ["de", "en"]) }),
  }),
  fc.record({ query: fc.constant("query A { posts { id } } query B { authors { id } }"), operationName: fc.constantFrom("A", "B") }),
  fc.record({
    query: fc.constant("query P($n: Int) { posts(first: $n) { id } }"),
    variables: fc.record({ n: fc.integer({ min: 0, max: 5 }) }),
  }),
);

/** A JSON text with random single-character edits (deletions, insertions, replacements). */
const mutatedJson = fc
  .tuple(
    paramsArb.map((p) => expandDeep(JSON.stringify(p) ?? "{}")),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom("del", "ins", "set"),
        fc.constantFrom("{", "}", "[", "]", '"', ",", ":", "\\", "\u0000", "é", "1", " "),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, op, ch] of edits) {
      const i = out.length ? at % out.length : 0;
      out =
        op === "del"
          ? out.slice(0, i) + out.slice(i + 1)
          : op === "ins"
            ? out.slice(0, i) + ch + out.slice(i)
            : out.slice(0, i) + ch + out.slice(i + 1);
    }
    return out;
  });

const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  { weight: 8, arbitrary: plausibleParamsArb.map((p) => JSON.stringify(p)) },
  { weight: 3, arbitrary: paramsArb.map((p) => expandDeep(JSON.stringify(p))) },
  { weight: 2, arbitrary: mutatedJson },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_048 }) },
  { weight: 1, arbitrary: fc.json().filter((text) => !text.startsWith("{")) },
  { weight: 1, arbitrary: fc.array(paramsArb, { minLength: 0, maxLength: 4 }).map((batch) => expandDeep(JSON.stringify(batch))) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60_000, max: 200_000 })
      .map((n) => JSON.stringify({ query: "{ posts { id } }", variables: { pad: "y".repeat(n) } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          operation: fc.constantFrom("publish", "update", "delete", "x", 1),
          data: fc.oneof(
            fc.record(
              {
                __typename: fc.constantFrom("Post", "Author", "Nope", "1x", 3),
                id: fc.string(),
                stage: fc.constantFrom("DRAFT", "PUBLISHED", "x"),
              },
              { requiredKeys: [] },
            ),
            fc.array(fc.record({ __typename: fc.constantFrom("Post", "Page") }), { maxLength: 3 }),
            fc.constant(null),
          ),
        },
        { requiredKeys: [] },
      )
      .map((b) => JSON.stringify(b)),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: anyText(300) },
);

function pathArb(t: FuzzTargets): fc.Arbitrary<string> {
  const project = fc.constantFrom(t.projectId, t.scratchProjectId, "nope", "", "..", "%2e%2e", "demo%00");
  const env = fc.constantFrom("master", "staging", "", "%0d%0a");
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(`/content/${t.projectId}/master`) },
    { weight: 2, arbitrary: fc.constant(`/v2/${t.projectId}/master`) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom("content", "v2", "webhooks"), project, env).map(([route, p, e]) => `/${route}/${p}/${e}`),
    },
    { weight: 2, arbitrary: fc.constant(`/webhooks/${t.projectId}/master`) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("", "/tokens", "/tokens/nope", "/purge", "/stats", "/schema", "/schema/refresh")
        .map((tail) => `/admin/projects/${t.scratchProjectId}/master${tail}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("/purge", "/stats", "/schema", "/tokens").map((tail) => `/admin/projects/${t.projectId}/master${tail}`),
    },
    { weight: 1, arbitrary: fc.constantFrom("/healthz", "/", "/content", "/content/", "/admin", "/favicon.ico") },
    { weight: 1, arbitrary: fc.webPath() },
  );
}

function queryString(p: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    search.set(key, typeof value === "string" ? value : expandDeep(JSON.stringify(value) ?? ""));
  }
  return `?${search}`;
}

function queryStringArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: plausibleParamsArb.map(queryString) },
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 2, arbitrary: paramsArb.map(queryString) },
    { weight: 1, arbitrary: fc.webQueryParameters().map((q) => (q ? `?${q}` : "")) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "?query=%7B",
        "?query={posts{id}}&query={posts{id}}",
        "?variables=%7Bnope",
        "?query=%E0%A4%A",
        "?utm_source=x&query=%7B%20posts%20%7B%20id%20%7D%20%7D",
      ),
    },
  );
}

/** A header that is absent, usual or hostile, with those weights. */
function header(
  name: string,
  usual: fc.Arbitrary<string>,
  hostile: fc.Arbitrary<string>,
  weights: [absent: number, usual: number, hostile: number],
) {
  return fc.oneof(
    { weight: weights[0], arbitrary: fc.constant(undefined) },
    { weight: weights[1], arbitrary: usual.map((value): [string, string] => [name, value]) },
    { weight: weights[2], arbitrary: hostile.map((value): [string, string] => [name, value]) },
  );
}

function headersArb(t: FuzzTargets): fc.Arbitrary<[string, string][]> {
  return fc
    .tuple(
      header(
        "accept",
        fc.constantFrom(
          "application/json",
          "application/graphql-response+json",
          "application/graphql-response+json, application/json;q=0.9",
          "*/*",
        ),
        fc.oneof(fc.constantFrom("text/html", "application/xml", "application/json;q=0", "text/event-stream"), printable(60)),
        [4, 5, 1],
      ),
      header(
        "content-type",
        fc.constantFrom("application/json", "application/json; charset=utf-8"),
        fc.oneof(
          fc.constantFrom(
            "application/json; charset=latin1",
            "application/graphql",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
          ),
          printable(60),
        ),
        [1, 7, 2],
      ),
      header(
        "authorization",
        fc.constantFrom(`Bearer ${t.pat}`),
        fc.oneof(
          fc.constantFrom(
            `Bearer ${t.adminToken}`,
            "Bearer ",
            "Bearer cep_",
            "Basic YTpi",
            "bearer x y",
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
          ),
          printable(80).map((s) => `Bearer ${s}`),
          printable(40),
        ),
        [5, 3, 2],
      ),
      header(
        "gcms-stage",
        fc.constantFrom("PUBLISHED", "DRAFT"),
        fc.oneof(fc.constantFrom("published", "", "NOPE", "DRAFT,PUBLISHED"), printable(20)),
        [6, 3, 1],
      ),
      header(
        "gcms-locales",
        fc.constantFrom("en", "de", "en,de", "de, en"),
        fc.oneof(fc.constantFrom(",", "xx", "en,,de"), printable(30)),
        [6, 3, 1],
      ),
      header(
        "hyg-stale-while-revalidate",
        fc.nat(1_000).map(String),
        fc.constantFrom("-1", "1e9", "abc", "", "99999999999999999999"),
        [8, 1, 1],
      ),
      header("hyg-stale-if-error", fc.nat(100_000).map(String), fc.constantFrom("-1", "99999999999999999999", "x"), [8, 1, 1]),
      header("if-none-match", fc.constantFrom("*", 'W/"x"', '"abc"'), printable(40), [8, 1, 1]),
      header("gcms-signature", fc.constant("sign=AAAA, env=master, t=1"), printable(80), [8, 1, 1]),
    )
    .map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined));
}

/** One generated request against `targets`. */
export function requestArb(targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom("GET", "POST") },
        { weight: 2, arbitrary: fc.constantFrom("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "QUERY") },
      ),
      path: pathArb(targets),
      query: queryStringArb(),
      headers: headersArb(targets),
      body: bodyArb,
      signWebhook: fc.boolean(),
    })
    .map(({ method, path, query, headers, body, signWebhook }) => ({
      method,
      path: path + query,
      headers,
      ...(method === "GET" || method === "HEAD" || body === undefined ? {} : { body }),
      signWebhook,
    }));
}
