/**
 * Request limits of the GraphQL endpoints (SPEC §1 "Limits, each a clear error and never a
 * crash"). Everything a client can make the gateway work harder with is bounded here: bytes read
 * (body, URL), tokens lexed, the shape of the parsed document (depth, aliases, directives), how
 * deeply a JSON value or an input value nests, plus the number of operations in a JSON-array batch.
 *
 * The shape-limits follow the usual GraphQL hardening practice (graphql-armor's max-depth,
 * max-aliases, max-tokens and max-directives plugins; Stellate and Hygraph enforce the same kinds
 * of bounds) but are checked by `src/graphql/document.ts` without any schema, before the origin or
 * the permission engine ever sees the document.
 */

/** Every limit, as positive integers (`maxBatch` may be 0). */
export interface RequestLimits {
  /** Largest request body accepted, in bytes; above it `413` (RFC 9110 §15.5.14). */
  readonly maxBodyBytes: number;
  /** Longest request URL accepted (the whole absolute URL), in bytes; above it `414` (RFC 9110 §15.5.15). */
  readonly maxUrlBytes: number;
  /** Deepest field nesting, counted through fragments; `{ a }` has depth 1. */
  readonly maxDepth: number;
  /** Most aliased fields in the executed operation, fragments expanded at every spread. */
  readonly maxAliases: number;
  /** Most lexical tokens in the document (graphql-js `parse({ maxTokens })`; comments excluded). */
  readonly maxTokens: number;
  /** Most directive applications in the executed operation, fragments expanded at every spread. */
  readonly maxDirectives: number;
  /** Most operations in one JSON-array batch; `0` refuses batches altogether. */
  readonly maxBatch: number;
  /**
   * Deepest nesting of objects and arrays in a JSON value the gateway parses (a request body, the
   * `variables`/`extensions` URL parameters, an admin or webhook body) and of lists and input
   * objects in a value written in the document; `{}` and `[1]` have depth 1. At most
   * {@link MAX_JSON_DEPTH_CEILING}.
   */
  readonly maxJsonDepth: number;
}

/**
 * The highest `maxJsonDepth` a deployment may configure. Past the check, values are walked by
 * code that recurses once per level (graphql-js's variable coercion among them), so the limit is
 * also what keeps those walks far from the stack's end: workerd's stack holds a few thousand
 * levels of such walks, and no real filter or rich text comes near a thousand.
 */
export const MAX_JSON_DEPTH_CEILING = 1_000;

/**
 * The limits used when a deployment configures none.
 *
 * - `maxBodyBytes` 64 KiB and `maxUrlBytes` 16 KiB: fixed by SPEC §1; 16 KiB is also the URL
 *   size Cloudflare's edge itself accepts, so a longer GET could never have reached us anyway.
 * - `maxDepth` 15: graphql-js's own `getIntrospectionQuery()` (what GraphiQL and codegen send)
 *   nests exactly 15 levels, and real content queries (page → sections → entries → relations) stay
 *   well under it, while it still stops recursive `author { posts { author { … } } }` bombs.
 * - `maxAliases` 30: page queries legitimately alias a handful to a couple of dozen root fields
 *   (`hero: post(…)`, `latest: posts(…)`), and more than that is almost always alias-based
 *   amplification of one expensive field (graphql-armor's default is 15; we allow CMS pages more).
 * - `maxTokens` 10 000: large code-generated page queries with many fragments reach a few thousand
 *   tokens; 10k keeps parsing well under a millisecond while a 64 KiB body could hold ~30k.
 * - `maxDirectives` 50: `@include`/`@skip` on optional sections rarely exceed a dozen; 50 (the
 *   graphql-armor default) stops directive-flooding without touching real documents.
 * - `maxBatch` 0: batches are refused unless enabled (SPEC §1), since one HTTP request carrying
 *   many operations bypasses per-request rate limits and complicates caching.
 * - `maxJsonDepth` 64: a Hygraph `where` filter nests two levels per `AND`/`OR`/`NOT` (an object
 *   and its list) and one per relation (`author: { posts_some: { … } }`), so a filter ten boolean
 *   levels and several relations deep stays near 30 inside a request body; rich text (`RichTextAST`)
 *   nests about four levels per indented list. Thousands of levels are only ever a stack-exhaustion
 *   attempt (issue 19: 3,000 levels of `[` in `variables` were a 500).
 */
export const DEFAULT_LIMITS: RequestLimits = Object.freeze({
  maxBodyBytes: 65_536,
  maxUrlBytes: 16_384,
  maxDepth: 15,
  maxAliases: 30,
  maxTokens: 10_000,
  maxDirectives: 50,
  maxBatch: 0,
  maxJsonDepth: 64,
});

/** Largest value each limit may take, where it is bounded. */
const CEILINGS: Partial<Record<keyof RequestLimits, number>> = { maxJsonDepth: MAX_JSON_DEPTH_CEILING };

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof RequestLimits)[];

/**
 * Merges `partial` over {@link DEFAULT_LIMITS} and validates the result once, at build time:
 * every limit must be a positive safe integer (`maxBatch` may also be `0`; `maxJsonDepth` is at
 * most {@link MAX_JSON_DEPTH_CEILING}), and unknown keys are refused so a typo never silently
 * leaves a default in place. Throws a plain `Error` naming the bad key — bad deployment
 * configuration, not a client error.
 *
 * @example
 * const limits = resolveLimits({ maxDepth: 10, maxBatch: 5 });
 * limits.maxDepth; // 10
 * limits.maxBodyBytes; // 65536
 * resolveLimits({ maxDepth: 0 }); // throws Error("Invalid request limit maxDepth: …")
 */
export function resolveLimits(partial: Partial<RequestLimits> = {}): RequestLimits {
  for (const key of Object.keys(partial)) {
    if (!(LIMIT_KEYS as string[]).includes(key)) {
      throw new Error(`Unknown request limit ${key}; known limits are ${LIMIT_KEYS.join(", ")}.`);
    }
  }
  const resolved: { -readonly [K in keyof RequestLimits]: number } = { ...DEFAULT_LIMITS };
  for (const key of LIMIT_KEYS) {
    const value: unknown = partial[key];
    if (value === undefined) continue;
    const min = key === "maxBatch" ? 0 : 1;
    const max = CEILINGS[key] ?? Number.MAX_SAFE_INTEGER;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new Error(`Invalid request limit ${key}: expected an integer ${range}, got ${String(value)}.`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved);
}
