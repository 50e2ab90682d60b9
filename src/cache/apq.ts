/**
 * Automatic persisted queries, Apollo's protocol (SPEC §1): a client sends
 * `extensions.persistedQuery = { version: 1, sha256Hash }` — with only the hash first, so GET URLs
 * stay short and CDN-cacheable — and, on `PersistedQueryNotFound`, again with the query, which
 * the gateway checks against the hash and registers.
 *
 * Registered documents live in Workers KV (`apq:v1:<hash>`, 30 days since the last registration)
 * behind an in-isolate LRU, so a hash-only hit normally costs no I/O at all.
 */
import { BadRequestError, PersistedQueryHashMismatchError, PersistedQueryNotFoundError } from "../errors";
import { sha256Hex } from "../platform/hash";
import { Lru } from "../platform/lru";

/** The subset of Workers KV this module needs (`KVNamespace` satisfies it). */
export interface KVLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
}

/** The `extensions.persistedQuery` member. */
export interface PersistedQueryExtension {
  version: 1;
  sha256Hash: string;
}

/** Where persisted documents are kept. */
export interface PersistedQueryRegistry {
  get(hash: string): Promise<string | undefined>;
  /** Stores a document under its (already verified) hash. */
  put(hash: string, query: string): Promise<void>;
}

/** KV lifetime of a registered document: 30 days; clients re-register on `PersistedQueryNotFound`. */
export const APQ_TTL_SECONDS = 30 * 24 * 3600;

/**
 * `PersistedQueryRegistry` over KV plus an in-isolate LRU (2,000 documents / 8 MiB).
 * `put` fills the LRU synchronously and writes KV only for a hash this isolate has not stored yet,
 * so repeated registrations do not become repeated KV writes.
 *
 * @example
 * const registry = new KvPersistedQueryRegistry(env.CONFIG);
 * const resolved = await resolvePersistedQuery(body, registry);
 * if (resolved.register) ctx.waitUntil(registry.put(resolved.hash!, resolved.query));
 */
export class KvPersistedQueryRegistry implements PersistedQueryRegistry {
  private readonly lru = new Lru<string>({ maxEntries: 2_000, maxBytes: 8 * 1024 * 1024, sizeOf: (q) => q.length * 2 + 160 });

  constructor(private readonly kv: KVLike) {}

  async get(hash: string): Promise<string | undefined> {
    const local = this.lru.get(hash);
    if (local !== undefined) return local;
    const stored = await this.kv.get(`apq:v1:${hash}`, "text");
    if (stored === null) return undefined;
    this.lru.set(hash, stored);
    return stored;
  }

  async put(hash: string, query: string): Promise<void> {
    if (this.lru.peek(hash) === query) return;
    this.lru.set(hash, query);
    await this.kv.put(`apq:v1:${hash}`, query, { expirationTtl: APQ_TTL_SECONDS });
  }
}

/**
 * Reads and validates `extensions.persistedQuery`; `undefined` when absent.
 *
 * @throws {BadRequestError} when it is present but not `{ version: 1, sha256Hash: <64 hex> }`.
 * @example readPersistedQuery({ persistedQuery: { version: 1, sha256Hash: "ab…" } }); // { version: 1, sha256Hash: "ab…" }
 */
export function readPersistedQuery(extensions: unknown): PersistedQueryExtension | undefined {
  if (!extensions || typeof extensions !== "object") return undefined;
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (pq === undefined || pq === null) return undefined;
  if (typeof pq !== "object") throw new BadRequestError("extensions.persistedQuery must be an object.");
  const { version, sha256Hash } = pq as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1)
    throw new BadRequestError("Unsupported persisted query version; only version 1 is supported.", {
      field: "extensions.persistedQuery.version",
    });
  if (typeof sha256Hash !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256Hash)) {
    throw new BadRequestError("extensions.persistedQuery.sha256Hash must be 64 hexadecimal characters.", {
      field: "extensions.persistedQuery.sha256Hash",
    });
  }
  return { version: 1, sha256Hash: sha256Hash.toLowerCase() };
}

/** The outcome of APQ resolution. */
export interface ResolvedQuery {
  /** The document text to execute. */
  query: string;
  /** The persisted-query hash when APQ was used. */
  hash?: string;
  /**
   * `true` when the request carried both query and hash (verified) and the document should be
   * registered — after it has parsed and passed the checks, so invalid documents are never stored.
   */
  register: boolean;
}

/**
 * Resolves the document of a GraphQL-over-HTTP request under Apollo APQ:
 * - no `persistedQuery` → the `query` as sent (`BadRequestError` when there is none);
 * - hash + query → the query, if `sha256Hex(query)` equals the hash (else
 *   `PersistedQueryHashMismatchError`, 400 `PERSISTED_QUERY_SHA_MISMATCH`, nothing stored);
 * - hash only → the registered document, or `PersistedQueryNotFoundError`
 *   (`PERSISTED_QUERY_NOT_FOUND`, answered 200 and never cached).
 *
 * @example
 * const { query } = await resolvePersistedQuery({ extensions: { persistedQuery: { version: 1, sha256Hash } } }, registry);
 */
export async function resolvePersistedQuery(
  request: { query?: unknown; extensions?: unknown },
  registry: PersistedQueryRegistry,
): Promise<ResolvedQuery> {
  const pq = readPersistedQuery(request.extensions);
  const query = typeof request.query === "string" && request.query.length > 0 ? request.query : undefined;
  if (!pq) {
    if (query === undefined) throw new BadRequestError("Missing query.", { field: "query" });
    return { query, register: false };
  }
  if (query !== undefined) {
    if ((await sha256Hex(query)) !== pq.sha256Hash) throw new PersistedQueryHashMismatchError();
    return { query, hash: pq.sha256Hash, register: true };
  }
  const stored = await registry.get(pq.sha256Hash);
  if (stored === undefined) throw new PersistedQueryNotFoundError(pq.sha256Hash);
  return { query: stored, hash: pq.sha256Hash, register: false };
}
