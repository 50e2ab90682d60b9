import { authorityFor, DEFAULT_STALE_LIMIT_MS, type Authority } from "../authority/client";
import type { Bindings } from "../env";
import { type RequestLimits, resolveLimits } from "../graphql/limits";
import { parseAccessSettings, type AccessSettings } from "../operators/access-settings";
import { sha256 } from "../platform/hash";
import { isDataPointWriter, type DataPointWriter } from "../stats/analytics-engine";
import { DEFAULT_STATS_FLUSH_INTERVAL_MS } from "../stats/recorder";
import { DEFAULT_TIER_TIMEOUT_MS, durableTier, type SharedTier } from "../tier/client";

/**
 * Everything the gateway needs from its environment, parsed and checked once per `env` object
 * (i.e. once per isolate in production). Bad deployment configuration fails loudly at the first
 * request instead of half-working.
 */
export interface GatewayConfig {
  /** SHA-256 of ADMIN_TOKEN; `null` when unset, which disables the admin API. */
  adminTokenDigest: Uint8Array | null;
  /** Cloudflare Access as the admin API's sign-on (ACCESS_TEAM_DOMAIN, ACCESS_AUD, ACCESS_ROLES); `null` when not set up. */
  access: AccessSettings | null;
  /** Origins reached through service bindings instead of the network, by URL hostname. */
  serviceOrigins: ReadonlyMap<string, Fetcher>;
  /** Abandon an origin request after this many milliseconds (504). */
  originTimeoutMs: number;
  limits: RequestLimits;
  kv: KVNamespace;
  /** How traffic statistics are flushed (src/stats). */
  stats: StatsSettings;
  /** The project authorities (Durable Objects), read through this isolate's tiers. */
  authority: Authority;
  /** The shared answer tier (binding `TIER`, docs/shared-tier.md); `null` without the binding: misses go straight to the origin. */
  tier: SharedTier | null;
}

export interface StatsSettings {
  /** The Workers Analytics Engine dataset traffic is also written to (binding `ANALYTICS`), or `null`. */
  analytics: DataPointWriter | null;
  /** Minimum time between two flushes of an isolate's counters (`STATS_FLUSH_MS`, default 5,000). */
  flushIntervalMs: number;
  /** Where the counters are flushed: the project authorities (`null`: Workers KV, `src/stats/store.ts`). */
  authority: Authority | null;
}

/** 10 s: long enough for a heavy origin query, short enough that a hung origin does not pin requests. */
export const DEFAULT_ORIGIN_TIMEOUT_MS = 10_000;

const parsed = new WeakMap<object, Promise<GatewayConfig>>();
/** The same, once parsed: read without a promise on the hit path ({@link knownGatewayConfig}). */
const resolved = new WeakMap<object, GatewayConfig>();

/**
 * Returns the typed configuration for `env`, parsing it on first use.
 *
 * @example
 * const config = await gatewayConfig(c.env);
 * config.limits.maxDepth; // 12 unless MAX_DEPTH is set
 */
export function gatewayConfig(env: Bindings): Promise<GatewayConfig> {
  let config = parsed.get(env);
  if (!config) {
    config = parseGatewayConfig(env);
    parsed.set(env, config);
    config.then(
      (value) => resolved.set(env, value),
      () => undefined,
    );
    // A failed parse is not cached, so a fixed binding takes effect without a restart.
    config.catch(() => parsed.delete(env));
  }
  return config;
}

/** The configuration for `env` when it has been parsed before; `undefined` otherwise (no promise). */
export function knownGatewayConfig(env: Bindings): GatewayConfig | undefined {
  return resolved.get(env);
}

