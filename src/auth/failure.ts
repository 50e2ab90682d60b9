import { StoreUnavailableError, UnauthenticatedError } from "../errors";

/**
 * Why a bearer token was refused: sent as `extensions.reason` next to `code: "UNAUTHENTICATED"`
 * (or `SERVICE_UNAVAILABLE` for the two store reasons). Stable; branch on these, never on wording.
 */
export type AuthFailureReason =
  /** `Authorization` is present but not `Bearer <b64token>` (RFC 6750 §2.1). */
  | "malformed-authorization"
  /** An opaque token that is not a PAT of this project and environment. */
  | "unknown-token"
  /** A PAT that was revoked through the admin API. */
  | "revoked"
  /** A PAT past its `expiresAt`, or a JWT past its `exp` (beyond the clock tolerance). */
  | "expired"
  /** A JWT whose `nbf` lies in the future (beyond the clock tolerance). */
  | "not-yet-valid"
  /** A JWT-shaped token for a project without `jwt` settings. */
  | "jwt-not-configured"
  /** A JWT that does not parse as a compact JWS/JWT. */
  | "malformed-token"
  /** A JWT whose `alg` is not one of the project's `jwt.algorithms` (`none`, `HS256`, …). */
  | "algorithm-not-allowed"
  /** A JWT whose `kid`/`alg` matches no key of the key set (after jose's refetch rules). */
  | "unknown-key"
  /** A JWT whose signature does not verify with the selected key. */
  | "invalid-signature"
  /** A JWT with a missing or wrong claim (`exp` missing, `iss`, `aud`, `sub`, roles claim); `extensions.claim` names it. */
  | "claim-invalid"
  /** A JWT refused for another reason jose reported. */
  | "invalid-token"
  /** A verified JWT whose app (`azp`, else `client_id`, else `iss`) an operator revoked (SPEC §5a). */
  | "APP_REVOKED"
  /** A verified JWT whose user (`sub`) an operator revoked. */
  | "USER_REVOKED"
  /** A verified JWT issued before an operator's issuedBefore cut (or that cannot show when it was issued). */
  | "TOKEN_REVOKED";

/** Reasons of the 503 answers: the gateway cannot decide, so it refuses (fail closed). */
export type AuthUnavailableReason = "store-unavailable" | "jwks-unavailable";

/**
 * A 401 with `WWW-Authenticate: Bearer …` and `extensions.reason`. The message never contains
 * the presented token.
 */
export function unauthenticated(reason: AuthFailureReason, message: string, extra: Record<string, unknown> = {}): UnauthenticatedError {
  return new UnauthenticatedError(
    message,
    { reason, ...extra },
    reason === "malformed-authorization" ? "invalid_request" : "invalid_token",
  );
}

/** A 503: a store the decision depends on could not be read. */
export function unavailable(reason: AuthUnavailableReason, message: string): StoreUnavailableError {
  return new StoreUnavailableError(message, { reason });
}
