/**
 * Third-party user tokens (SPEC §2): JWTs verified with jose against the project's JWKS URL or
 * configured public key, with explicit algorithms, issuer, audience, a required `exp` and a small
 * clock tolerance. Roles come from the configured claim and map to the project's role rules.
 */
import {
  createRemoteJWKSet,
  customFetch,
  jwksCache,
  importJWK,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
  type RemoteJWKSet,
} from "jose";
import { GatewayError } from "../errors";
import { fetcherFor } from "../origin/client";
import type { JwtSettings, PermissionRule, ProjectConfig } from "../projects/types";
import { unauthenticated, unavailable } from "./failure";

/** Seconds of clock skew tolerated on `exp` and `nbf`: small, per the issue. */
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;

/** Remote key set behaviour (jose's), overridable for tests. */
export interface JwksOptions {
  /** After a successful fetch, an unknown `kid` does not refetch for this long. jose's default: 30 s. */
  cooldownMs?: number;
  /** Keys are refetched once this old. 10 minutes (jose's default). */
  cacheMaxAgeMs?: number;
  /** A JWKS fetch is abandoned (503) after this long. */
  timeoutMs?: number;
}

export const DEFAULT_JWKS_OPTIONS: Required<JwksOptions> = { cooldownMs: 30_000, cacheMaxAgeMs: 600_000, timeoutMs: 5_000 };

export interface JwtDeps {
  serviceOrigins: ReadonlyMap<string, Fetcher>;
  now: () => number;
  jwks?: JwksOptions;
}

/** A verified JWT: its claims and the roles it names. */
export interface VerifiedJwt {
  payload: JWTPayload;
  /** Role names from the roles claim (empty when the claim is absent). */
  roles: string[];
  /** `sub`, when present. */
  userId?: string;
}

/** Whether a bearer token has the shape of a compact JWT: three base64url segments (the last may be empty, as in `alg: none`). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * Verifies `token` with the project's JWT settings at `deps.now()`.
 *
 * @throws UnauthenticatedError (401) with `extensions.reason` — see `failure.ts`;
 *   StoreUnavailableError (503, `jwks-unavailable`) when the key set cannot be fetched.
 */
export async function verifyJwt(token: string, settings: JwtSettings, deps: JwtDeps): Promise<VerifiedJwt> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyResolver(settings, deps), {
      algorithms: settings.algorithms,
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ["exp"],
      clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(deps.now()),
    }));
  } catch (error) {
    throw mapJoseError(error);
  }
  const userId = payload.sub;
  // `sub` is forwarded to the origin in a header: it must be a printable string.
  if (userId !== undefined && (typeof userId !== "string" || !/^[\x20-\x7e]{1,512}$/.test(userId))) {
    throw unauthenticated("claim-invalid", "The token's sub claim is not a usable user id.", { claim: "sub" });
  }
  const roles = rolesFrom(payload, settings.rolesClaim);
  return { payload, roles, ...(userId === undefined ? {} : { userId }) };
}

/** Role names in `claim`: a string is one role, a list of strings several, absent none. */
export function rolesFrom(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) return [...new Set(value)];
  throw unauthenticated("claim-invalid", "The token's roles claim must be a string or a list of strings.", { claim });
}

/** The union of the project's rules for `roles`; unknown roles contribute nothing. */
export function rulesForRoles(project: ProjectConfig, roles: readonly string[]): PermissionRule[] {
  return rulesForRolesWithSources(project, roles).rules;
}

/**
 * {@link rulesForRoles} with, for each rule, where it is configured (`roles.editor[2]`): what the
 * admin explain names as the rule that allowed a touch.
 */
export function rulesForRolesWithSources(project: ProjectConfig, roles: readonly string[]): { rules: PermissionRule[]; sources: string[] } {
  const rules: PermissionRule[] = [];
  const sources: string[] = [];
  for (const role of roles) {
    // Own properties only: a role named `constructor` or `__proto__` is just an unknown role.
    if (!Object.hasOwn(project.roles, role)) continue;
    (project.roles[role] ?? []).forEach((rule, i) => {
      rules.push(rule);
      sources.push(`roles.${role}[${i}]`);
    });
  }
  return { rules, sources };
}

/** Raised by {@link remoteKeyResolver}: the key set could not be had (a fetch failure, non-200, bad JSON, a timeout, unusable keys). */
export class JwksUnavailable extends Error {}
/** Raised by {@link remoteKeyResolver}: the key set has no key (or several) for the token's header. */
export class NoMatchingKey extends Error {}

/**
 * jose's key resolver over the key set at `jwksUrl` (shared cache, `remoteKeySet`), with its
 * failures narrowed to the two a caller maps: {@link NoMatchingKey} (the token's problem) and
 * {@link JwksUnavailable} (the gateway cannot decide). Project JWTs and Cloudflare Access
 * assertions (`operators/access.ts`) both verify through it.
 */
