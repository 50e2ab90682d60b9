/**
 * Connected apps and users (SPEC §5a): which app and user a verified third-party JWT names, and
 * whether an operator's revocation cuts it off. Pure: no storage, no clock of its own. The
 * revocations come from the project authority's view (`authority/view.ts`), so a revocation made
 * at one location reaches every location within the global bound.
 *
 * - **App**: `azp`, else `client_id`, else `iss` — the first that is a non-empty string.
 * - **User**: `sub`.
 * - **issuedBefore T**: every token whose `iat` lies before T (for a key compromise: every session
 *   issued before the new key). A token that cannot prove it was issued after T is refused too
 *   (fail closed): one without a numeric `iat`, and one whose `iat` lies in the future (beyond the
 *   clock tolerance), since a future `iat` is exactly what a holder of a compromised key would write
 *   to escape the cut.
 */
import type { JWTPayload } from "jose";
import { JWT_CLOCK_TOLERANCE_SECONDS } from "./jwt";

export type JwtRevocationKind = "app" | "subject" | "issuedBefore";

/** One operator revocation of third-party JWTs. */
export interface JwtRevocation {
  id: string;
  kind: JwtRevocationKind;
  /** The app name, the subject, or (issuedBefore) an ISO 8601 time. */
  value: string;
  /** When it was made (ms since the epoch). */
  createdAt: number;
}

/** `extensions.reason` of a revoked JWT's `401 UNAUTHENTICATED`. */
export type JwtRevokedReason = "APP_REVOKED" | "USER_REVOKED" | "TOKEN_REVOKED";

/** Revocations indexed for the per-request check: two set lookups and one comparison. */
export interface RevocationIndex {
  apps: ReadonlySet<string>;
  subjects: ReadonlySet<string>;
  /** The latest issuedBefore time (ms); `-Infinity` when there is none. Only the latest matters. */
  issuedBefore: number;
}

/** An index that revokes nothing. */
export const NO_REVOCATIONS: RevocationIndex = { apps: new Set(), subjects: new Set(), issuedBefore: -Infinity };

/**
 * Indexes a list of revocations (an unparseable issuedBefore time is ignored: the admin API never
 * stores one).
 *
 * @example indexRevocations([{ id: "r1", kind: "app", value: "mobile", createdAt: 0 }]).apps.has("mobile"); // true
 */
export function indexRevocations(revocations: readonly JwtRevocation[]): RevocationIndex {
  if (revocations.length === 0) return NO_REVOCATIONS;
  const apps = new Set<string>();
  const subjects = new Set<string>();
  let issuedBefore = -Infinity;
  for (const r of revocations) {
    if (r.kind === "app") apps.add(r.value);
    else if (r.kind === "subject") subjects.add(r.value);
    else if (r.kind === "issuedBefore") {
      const at = Date.parse(r.value);
      if (Number.isFinite(at) && at > issuedBefore) issuedBefore = at;
    }
  }
  return { apps, subjects, issuedBefore };
}

/**
 * The app a verified JWT names: `azp`, else `client_id`, else `iss` (the first non-empty string);
 * `null` when it names none.
 *
 * @example appOf({ iss: "https://id.example", client_id: "web" }); // "web"
 */
export function appOf(payload: JWTPayload): string | null {
  for (const claim of ["azp", "client_id", "iss"] as const) {
    const value = payload[claim];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

/**
 * Whether a verified JWT is revoked at `now` (ms), and why. When several revocations match, the
 * broadest wins: the app, then the user, then the time.
 *
 * @example
 * revocationOf({ azp: "mobile", sub: "u1", iat: 1_900_000_000 }, [{ id: "r1", kind: "subject", value: "u1", createdAt: 0 }], Date.now());
 * // { reason: "USER_REVOKED" }
 */
export function revocationOf(
  payload: JWTPayload,
  revocations: RevocationIndex | readonly JwtRevocation[],
  now: number,
): { reason: JwtRevokedReason } | null {
  const index = isIndex(revocations) ? revocations : indexRevocations(revocations);
  if (index.apps.size > 0) {
    const app = appOf(payload);
    if (app !== null && index.apps.has(app)) return { reason: "APP_REVOKED" };
  }
  if (index.subjects.size > 0 && typeof payload.sub === "string" && index.subjects.has(payload.sub)) return { reason: "USER_REVOKED" };
  if (index.issuedBefore !== -Infinity) {
    const iat = payload.iat;
    // No usable iat, or one in the future: the token cannot show it was issued after the cut.
    if (typeof iat !== "number" || !Number.isFinite(iat)) return { reason: "TOKEN_REVOKED" };
    const issuedAt = iat * 1000;
    if (issuedAt < index.issuedBefore || issuedAt > now + JWT_CLOCK_TOLERANCE_SECONDS * 1000) return { reason: "TOKEN_REVOKED" };
  }
  return null;
}

function isIndex(value: RevocationIndex | readonly JwtRevocation[]): value is RevocationIndex {
  return !Array.isArray(value);
}
