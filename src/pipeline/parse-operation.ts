import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { KvPersistedQueryRegistry, resolvePersistedQuery } from "../cache/apq";
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
}

/**
 * Parsed documents by text. A repeated request (the cache-hit path) must not re-parse or
 * re-check its document; the memo is bounded by count and by the size of the texts it holds.
 */
const documents = new Lru<{ document: DocumentNode; checked: Map<string, { operation: OperationDefinitionNode; kind: OperationKind }> }>({
  ...PARSED_DOCUMENT_BOUNDS,
  sizeOf: (_value, key) => key.length * 4,
});
const registries = new WeakMap<KVNamespace, KvPersistedQueryRegistry>();

/**
 * Step 2 of the pipeline for one operation: resolves an Apollo persisted query (on `/content`),
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
): Promise<ParsedOperation> {
  const registry = readOnly ? registryFor(config.kv) : undefined;
  const resolved = await resolvePersistedQuery(
    { query: params.query, extensions: readOnly ? params.extensions : undefined },
    registry ?? { get: async () => undefined, put: async () => undefined },
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

  const operation: ParsedOperation = { params: { ...params, query }, document: parsed.document, ...chosen };
  if (resolved.register && resolved.hash && registry) {
    const hash = resolved.hash;
    operation.registerPersistedQuery = (waitUntil) => waitUntil(registry.put(hash, query));
  }
  return operation;
}

function registryFor(kv: KVNamespace): KvPersistedQueryRegistry {
  let registry = registries.get(kv);
  if (!registry) {
    registry = new KvPersistedQueryRegistry(kv);
    registries.set(kv, registry);
  }
  return registry;
}
