import { StoreUnavailableError, UnauthenticatedError } from "../errors";

/**
 * Why a Cloudflare Access assertion (`Cf-Access-Jwt-Assertion`) was refused: sent as
 * `extensions.reason` next to `code: "UNAUTHENTICATED"`. Stable; branch on these, never on wording.
 * Their own names, apart from a content token's (src/auth/failure.ts), so a 401 from `/admin`
 * says which credential failed.
 */
export type AccessFailureReason =
  /** Past its `exp` (beyond the clock tolerance). */
  | "access-expired"
  /** Its `nbf` lies in the future (beyond the clock tolerance). */
  | "access-not-yet-valid"
  /** `aud` does not contain the application's AUD tag: a token of another Access application. */
  | "access-bad-audience"
  /** `iss` is not `https://<ACCESS_TEAM_DOMAIN>`: a token of another team or issuer. */
  | "access-bad-issuer"
  /** Signed with anything but RS256 (`none`, `HS256` key confusion, …). */
  | "access-algorithm"
  /** Its `kid` matches no key of the team's certs (after jose's refetch rules). */
  | "access-unknown-key"
  /** The signature does not verify with the selected key. */
  | "access-invalid-signature"
  /** Not a compact JWT, a payload that is not a JSON object, or without `exp`. */
  | "access-malformed"
  /** Neither a usable `email` (a user) nor a `common_name` (a service token): nobody to name. */
  | "access-no-email";

/** A 401 for an Access assertion; the message never contains the assertion. */
export function accessRefused(reason: AccessFailureReason, message: string): UnauthenticatedError {
  return new UnauthenticatedError(message, { reason });
}

/** A 503: the team's certs could not be fetched, so the gateway cannot decide and refuses (fail closed). */
export function accessCertsUnavailable(): StoreUnavailableError {
  return new StoreUnavailableError("The Cloudflare Access team's signing keys cannot be fetched; try again shortly.", {
    reason: "access-certs-unavailable",
  });
}
