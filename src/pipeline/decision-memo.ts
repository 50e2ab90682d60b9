import { DECISION_MEMO_BOUNDS } from "../platform/isolate-bounds";
import { Lru } from "../platform/lru";
import type { Authorised } from "./authorise";

/**
 * Decisions already made in this isolate, by everything a decision depends on: the caller's
 * permission fingerprint, the schema, the project's defaults, the stage and locale headers, the
 * token's default stage, and the operation (text, name, variables). A repeated request — the
 * cache-hit path — reuses the analysis and decision instead of walking the document again.
 * Refusals are remembered too (the same request is refused the same way); anything that is not a
 * decision (a store or origin failure) is never remembered.
 */
const decisions = new Lru<{ allowed: Authorised } | { refused: unknown }>({
  ...DECISION_MEMO_BOUNDS,
  sizeOf: (value, key) => key.length * 2 + ("allowed" in value ? value.allowed.query.length * 2 + 256 : 256),
});

/**
 * The memo key of one decision. Fields are joined with a separator that cannot occur in GraphQL
 * names, header values or JSON, so distinct inputs never produce the same key.
 *
 * @example
 * decisionKey(["token:3f2a…", "sha…", "PUBLISHED", "en", "true", "", "", "", "", "null", "{ posts { id } }"]);
 */
export function decisionKey(parts: readonly string[]): string {
  return parts.join("\u0000");
}

/**
 * Returns the memoized decision for `key`, or makes it with `decide` and remembers it. A refusal
 * is re-thrown as it was first thrown.
 *
 * @example
 * const allowed = memoizedDecision(key, () => authorise(input), isDecision);
 */
export function memoizedDecision(key: string, decide: () => Authorised, isDecision: (error: unknown) => boolean): Authorised {
  const known = decisions.get(key);
  if (known) {
    if ("allowed" in known) return known.allowed;
    throw known.refused;
  }
  try {
    const allowed = decide();
    decisions.set(key, { allowed });
    return allowed;
  } catch (error) {
    if (isDecision(error)) decisions.set(key, { refused: error });
    throw error;
  }
}
