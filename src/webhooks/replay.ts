/**
 * Webhook replay protection (SPEC §3: "a replay inside the window purges nothing a second time").
 *
 * A signed delivery stays acceptable for its window (`t` up to 5 minutes old, see signature.ts),
 * so anyone who captured one could resend it for those 5 minutes and force a purge each time. An
 * accepted delivery's signature is therefore remembered until its window closes: in the isolate
 * (at once, and for deliveries arriving together) and in Workers KV with that expiry (for other
 * isolates and locations).
 *
 * A replay is answered `202` with nothing invalidated and `duplicate: true`, not `409`: a webhook
 * sender delivers at least once and resends the same signed request when it missed our answer; a
 * `409` would be logged as a failed delivery and retried, although the change was invalidated the
 * first time. An attacker gains nothing either way.
 *
 * Bound: Workers KV is eventually consistent. A replay reaching the isolate that accepted the
 * original, or another isolate of the same location, is refused (KV reads see the location's
 * own writes; Miniflare's KV and `npm start` are strongly consistent). A replay reaching another
 * location before the write has propagated there — up to about 60 s — purges once more there. The
 * cost of such a miss is one extra purge, never stale or wrong content. A Durable Object keyed by
 * project would make it exact; this module's {@link ReplayGuard} interface is what it would
 * replace.
 */
import type { ProjectRef } from "../projects/types";
import { TtlCache } from "../platform/ttl-cache";
import { MAX_WEBHOOK_AGE_MS, MAX_WEBHOOK_SKEW_MS, type ParsedSignature } from "./signature";

/** The subset of Workers KV the guard needs (`KVNamespace` satisfies it). */
export interface ReplayKV {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options: { expirationTtl: number }): Promise<void>;
}

export type DeliveryOutcome = "accepted" | "duplicate";

export interface ReplayGuard {
  /**
   * Runs `purge` for a delivery signed with `signature` unless that delivery was accepted before
   * (`"duplicate"`: `purge` is not run). A delivery is remembered only once `purge` succeeded.
   */
  once(ref: ProjectRef, signature: ParsedSignature, purge: () => Promise<void>): Promise<DeliveryOutcome>;
}

/** KV's shortest allowed expiry. */
const MIN_KV_TTL_SECONDS = 60;

/** The KV key remembering one accepted delivery. @example seenKey({ projectId: "demo", environment: "master" }, "c2ln") // "webhook-seen:v1:demo:master:c2ln" */
export function seenKey(ref: ProjectRef, sign: string): string {
  return `webhook-seen:v1:${ref.projectId}:${ref.environment}:${sign}`;
}

/**
 * A {@link ReplayGuard} over Workers KV with an in-isolate memory. `now` is injectable for tests.
 *
 * @example
 * const outcome = await kvReplayGuard(env.CONFIG).once(ref, signature, () => authority.invalidate(ref, changes, waitUntil));
 */
export function kvReplayGuard(kv: ReplayKV, now: () => number = () => Date.now()): ReplayGuard {
  // Remembered a little longer than any signature stays acceptable (its age plus the allowed skew).
  const remembered = new TtlCache<true>({ ttlMs: MAX_WEBHOOK_AGE_MS + MAX_WEBHOOK_SKEW_MS, maxEntries: 10_000, now });
  const inFlight = new Map<string, Promise<DeliveryOutcome>>();

  const once = async (ref: ProjectRef, signature: ParsedSignature, purge: () => Promise<void>): Promise<DeliveryOutcome> => {
    const key = seenKey(ref, signature.sign);
    const running = inFlight.get(key);
    if (running) {
      // The same delivery is being handled right now: it is a duplicate unless that attempt fails.
      const settled = await running.then(
        () => true,
        () => false,
      );
      return settled ? "duplicate" : once(ref, signature, purge);
    }
    if (remembered.get(key)) return "duplicate";
    const attempt = (async (): Promise<DeliveryOutcome> => {
      if ((await kv.get(key, "text")) !== null) {
        remembered.set(key, true);
        return "duplicate";
      }
      await purge();
      remembered.set(key, true);
      const secondsLeft = Math.ceil((signature.timestamp + MAX_WEBHOOK_AGE_MS - now()) / 1000) + 1;
      await kv.put(key, String(signature.timestamp), { expirationTtl: Math.max(MIN_KV_TTL_SECONDS, secondsLeft) });
      return "accepted";
    })();
    inFlight.set(key, attempt);
    try {
      return await attempt;
    } finally {
      inFlight.delete(key);
    }
  };
  return { once };
}

const guards = new WeakMap<object, ReplayGuard>();

/** The isolate's guard for a KV namespace (created on first use). */
export function replayGuardFor(kv: ReplayKV): ReplayGuard {
  let guard = guards.get(kv);
  if (!guard) {
    guard = kvReplayGuard(kv);
    guards.set(kv, guard);
  }
  return guard;
}
