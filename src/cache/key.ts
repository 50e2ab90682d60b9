/**
 * The cache key: everything that can change a `/content` answer, and nothing else (SPEC §3).
 *
 * RFC 9111 §2 says a cache's primary key is the method and target URI; for GraphQL the "target"
 * is the operation, so the gateway builds its own secondary key (like RFC 9111 §4.1 `Vary`) from
 * the effective request: project, environment, effective stage and locales, the normalized
 * document, operation name, canonical variables and the caller's permission fingerprint.
 * Invalidation is not part of the key: every entry carries the authority members it depends on
 * and the sequence number it was fetched at, and is judged against the location's view of the
 * authority on every read (`src/authority`). Client-only `extensions` (APQ hash, tracing flags)
 * are not an input at all.
 */
import { Kind, parse, print, valueFromASTUntyped, visit, type DocumentNode, type GraphQLError } from "graphql";
import { GraphQLParseError } from "../errors";
import { sha256Hex } from "../platform/hash";
import { NORMALIZED_DOCUMENT_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";
import { canonicalJson } from "../platform/canonical-json";

/**
 * Key-format version, the first component of every key and of the Cache API URL. Bump it whenever
 * the key material or the stored entry format changes, so a deploy never serves entries written
 * by an older format (they simply stop being addressed and age out).
 */
export const KEY_VERSION = "v2";

/** Origin of the synthetic URLs under which entries are stored in the Workers Cache API. */
export const CACHE_KEY_ORIGIN = "https://cache.content-edge.internal";

/** What `normalizeDocument` learns from a document text; memoized per text. */
export interface NormalizedDocument {
  /** Canonical printed document: no comments or insignificant whitespace, order-independent parts sorted. */
  text: string;
  /** Per operation name (`""` for an anonymous operation): declared variables and their defaults. */
  operations: Map<string, { declared: readonly string[]; defaults: Record<string, unknown> }>;
}

/** Documents memoized by text, bounded by count and by source text (UTF-16 estimate): `NORMALIZED_DOCUMENT_BOUNDS`. */
const documents = new Lru<NormalizedDocument>({
  ...NORMALIZED_DOCUMENT_BOUNDS,
  sizeOf: (doc, key) => (key.length + doc.text.length) * 2 + 256,
});

const byName = (a: { name: { value: string } }, b: { name: { value: string } }) =>
  a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0;

/**
 * Normalizes a GraphQL document so that texts that differ only in whitespace, commas, comments,
 * the order of variable definitions, of field/directive arguments, of input-object fields or of
 * top-level definitions print identically. Selection order is kept: it shapes the response.
 * A text is parsed and memoized per text in a bounded LRU, so the hit path never re-parses; a
 * document already parsed (the pipeline's forwarded document) is normalized as it is.
 *
 * @throws {GraphQLParseError} when the text is not a GraphQL document.
 * @example
 * normalizeDocument("query Q($b: Int, $a: Int) { posts(skip: $b, first: $a) { id } } # hi").text ===
 *   normalizeDocument("query Q($a:Int,$b:Int){posts(first:$a,skip:$b){id}}").text; // true
 */
export function normalizeDocument(source: string | DocumentNode): NormalizedDocument {
  if (typeof source !== "string") return normalizeAst(source);
  const memo = documents.get(source);
  if (memo) return memo;
  let ast: DocumentNode;
  try {
    ast = parse(source, { noLocation: true });
  } catch (error) {
    throw new GraphQLParseError((error as GraphQLError).message);
  }
  const result = normalizeAst(ast);
  documents.set(source, result);
  return result;
}

function normalizeAst(ast: DocumentNode): NormalizedDocument {
  const sorted = visit(ast, {
    Document: (node) => ({ ...node, definitions: [...node.definitions].sort(definitionOrder) }),
    OperationDefinition: (node) => ({
      ...node,
      variableDefinitions: [...(node.variableDefinitions ?? [])].sort((a, b) => byName(a.variable, b.variable)),
    }),
    Field: (node) => ({ ...node, arguments: [...(node.arguments ?? [])].sort(byName) }),
    Directive: (node) => ({ ...node, arguments: [...(node.arguments ?? [])].sort(byName) }),
    ObjectValue: (node) => ({ ...node, fields: [...node.fields].sort(byName) }),
  });
  const operations: NormalizedDocument["operations"] = new Map();
  for (const def of sorted.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const defaults: Record<string, unknown> = {};
    const declared: string[] = [];
    for (const v of def.variableDefinitions ?? []) {
      declared.push(v.variable.name.value);
      if (v.defaultValue) defaults[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
    }
    operations.set(def.name?.value ?? "", { declared, defaults });
  }
  return { text: print(sorted), operations };
}

function definitionOrder(a: DocumentNode["definitions"][number], b: DocumentNode["definitions"][number]): number {
  const ka = `${a.kind}:${"name" in a && a.name ? a.name.value : ""}`;
  const kb = `${b.kind}:${"name" in b && b.name ? b.name.value : ""}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The variables that decide the answer, canonically: for the selected operation, each declared
 * variable with its provided value, or its default when absent/`undefined` (GraphQL spec
 * §6.1.2 CoerceVariableValues: absent and default are the same input; an explicit `null` is not,
 * and stays distinct). Undeclared variables are dropped: execution never reads them.
 * When the operation is unknown (the request will fail validation) variables are kept as given.
 *
 * @example
 * const doc = normalizeDocument("query Q($first: Int = 10, $skip: Int) { posts(first: $first, skip: $skip) { id } }");
 * canonicalVariables(doc, "Q", { skip: 0, extra: 1 }); // { first: 10, skip: 0 }
 */
export function canonicalVariables(
  doc: NormalizedDocument,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const given = variables ?? {};
  const op = keyedOperation(doc, operationName).operation;
  if (!op) return { ...given };
  const out: Record<string, unknown> = {};
  for (const name of op.declared) {
    const value = given[name] !== undefined ? given[name] : op.defaults[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The operation a key is for and the name the key records: the named one, or the document's only
 * one (the name `null` when it is anonymous). The pipeline chose the operation at parse
 * (`selectOperation`, GraphQL spec §6.1) and forwards a document holding only it, so this finds
 * that one; it decides nothing.
 */
function keyedOperation(doc: NormalizedDocument, operationName: string | null | undefined) {
  if (operationName) return { name: operationName, operation: doc.operations.get(operationName) };
  if (doc.operations.size !== 1) return { name: null, operation: undefined };
  const [name, operation] = doc.operations.entries().next().value!;
  return { name: name || null, operation };
}

/** Everything a cached answer depends on. Values are the *effective* ones, never raw headers. */
export interface CacheKeyInput {
  projectId: string;
  environment: string;
  /** Effective stage (argument, `gcms-stage`, token default or project default already applied). */
  stage: string;
  /** Effective locales in fallback order: order matters to Hygraph (`[de, en]` ≠ `[en, de]`). */
  locales: readonly string[];
  /** The document text (after APQ resolution). */
  query: string;
  /** The same document already parsed, when it is at hand: it is normalized without parsing `query`. */
  document?: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Fingerprint of the caller's effective permissions (not the token), e.g. from the permission module. */
  permissionFingerprint: string;
}

/** The key as a digest and as the Cache API URL that stores it. */
export interface CacheKey {
  /** Lower-case hex SHA-256 of the canonical key material. */
  digest: string;
  /** `https://cache.content-edge.internal/<KEY_VERSION>/<project>/<env>/<digest>` */
  url: string;
}

/**
 * Computes the cache key. Two requests get the same key exactly when they share project,
 * environment, stage, locales (in order), normalized document, operation name (an omitted name
 * equals the only operation's name), canonical variables and permission fingerprint.
 *
 * `keyVersion` exists for tests; production code leaves the default.
 *
 * @throws {GraphQLParseError} when `query` does not parse.
 * @example
 * const { url } = await cacheKey({ projectId: "demo", environment: "master", stage: "PUBLISHED",
 *   locales: ["en"], query: "{ posts { id } }", permissionFingerprint: "public:ab12" });
 * // url === "https://cache.content-edge.internal/v2/demo/master/<64 hex>"
 */
export async function cacheKey(input: CacheKeyInput, keyVersion: string = KEY_VERSION): Promise<CacheKey> {
  const parts = cacheKeyParts(input, keyVersion).map((part) => canonicalJson(part));
  const digest = await sha256Hex(`[${parts.join(",")}]`);
  return {
    digest,
    url: `${CACHE_KEY_ORIGIN}/${keyVersion}/${encodeURIComponent(input.projectId)}/${encodeURIComponent(input.environment)}/${digest}`,
  };
}

/**
 * The parts of a cache key, in the order they are hashed (also what the admin explain shows):
 * key version, project, environment, stage, locales, normalized document, operation name,
 * canonical variables, permission fingerprint.
 *
 * @example cacheKeyParts({ projectId: "demo", environment: "master", stage: "PUBLISHED", locales: ["en"], query: "{ posts { id } }", permissionFingerprint: "public:ab" })[5]; // "{\n  posts {\n    id\n  }\n}"
 */
export function cacheKeyParts(
  input: CacheKeyInput,
  keyVersion: string = KEY_VERSION,
): [string, string, string, string, string[], string, string | null, Record<string, unknown>, string] {
  const doc = normalizeDocument(input.document ?? input.query);
  const op = keyedOperation(doc, input.operationName).name;
  return [
    keyVersion,
    input.projectId,
    input.environment,
    input.stage,
    [...input.locales],
    doc.text,
    op,
    canonicalVariables(doc, input.operationName, input.variables),
    input.permissionFingerprint,
  ];
}

/** Test/diagnostic hook: how many documents are memoized. */
export function memoizedDocumentCount(): number {
  return documents.size;
}
