/**
 * A fingerprint of a principal's effective permissions, part of every cache key: two principals
 * with the same rules share entries, and principals with different rules (public versus a token
 * that sees more) never do.
 */
import type { PermissionRule } from "../projects/types";
import { canonicalJson } from "../platform/canonical-json";

/**
 * The canonical text of a rule set: every rule with sorted names and sorted condition keys, the
 * rules sorted and deduplicated. Rule order and duplicates do not change what is allowed, so they
 * do not change the text either.
 *
 * @example
 * canonicalRules([{ action: ["read"], model: "*", stages: ["PUBLISHED"], locales: "*" }]);
 * // '[{"action":["read"],"locales":"*","model":"*","stages":["PUBLISHED"]}]'
 */
export function canonicalRules(rules: readonly PermissionRule[]): string {
  const sortNames = (s: PermissionRule["model"]) => (s === "*" ? "*" : [...new Set(s)].sort());
  const texts = rules.map((r) =>
    canonicalJson({
      action: sortNames(r.action),
      model: sortNames(r.model),
      stages: sortNames(r.stages),
      locales: sortNames(r.locales),
      condition: r.condition,
    }),
  );
  return `[${[...new Set(texts)].sort().join(",")}]`;
}

/**
 * SHA-256 (hex) of the canonical rules, prefixed with a version so a change to the canonical
 * form can never make old and new keys collide.
 *
 * @example
 * await permissionFingerprint(publicRules) === await permissionFingerprint([...publicRules].reverse()); // true
 */
export async function permissionFingerprint(rules: readonly PermissionRule[]): Promise<string> {
  const bytes = new TextEncoder().encode(`content-edge-permissions-v1\n${canonicalRules(rules)}`);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
