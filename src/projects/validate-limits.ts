/**
 * Validation of a project's origin protection (SPEC §3c): `limits` and `rateLimits`. Same contract
 * as the rest of `validate.ts`: strict (unknown fields refused), and the first bad value is an
 * `InvalidConfigError` naming its field (`limits.originConcurrency`, `rateLimits.by`).
 */
import { InvalidConfigError } from "../errors";
import type { OriginLimits, RateLimits } from "./types";

/** The most in-flight origin requests a project may allow per isolate (more is no limit at all). */
export const MAX_ORIGIN_CONCURRENCY = 1_000;
/** The longest a miss may wait for an origin slot: a queue is only worth it while it stays short. */
export const MAX_ORIGIN_QUEUE_MS = 5_000;
/** Default wait for an origin slot: short enough that a refused client can retry at once. */
export const DEFAULT_ORIGIN_QUEUE_MS = 250;
/** The largest `missesPerMinute` (~16,700 a second from one client is no limit worth counting). */
export const MAX_MISSES_PER_MINUTE = 1_000_000;

/**
 * `limits`: absent or `null` → `undefined` (no limit); otherwise `{ originConcurrency?, originQueueMs? }`.
 *
 * @example
 * validateLimits({ originConcurrency: 8 }); // { originConcurrency: 8 }
 * validateLimits({ originConcurrency: 0 }); // throws InvalidConfigError { field: "limits.originConcurrency" }
 */
export function validateLimits(raw: unknown): OriginLimits | undefined {
  if (raw === undefined || raw === null) return undefined;
  const input = object(raw, "limits", ["originConcurrency", "originQueueMs"]);
  const limits: OriginLimits = {};
  if (input.originConcurrency !== undefined)
    limits.originConcurrency = whole(input.originConcurrency, "limits.originConcurrency", 1, MAX_ORIGIN_CONCURRENCY, "requests");
  if (input.originQueueMs !== undefined)
    limits.originQueueMs = whole(input.originQueueMs, "limits.originQueueMs", 0, MAX_ORIGIN_QUEUE_MS, "milliseconds");
  return limits;
}

/**
 * `rateLimits`: absent or `null` → `undefined` (no limit); otherwise `missesPerMinute` (required)
 * and `by` (`"ip"` when absent).
 *
 * @example
 * validateRateLimits({ missesPerMinute: 600, by: "token" }); // { missesPerMinute: 600, by: "token" }
 */
export function validateRateLimits(raw: unknown): RateLimits | undefined {
  if (raw === undefined || raw === null) return undefined;
  const input = object(raw, "rateLimits", ["missesPerMinute", "by"]);
  const missesPerMinute = whole(input.missesPerMinute, "rateLimits.missesPerMinute", 1, MAX_MISSES_PER_MINUTE, "requests");
  const by = input.by ?? "ip";
  if (by !== "ip" && by !== "token") throw new InvalidConfigError("rateLimits.by", 'must be "ip" or "token"');
  return { missesPerMinute, by };
}

function object(raw: unknown, field: string, known: readonly string[]): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InvalidConfigError(field, "must be a JSON object");
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) throw new InvalidConfigError(`${field}.${key}`, "is not a known field");
  }
  return input;
}

function whole(raw: unknown, field: string, min: number, max: number, unit: string): number {
  if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < min || raw > max)
    throw new InvalidConfigError(field, `must be a whole number of ${unit} from ${min} to ${max}`);
  return raw;
}