async function parseGatewayConfig(env: Bindings): Promise<GatewayConfig> {
  if (!env.CONFIG) throw new Error("content-edge: the CONFIG KV binding is missing");
  if (!env.AUTHORITY) throw new Error("content-edge: the AUTHORITY Durable Object binding is missing");
  const staleLimitMs = positiveInt(env.AUTHORITY_STALE_LIMIT_MS, "AUTHORITY_STALE_LIMIT_MS") ?? DEFAULT_STALE_LIMIT_MS;
  const authority = authorityFor(env.AUTHORITY, { staleLimitMs });
  const originTimeoutMs = positiveInt(env.ORIGIN_TIMEOUT_MS, "ORIGIN_TIMEOUT_MS") ?? DEFAULT_ORIGIN_TIMEOUT_MS;
  return {
    adminTokenDigest: env.ADMIN_TOKEN ? await sha256(env.ADMIN_TOKEN) : null,
    access: parseAccessSettings(env),
    serviceOrigins: parseServiceOrigins(env),
    originTimeoutMs,
    limits: resolveLimits({
      maxBodyBytes: positiveInt(env.MAX_BODY_BYTES, "MAX_BODY_BYTES"),
      maxUrlBytes: positiveInt(env.MAX_URL_BYTES, "MAX_URL_BYTES"),
      maxDepth: positiveInt(env.MAX_DEPTH, "MAX_DEPTH"),
      maxAliases: positiveInt(env.MAX_ALIASES, "MAX_ALIASES"),
      maxTokens: positiveInt(env.MAX_TOKENS, "MAX_TOKENS"),
      maxDirectives: positiveInt(env.MAX_DIRECTIVES, "MAX_DIRECTIVES"),
      maxBatch: positiveInt(env.MAX_BATCH, "MAX_BATCH", 0),
      maxJsonDepth: positiveInt(env.MAX_JSON_DEPTH, "MAX_JSON_DEPTH"),
    }),
    kv: env.CONFIG,
    stats: {
      analytics: analyticsOf(env),
      flushIntervalMs: positiveInt(env.STATS_FLUSH_MS, "STATS_FLUSH_MS", 1000) ?? DEFAULT_STATS_FLUSH_INTERVAL_MS,
      authority,
    },
    authority,
    // A lease outlives the holder's origin call (its timeout) by a second of room to write back.
    tier: env.TIER ? durableTier(env.TIER, { leaseMs: originTimeoutMs + 1_000, timeoutMs: tierTimeout(env) }) : null,
  };
}

/** `TIER_TIMEOUT_MS`: how long a location waits for the shared tier before going to the origin (default 250). */
function tierTimeout(env: Bindings): number {
  return positiveInt(env.TIER_TIMEOUT_MS, "TIER_TIMEOUT_MS") ?? DEFAULT_TIER_TIMEOUT_MS;
}

function analyticsOf(env: Bindings): DataPointWriter | null {
  if (env.ANALYTICS === undefined) return null;
  if (!isDataPointWriter(env.ANALYTICS)) throw new Error("content-edge: the ANALYTICS binding is not an Analytics Engine dataset");
  return env.ANALYTICS;
}

/** `"a.internal=A, b.internal=B"` → hostname → Fetcher, checking every binding exists. */
function parseServiceOrigins(env: Bindings): Map<string, Fetcher> {
  const origins = new Map<string, Fetcher>();
  for (const pair of (env.SERVICE_ORIGINS ?? "").split(",")) {
    if (!pair.trim()) continue;
    const [host, binding] = pair.split("=").map((part) => part.trim());
    const fetcher = binding ? env[binding] : undefined;
    if (!host || !binding || !isFetcher(fetcher)) {
      throw new Error(`content-edge: SERVICE_ORIGINS entry "${pair.trim()}" does not name a service binding`);
    }
    origins.set(host.toLowerCase(), fetcher);
  }
  return origins;
}

function isFetcher(value: unknown): value is Fetcher {
  return typeof value === "object" && value !== null && typeof (value as Fetcher).fetch === "function";
}

function positiveInt(raw: string | undefined, name: string, min = 1): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`content-edge: ${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}
