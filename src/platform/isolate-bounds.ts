/**
 * Every in-isolate memory bound that distinct cached queries can fill, in one place: each is the
 * bound of an LRU (`lru.ts`), in bytes as its own `sizeOf` estimates them. An isolate has 128 MiB
 * for everything; the soak's heap bound is their sum (`bench/bounds.mjs` reads this module, which
 * therefore imports nothing).
 *
 * Not here, because 100,000 distinct cached queries of one document do not fill them: the APQ
 * registry (only persisted queries), the views of the project authorities (an LRU of projects,
 * each bounded by the authority's entry-member limit), project, schema and PAT copies (LRUs per
 * project / token), the project directory (one name per configured project, and an LRU of names
 * found nowhere). None grows with names a client invents: an unknown project reaches none of them
 * but the last (`src/authority/directory.ts`).
 */

const MiB = 1024 * 1024;

/** The memory cache layer of responses (`src/cache/memory-cache.ts`); a larger entry stays out of memory. */
export const MEMORY_CACHE_BOUNDS = { maxEntries: 5_000, maxBytes: 24 * MiB, maxEntryBytes: 1 * MiB } as const;

/** Cache keys remembered per request shape (`src/pipeline/key-plan.ts`). */
export const KEY_PLAN_BOUNDS = { maxEntries: 5_000, maxBytes: 16 * MiB } as const;

/** Permission decisions remembered per request shape (`src/pipeline/decision-memo.ts`). */
export const DECISION_MEMO_BOUNDS = { maxEntries: 5_000, maxBytes: 16 * MiB } as const;

/** Parsed and checked client documents, by text (`src/pipeline/parse-operation.ts`). */
export const PARSED_DOCUMENT_BOUNDS = { maxEntries: 2_000, maxBytes: 8 * MiB } as const;

/** Normalized documents of cache keys, by text (`src/cache/key.ts`). */
export const NORMALIZED_DOCUMENT_BOUNDS = { maxEntries: 2_000, maxBytes: 8 * MiB } as const;

/** The fast path's map of repeated hits (`src/pipeline/fast-path.ts`): references to entries the memory layer holds too. */
export const FAST_PATH_BOUNDS = { maxEntries: 5_000, maxBytes: 16 * MiB } as const;
