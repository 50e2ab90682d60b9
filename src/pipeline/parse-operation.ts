import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { KvPersistedQueryRegistry, resolvePersistedQuery, type PersistedQueryRegistry } from "../cache/apq";
import { sha256Hex } from "../platform/hash";
import { PARSED_DOCUMENT_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";
import type { GatewayConfig } from "../config/gateway-config";
import { checkDocumentLimits, parseDocument } from "../graphql/document";
import { assertMethodAllowsOperation, assertReadOnly, selectOperation, type OperationKind } from "../graphql/operation";
import type { GraphQLParams } from "../http/graphql-params";
import type { ProjectRef } from "../projects/types";

/** One operation of a request after step 2: its text resolved, parsed, bounded and chosen. */
export interface ParsedOperation {
  params: GraphQLParams & { query: string };
  document: DocumentNode;
  operation: OperationDefinitionNode;
  kind: OperationKind;
  /** Set when an APQ request carried hash and query: registers the document once it is known good. */
  registerPersistedQuery?: (waitUntil: (promise: Promise<unknown>) => void) => void;
  /** The SHA-256 (hex) of the document's text: the APQ hash when one was checked, else computed once per text. */
  hash: () => Promise<string>;
}

/**
 * Finds the text of a document the project trusts by its hash (`undefined`: not trusted). Asked
 * for a hash-only request before the APQ registry, on `/content` and `/v2` (SPEC §3c).
 */
export type TrustedLookup = (sha256: string) => Promise<string | undefined>;

/** One parsed text: its document, its checked operations by name, and its hash once computed. */
interface ParsedText {
  document: DocumentNode;
  checked: Map<string, { operation: OperationDefinitionNode; kind: OperationKind }>;
  sha256?: string;
}

/**
 * Parsed documents by text. A repeated request (the cache-hit path) must not re-parse or
 * re-check its document; the memo is bounded by count and by the size of the texts it holds.
 */
const documents = new Lru<ParsedText>({
  ...PARSED_DOCUMENT_BOUNDS,
  sizeOf: (_value, key) => key.length * 4,
});
const registries = new WeakMap<KVNamespace, KvPersistedQueryRegistry>();

/**
 * Step 2 of the pipeline for one operation: resolves a hash-only request from the project's
 * trusted documents (`trusted`, both endpoints), else an Apollo persisted query (on `/content`),
 * parses the document within the token limit, chooses the operation, checks depth, aliases and
 * directives, and applies the endpoint's method rules (`/content` refuses mutations and
 * subscriptions before the origin is contacted).
 *
 * @example
 * const op = await parseOperation(params, true, config, request, { projectId: "demo", environment: "master" });
 * op.kind; // "query"
 */
export async function parseOperation(
  params: GraphQLParams,
  readOnly: boolean,
  config: GatewayConfig,
  request: Request,
  ref: ProjectRef,
  trusted?: TrustedLookup,
): Promise<ParsedOperation> {
  const registry = readOnly ? registryFor(config.kv) : undefined;
  // /v2 resolves trusted hashes only: it never registered APQ documents and still does not.
  const resolved = await resolvePersistedQuery(
    { query: params.query, extensions: readOnly || trusted ? params.extensions : undefined },
    lookupOf(trusted, registry),
  );
  const query = resolved.query;

  let parsed = documents.get(query);
  if (!parsed) {
    parsed = { document: parseDocument(query, config.limits), checked: new Map() };
    documents.set(query, parsed);
  }
  const name = params.operationName ?? "";
  let chosen = parsed.checked.get(name);
  if (!chosen) {
    const selected = selectOperation(parsed.document, params.operationName);
    checkDocumentLimits(parsed.document, selected.operation, config.limits);
    chosen = { operation: selected.operation, kind: selected.kind };
    parsed.checked.set(name, chosen);
  }

  if (readOnly) {
    // Queries pass; only a refusal needs the /v2 address it names (built then, not per request).
    if (chosen.kind !== "query") {
      const v2 = new URL(`/v2/${encodeURIComponent(ref.projectId)}/${encodeURIComponent(ref.environment)}`, request.url);
      assertReadOnly(chosen.kind, request.method, v2.toString());
    }
  } else {
    assertMethodAllowsOperation(chosen.kind, request.method);
  }

  const text = parsed;
  const checkedHash = resolved.hash;
  const hash = async (): Promise<string> => checkedHash ?? (text.sha256 ??= await sha256Hex(query));
  const operation: ParsedOperation = { params: { ...params, query }, document: parsed.document, ...chosen, hash };
  if (resolved.register && resolved.hash && registry) {
    const hash = resolved.hash;
    operation.registerPersistedQuery = (waitUntil) => waitUntil(registry.put(hash, query));
  }
  return operation;
}

/** Trusted documents first (no I/O once the location holds the set), then the APQ registry; only the registry registers. */
function lookupOf(trusted: TrustedLookup | undefined, registry: PersistedQueryRegistry | undefined): PersistedQueryRegistry {
  return {
    get: async (hash) => (trusted ? await trusted(hash) : undefined) ?? (registry ? await registry.get(hash) : undefined),
    put: async (hash, query) => registry?.put(hash, query),
  };
}

function registryFor(kv: KVNamespace): KvPersistedQueryRegistry {
  let registry = registries.get(kv);
  if (!registry) {
    registry = new KvPersistedQueryRegistry(kv);
    registries.set(kv, registry);
  }
  return registry;
}
