/**
 * Origin protection on the request path (SPEC §3c): the project's miss rate limit
 * (`rateLimits`) and origin concurrency (`limits.originConcurrency`), applied around each request
 * the gateway is about to send to the origin — never around a cache hit, which does not get here.
 *
 * Order: the rate limit first (a refused client takes no slot), then a slot. The slot is held only
 * for the origin call itself; an entry check (the follow-up request) takes a slot of its own, so
 * it counts against the concurrency too but never waits while holding one (no deadlock at 1).
 * The rate limit counts the client's own requests (a miss, the revalidation it triggers, every
 * `/v2` request), not the follow-ups the gateway adds to them.
 *
 * - **Concurrency** is counted per isolate ({@link OriginGate}), which is the closest thing to
 *   "per location" a Worker has without a round trip: Cloudflare runs several isolates in a busy
 *   location, so the cap at a location is `originConcurrency` × its isolates.
 * - **Rate** is counted at the project's authority object (`authority/miss-window.ts`), so the
 *   number holds over every location; one RPC per miss (a miss already costs an origin request).
 */
import type { Authority } from "../authority/client";
import type { Principal } from "../auth/principal";
import { OriginBusyError, RateLimitedError } from "../errors";
import { sha256Base64Url } from "../platform/hash";
import { Lru } from "../platform/lru";
import { OriginGate } from "../platform/origin-gate";
import { authorityName } from "../authority/client";
import { DEFAULT_ORIGIN_QUEUE_MS } from "../projects/validate-limits";
import type { ProjectConfig, ProjectRef, RateLimits } from "../projects/types";

/** Waiters per slot: past this many, waiting `originQueueMs` more would not get a slot anyway. */
const QUEUE_PER_SLOT = 4;
/** The most requests that may wait for one project's slots in an isolate. */
const MAX_QUEUE = 1_000;
/** Added to a slot's longest legitimate hold before it is taken back. */
const HOLD_MARGIN_MS = 1_000;
/** Projects whose gates an isolate keeps (a pushed-out busy gate only loosens its cap for a moment). */
const MAX_GATES = 1_000;

const gates = new Lru<OriginGate>({ maxEntries: MAX_GATES });
/** Clients this isolate was told are over their limit, with when their window frees (ms since the epoch). */
const refused = new Lru<number>({ maxEntries: 10_000 });

/** Wraps one origin call: `followUp` is a request the gateway adds (an entry check). */
export type OriginLimiter = <T>(call: () => Promise<T>, followUp: boolean) => Promise<T>;

export interface OriginLimitsInput {
  ref: ProjectRef;
  project: Pick<ProjectConfig, "limits" | "rateLimits">;
  principal: Principal;
  /** The client's request: `CF-Connecting-IP`. */
  request: Request;
  authority: Pick<Authority, "countMiss">;
  /** The origin call's deadline: a slot held much longer belongs to a cancelled request. */
  originTimeoutMs: number;
}

/**
 * The limiter for one request's origin calls; a plain pass-through when the project sets no limits.
 *
 * @throws RateLimitedError (429) when the client is over `rateLimits.missesPerMinute`
 * @throws OriginBusyError (503) when no slot was free within `limits.originQueueMs`
 *
 * @example
 * const limited = originLimiter({ ref, project, principal, request, authority, originTimeoutMs: 10_000 });
 * const answer = await limited(() => callOrigin(options), false);
 */
export function originLimiter(input: OriginLimitsInput): OriginLimiter {
  const { limits, rateLimits } = input.project;
  const gate = limits?.originConcurrency
    ? gateFor(input.ref, limits.originConcurrency, limits.originQueueMs ?? DEFAULT_ORIGIN_QUEUE_MS, input.originTimeoutMs)
    : undefined;
  if (!gate && !rateLimits) return (call) => call();
  return async (call, followUp) => {
    if (rateLimits && !followUp) await chargeMiss(input, rateLimits);
    if (!gate) return call();
    const release = await gate.acquire();
    if (!release) throw new OriginBusyError(gate.limit);
    try {
      return await call();
    } finally {
      release();
    }
  };
}

/** The isolate's gate for a project, new when its limits change (in-flight calls release into the old one). */
function gateFor(ref: ProjectRef, limit: number, waitMs: number, originTimeoutMs: number): OriginGate {
  const key = `${authorityName(ref)}|${limit}|${waitMs}`;
  let gate = gates.get(key);
  if (!gate) {
    gate = new OriginGate({
      limit,
      waitMs,
      maxQueue: Math.min(MAX_QUEUE, QUEUE_PER_SLOT * limit),
      // A live holder is done within the origin's timeout (and one connection probe after it).
      maxHoldMs: 2 * originTimeoutMs + HOLD_MARGIN_MS,
    });
    gates.set(key, gate);
  }
  return gate;
}

async function chargeMiss(input: OriginLimitsInput, rateLimits: RateLimits): Promise<void> {
  // A digest: the object's memory holds neither addresses nor token ids, and every key is 43 bytes.
  const client = await sha256Base64Url(rateClientKey(rateLimits.by, input.principal, input.request));
  // A client the object already refused for this window is refused here without asking again: a
  // flood from one client costs the object one call per isolate and minute, not one per request.
  const known = `${authorityName(input.ref)}|${rateLimits.missesPerMinute}|${client}`;
  const now = Date.now();
  const until = refused.get(known);
  if (until !== undefined && until > now) throw limitedError(rateLimits, until - now);
  const verdict = await input.authority.countMiss(input.ref, client, rateLimits.missesPerMinute);
  // No answer from the object: the request goes on (see `Authority.countMiss`).
  if (!verdict || verdict.allowed) return;
  refused.set(known, now + verdict.retryAfterMs);
  throw limitedError(rateLimits, verdict.retryAfterMs);
}

/** `Retry-After` in whole seconds, rounded up (RFC 9110 §10.2.3: a client retrying on time is not refused again). */
function limitedError(rateLimits: RateLimits, leftMs: number): RateLimitedError {
  return new RateLimitedError(rateLimits.missesPerMinute, rateLimits.by, Math.max(1, Math.ceil(leftMs / 1000)));
}

/**
 * Who a rate limit counts: the client address for `by: "ip"`; for `by: "token"` the principal —
 * a PAT by its id, a JWT by issuer and subject — and the public principal (or a JWT without a
 * subject) by its address, since it has no other name.
 *
 * @example
 * rateClientKey("token", { kind: "pat", rules: [], tokenId: "tok_1" }, request); // "pat:tok_1"
 * rateClientKey("ip", principal, new Request(url, { headers: { "cf-connecting-ip": "203.0.113.7" } })); // "ip:203.0.113.7"
 */
export function rateClientKey(by: RateLimits["by"], principal: Principal, request: Request): string {
  const ip = `ip:${request.headers.get("cf-connecting-ip") ?? "unknown"}`;
  if (by === "ip") return ip;
  if (principal.kind === "pat" && principal.tokenId) return `pat:${principal.tokenId}`;
  if (principal.kind === "jwt" && principal.userId) return `jwt:${JSON.stringify([principal.claims?.iss ?? "", principal.userId])}`;
  return principal.kind === "jwt" ? `jwt:${JSON.stringify([principal.claims?.iss ?? ""])}|${ip}` : ip;
}
