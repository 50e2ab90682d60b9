import type { Principal } from "../auth/principal";
import { permissionFingerprint } from "../permissions/fingerprint";
import type { PermissionRule } from "../projects/types";

/** The cache-relevant identity of a principal: what it may see, not who it is. */
export interface EffectivePermissions {
  fingerprint: string;
}

/** Resolved fingerprints only: a promise shared across requests would tie one request to another's work. */
const fingerprints = new WeakMap<readonly PermissionRule[], string>();

/**
 * The fingerprint of a principal's effective rules, memoized per rules array (the project and
 * token records are cached in the isolate, so the hit path hashes nothing). Two tokens with the
 * same rules share cache entries; the public scope is part of the fingerprint, so a public request
 * never shares an entry with a token, even one whose rules happen to equal the public rules.
 *
 * @example
 * (await permissionsOf(principal)).fingerprint; // "3f2a…"
 */
export async function permissionsOf(principal: Principal): Promise<EffectivePermissions> {
  let fingerprint = fingerprints.get(principal.rules);
  if (fingerprint === undefined) {
    fingerprint = await permissionFingerprint(principal.rules);
    fingerprints.set(principal.rules, fingerprint);
  }
  return { fingerprint: `${principal.kind === "public" ? "public" : "token"}:${fingerprint}` };
}

/**
 * The same as {@link permissionsOf} when the principal's rules were fingerprinted before (the hit
 * path), without a promise; `undefined` otherwise.
 */
export function knownPermissionsOf(principal: Principal): EffectivePermissions | undefined {
  const fingerprint = fingerprints.get(principal.rules);
  return fingerprint === undefined ? undefined : { fingerprint: `${principal.kind === "public" ? "public" : "token"}:${fingerprint}` };
}
