/**
 * Who is asking (SPEC §2): the public, a permanent auth token (PAT) or a third-party user's JWT.
 * The pipeline calls {@link authenticate} once per request, after the project is known and before
 * anything is decided, cached or forwarded.
 */
import type { ProjectConfig, ProjectRef } from "../projects/types";
import { unauthenticated } from "./failure";
import { looksLikeJwt, rulesForRoles, verifyJwt, type JwksOptions } from "./jwt";
import { appOf, revocationOf } from "./jwt-revocations";
import type { Authority } from "../authority/client";
import type { WaitUntil } from "../platform/wait-until";
import type { PatRecord } from "./pat-record";
import { looksLikePat, patStore } from "./pat-store";
import type { Principal } from "./principal";

export interface AuthenticateDeps {
  /** The CONFIG namespace holding PAT records. */
  kv: KVNamespace;
  /** The project authorities: token revocations, recently issued tokens, JWT revocations. */
  authority: Authority;
  /** Where a verified JWT's app is counted (this isolate's `AppsRecorder`: memory only, flushed in the background). */
  apps: AppCounter;
  waitUntil: WaitUntil;
  /** Hosts reached through service bindings (a JWKS URL on one is fetched through it). */
  serviceOrigins: ReadonlyMap<string, Fetcher>;
  /** Epoch milliseconds; PAT `expiresAt` and JWT `exp`/`nbf` are checked against it. Default `Date.now`. */
  now?: () => number;
  /** Remote JWKS cache/cooldown overrides (tests); jose's defaults otherwise. */
  jwks?: JwksOptions;
}

/** Counts one request of a third-party app (`stats/apps-recorder.ts`). */
export interface AppCounter {
  count(ref: ProjectRef, app: string, waitUntil?: WaitUntil): void;
}

/** RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Authenticates a request for `project`:
 *
 * - no `Authorization` header → `{ kind: "public", rules: project.publicPermissions }`;
 * - `Bearer <JWT-shaped token>` (three base64url segments) → JWT verification only, then its app
 *   is counted and it is checked against the project's JWT revocations as of the location's view of
 *   the authority (`401`, `reason` `APP_REVOKED` / `USER_REVOKED` / `TOKEN_REVOKED`);
 * - `Bearer <anything else>` → PAT lookup only (and only a `cep_…`-shaped token reaches KV).
 *
 * A JWT never falls through to the PAT lookup, nor a PAT to JWT verification.
 *
 * @throws UnauthenticatedError (401, `WWW-Authenticate: Bearer …`, `extensions.reason` from
 *   `failure.ts`) for a malformed header or an unknown, revoked, expired or badly signed token;
 *   StoreUnavailableError (503) when KV or the JWKS cannot be read — never a guess.
 * @example
 * const principal = await authenticate(c.req.raw, project, ref, { kv, serviceOrigins });
 * if (principal.kind === "jwt") headers.set("gcms-user-id", principal.userId ?? "");
 */
export async function authenticate(request: Request, project: ProjectConfig, ref: ProjectRef, deps: AuthenticateDeps): Promise<Principal> {
  const header = request.headers.get("authorization");
  if (header === null) return { kind: "public", rules: project.publicPermissions };
  const token = BEARER.exec(header.trim())?.[1];
  if (token === undefined) {
    throw unauthenticated("malformed-authorization", "Authorization must be `Bearer <token>`.");
  }
  const now = deps.now ?? Date.now;

  if (looksLikeJwt(token)) {
    if (!project.jwt) throw unauthenticated("jwt-not-configured", "This project does not accept JWTs.");
    const verified = await verifyJwt(token, project.jwt, {
      serviceOrigins: deps.serviceOrigins,
      now,
      ...(deps.jwks ? { jwks: deps.jwks } : {}),
    });
    // Counted before the revocation check: an operator sees a revoked app that keeps calling.
    const app = appOf(verified.payload);
    if (app !== null) deps.apps.count(ref, app, deps.waitUntil);
    // Never skipped: the fast path serves no JWT request, so this is every JWT request's check.
    const view = deps.authority.current(ref) ?? (await deps.authority.view(ref, deps.waitUntil));
    const revoked = revocationOf(verified.payload, view.revocations.index, now());
    if (revoked) throw unauthenticated(revoked.reason, "The token has been revoked for this project.");
    return {
      kind: "jwt",
      rules: rulesForRoles(project, verified.roles),
      roles: verified.roles,
      claims: claimsOf(verified.payload),
      ...(verified.userId === undefined ? {} : { userId: verified.userId }),
    };
  }

  // Not PAT-shaped: refused without a KV read.
  if (!looksLikePat(token)) throw unauthenticated("unknown-token", "The token is not valid for this project.");
  const found = await patStore({ kv: deps.kv, authority: deps.authority, waitUntil: deps.waitUntil, now }).lookup(ref, token);
  if (found.status === "revoked") throw unauthenticated("revoked", "The token has been revoked.");
  if (found.status === "unknown") throw unauthenticated("unknown-token", "The token is not valid for this project.");
  return patPrincipal(found.record, now());
}

/** A verified JWT's `iss` and `azp` (else `client_id`) when they are printable strings, bounded. */
function claimsOf(payload: Record<string, unknown>): { iss?: string; azp?: string } {
  const text = (value: unknown) => (typeof value === "string" && /^[\x20-\x7e]{1,512}$/.test(value) ? value : undefined);
  const iss = text(payload["iss"]);
  const azp = text(payload["azp"]) ?? text(payload["client_id"]);
  return { ...(iss === undefined ? {} : { iss }), ...(azp === undefined ? {} : { azp }) };
}

/**
 * The principal of an active PAT record at `now` (ms): its rules, id and default stage.
 *
 * @throws UnauthenticatedError (401, `reason: expired`) once `expiresAt` has passed.
 */
export function patPrincipal(record: PatRecord, now: number): Principal {
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) {
    throw unauthenticated("expired", "The token has expired.");
  }
  return {
    kind: "pat",
    rules: record.permissions,
    tokenId: record.id,
    ...(record.expiresAt === undefined ? {} : { expiresAt: Date.parse(record.expiresAt) }),
    ...(record.defaultStage === undefined ? {} : { defaultStage: record.defaultStage }),
  };
}
