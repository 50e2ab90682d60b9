/**
 * Cloudflare Access as the admin API's single sign-on (SPEC §5a). Access sits in front of `/admin`,
 * signs the person in through the team's identity provider (Okta, Azure AD, Google, any SAML or
 * OIDC provider) and forwards a signed assertion, `Cf-Access-Jwt-Assertion`. That header is only
 * worth anything once verified: anyone who reaches the Worker another way (workers.dev, another
 * route) can send one. It is verified here with jose against the team's keys
 * (`https://<team>/cdn-cgi/access/certs`): RS256 only, issuer `https://<team>`, the application's
 * AUD tag in `aud`, a required `exp`, a small clock tolerance.
 *
 * A user is named by the `email` claim. A service token (machine access, e.g. CI) has no e-mail:
 * Access names it by `common_name` (the token's client id), and it gets a role only from a
 * `service:<common_name>` rule of ACCESS_ROLES — never from a domain or group rule.
 */
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { JWT_CLOCK_TOLERANCE_SECONDS, JwksUnavailable, looksLikeJwt, NoMatchingKey, remoteKeyResolver, type JwtDeps } from "../auth/jwt";
import { GatewayError } from "../errors";
import { accessCertsUnavailable, accessRefused } from "./access-failure";
import { roleFor } from "./access-roles";
import type { AccessSettings } from "./access-settings";
import type { Role } from "./roles";

/** What every Access identity carries. */
interface AccessIdentityBase {
  /** Group names from the `groups` claim and `custom.groups` (identity-provider claims passed through); `[]` when none. */
  groups: string[];
  /** Access's user id (`sub`), when the token has a non-empty one. */
  sub?: string;
  /** The strongest role ACCESS_ROLES gives this identity, `null` for none. */
  role: Role | null;
}

/** A person signed in through the team's identity provider. */
export interface AccessUser extends AccessIdentityBase {
  kind: "user";
  /** The `email` claim, as Access sent it (rules compare it case-insensitively). */
  email: string;
}

/** An Access service token: no person, no e-mail, named by its client id. */
export interface AccessService extends AccessIdentityBase {
  kind: "service";
  /** The `common_name` claim: the service token's client id (`….access`). */
  commonName: string;
}

/** A verified Access identity and its role. */
export type AccessIdentity = AccessUser | AccessService;

/** Access signs application tokens with RS256 only; anything else is refused before any key is used. */
const ALGORITHMS = ["RS256"];

/**
 * Verifies a `Cf-Access-Jwt-Assertion` at `deps.now()` and maps the identity to its role.
 * `role: null` is a valid identity without a role: the caller refuses it with a 403.
 *
 * @throws UnauthenticatedError (401) with `extensions.reason` an {@link AccessFailureReason};
 *   StoreUnavailableError (503, `access-certs-unavailable`) when the team's certs cannot be fetched.
 * @example
 * const identity = await verifyAccessAssertion(c.req.header("cf-access-jwt-assertion") ?? "", config.access, {
 *   serviceOrigins: config.serviceOrigins,
 *   now: Date.now,
 * });
 * if (identity.role === null) throw new ForbiddenError(…);
 */
export async function verifyAccessAssertion(assertion: string, settings: AccessSettings, deps: JwtDeps): Promise<AccessIdentity> {
  // A cheap shape check first: a header of garbage is answered without parsing or fetching keys.
  if (assertion.length > 16_384 || !looksLikeJwt(assertion)) throw accessRefused("access-malformed", "The Access assertion is not a JWT.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, keyResolver(settings, deps), {
      algorithms: ALGORITHMS,
      issuer: `https://${settings.teamDomain}`,
      audience: settings.audience,
      requiredClaims: ["exp"],
      clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(deps.now()),
    }));
  } catch (error) {
    throw mapJoseError(error);
  }
  const groups = groupsOf(payload);
  const sub = typeof payload.sub === "string" && /^[\x20-\x7e]{1,512}$/.test(payload.sub) ? payload.sub : undefined;
  const named = sub === undefined ? {} : { sub };
  const email = payload["email"];
  if (typeof email === "string" && isEmail(email)) {
    return { kind: "user", email, groups, ...named, role: roleFor({ email, groups }, settings.roles) };
  }
  const commonName = payload["common_name"];
  // Only a token without an `email` claim is a service token: a user token with an unusable
  // e-mail must not turn into a service identity.
  if (email === undefined && typeof commonName === "string" && /^[\x21-\x7e]{1,256}$/.test(commonName)) {
    // A service token has no groups of its own; it is matched by its name alone.
    return {
      kind: "service",
      commonName,
      groups: [],
      ...named,
      role: roleFor({ commonName, groups: [] }, settings.roles),
    };
  }
  throw accessRefused("access-no-email", "The Access assertion names no user (email) and no service token (common_name).");
}

/** An address as the rules can match it: one `@`, something on both sides, printable, no spaces. */
function isEmail(value: string): boolean {
  return /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,255}$/u.test(value);
}

/**
 * Group names: Access passes an identity provider's claims through, at the top level (`groups`)
 * or, for claims configured on a SAML or OIDC provider, under `custom`. A string is one group, a
 * list several; entries that are not strings are ignored (they can only match nothing).
 */
function groupsOf(payload: JWTPayload): string[] {
  const custom = payload["custom"];
  const sources = [
    payload["groups"],
    typeof custom === "object" && custom !== null ? (custom as Record<string, unknown>)["groups"] : undefined,
  ];
  const groups = new Set<string>();
  for (const source of sources) {
    for (const group of Array.isArray(source) ? source : [source]) {
      if (typeof group === "string" && group !== "") groups.add(group);
    }
  }
  return [...groups];
}

function keyResolver(settings: AccessSettings, deps: JwtDeps): JWTVerifyGetKey {
  return remoteKeyResolver(`https://${settings.teamDomain}/cdn-cgi/access/certs`, deps);
}

function mapJoseError(error: unknown): GatewayError {
  if (error instanceof JwksUnavailable) return accessCertsUnavailable();
  if (error instanceof NoMatchingKey)
    return accessRefused("access-unknown-key", "The Access assertion's key is not among the team's keys.");
  if (error instanceof GatewayError) return error;
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return accessRefused("access-expired", "The Access assertion has expired; sign in again.");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "aud") return accessRefused("access-bad-audience", "The Access assertion is for another Access application.");
      if (claim === "iss")
        return accessRefused("access-bad-issuer", "The Access assertion was not issued by this deployment's Access team.");
      if (claim === "nbf") return accessRefused("access-not-yet-valid", "The Access assertion is not valid yet.");
      return accessRefused("access-malformed", "A claim of the Access assertion is missing or not usable.");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return accessRefused("access-algorithm", "The Access assertion is not signed with RS256.");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWK_INVALID":
      return accessRefused("access-invalid-signature", "The Access assertion's signature does not verify.");
  }
  // ERR_JWS_INVALID, ERR_JWT_INVALID and anything else jose reports of the token itself.
  return accessRefused("access-malformed", "The Access assertion is not a well-formed JWT.");
}