export function remoteKeyResolver(jwksUrl: string, deps: JwtDeps): JWTVerifyGetKey {
  const jwks = remoteKeySet(jwksUrl, deps);
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw new NoMatchingKey();
      throw new JwksUnavailable();
    }
  };
}

function keyResolver(settings: JwtSettings, deps: JwtDeps): JWTVerifyGetKey {
  if (settings.jwksUrl !== undefined) return remoteKeyResolver(settings.jwksUrl, deps);
  const configured = settings.publicKey;
  if (configured === undefined) throw unauthenticated("jwt-not-configured", "This project has no JWT key configured.");
  return async (header) => configuredKey(configured, header.alg ?? "");
}

/**
 * The fetched key sets, per URL and options, as plain data (jose's `jwksCache`): keys, the time
 * they were fetched, and so jose's cooldown and rotation state. A fresh jose key set is built per
 * request around this shared data rather than shared itself, because a jose key set keeps its
 * pending fetch as a promise, and in Workers a request awaiting another request's fetch is
 * cancelled as hung.
 */
const remoteCaches = new Map<string, JWKSCacheInput>();
const MAX_REMOTE_SETS = 200;

/** jose's remote key set for `jwksUrl` around this isolate's shared cache data (also Cloudflare Access's certs, src/operators/access.ts). */
export function remoteKeySet(jwksUrl: string, deps: JwtDeps): RemoteJWKSet {
  const options = { ...DEFAULT_JWKS_OPTIONS, ...deps.jwks };
  const cacheKey = `${jwksUrl}\n${options.cooldownMs}\n${options.cacheMaxAgeMs}\n${options.timeoutMs}`;
  let cache = remoteCaches.get(cacheKey);
  if (!cache) {
    cache = {};
    if (remoteCaches.size >= MAX_REMOTE_SETS) remoteCaches.delete(remoteCaches.keys().next().value as string);
    remoteCaches.set(cacheKey, cache);
  }
  const fetchJwks = fetcherFor(jwksUrl, deps.serviceOrigins);
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
    timeoutDuration: options.timeoutMs,
    [jwksCache]: cache,
    // A JWKS on a service-binding host (the demo origin) is fetched through the binding.
    [customFetch]: (url, init) => fetchJwks(url, init),
  });
}

/** Imported configured keys, per isolate, by algorithm and key text (resolved keys only: never a shared promise). */
const configuredKeys = new Map<string, CryptoKey | Uint8Array>();
const MAX_CONFIGURED_KEYS = 200;

async function configuredKey(publicKey: string | Record<string, unknown>, alg: string): Promise<CryptoKey | Uint8Array> {
  const text = typeof publicKey === "string" ? publicKey : JSON.stringify(publicKey);
  const cacheKey = `${alg}\n${text}`;
  const cached = configuredKeys.get(cacheKey);
  if (cached) return cached;
  let key: CryptoKey | Uint8Array;
  if (typeof publicKey === "string") {
    key = await importSPKI(publicKey, alg);
  } else {
    // Only the public members: a private JWK configured by mistake must not become a signing key here.
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...jwk } = publicKey as JWK;
    key = await importJWK(jwk, alg);
  }
  // A key that does not fit the token's alg is that token's problem: failures throw above and are not cached.
  if (configuredKeys.size >= MAX_CONFIGURED_KEYS) configuredKeys.delete(configuredKeys.keys().next().value as string);
  configuredKeys.set(cacheKey, key);
  return key;
}

function mapJoseError(error: unknown): Error {
  if (error instanceof JwksUnavailable)
    return unavailable("jwks-unavailable", "The project's JSON Web Key Set cannot be fetched; try again shortly.");
  if (error instanceof NoMatchingKey) return unauthenticated("unknown-key", "The token's key is not in the project's key set.");
  if (error instanceof GatewayError) return error; // already ours (e.g. jwt-not-configured)
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return unauthenticated("expired", "The token has expired.", { claim: "exp" });
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "nbf") return unauthenticated("not-yet-valid", "The token is not valid yet.", { claim: "nbf" });
      return unauthenticated(
        "claim-invalid",
        "A claim of the token is missing or not accepted.",
        typeof claim === "string" ? { claim } : {},
      );
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return unauthenticated("algorithm-not-allowed", "The token's signature algorithm is not accepted by this project.");
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return unauthenticated("invalid-signature", "The token's signature does not verify.");
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return unauthenticated("malformed-token", "The token is not a well-formed JWT.");
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWK_INVALID":
      return unauthenticated("invalid-signature", "The token's signature cannot be verified with the project's key.");
  }
  // e.g. a TypeError for a configured key that does not fit the token's alg.
  return unauthenticated("invalid-token", "The token cannot be verified.");
}
