/**
 * The Worker's raw bindings, as wrangler.toml and `wrangler secret` provide them. Only
 * `config/gateway-config.ts` reads these; everything else takes the typed `GatewayConfig`.
 */
export interface Bindings {
  /** Copies of project configurations and token records, schema knowledge, persisted queries. */
  CONFIG: KVNamespace;
  /** Optional Workers Analytics Engine dataset: per-minute traffic data points (docs/console.md). */
  ANALYTICS?: AnalyticsEngineDataset;
  /** Milliseconds between two flushes of an isolate's traffic counters (default 5,000; at least 1,000). */
  STATS_FLUSH_MS?: string;
  /**
   * The `ProjectAuthority` Durable Object namespace: one object per project and environment holds
   * invalidation counters, token revocations, the configuration epoch and the traffic statistics
   * (src/authority).
   */
  AUTHORITY: DurableObjectNamespace;
  /**
   * Optional: the `AnswerTier` Durable Object namespace, the shared tier a location asks after its
   * own cache misses and before the origin (docs/shared-tier.md). Unset: no shared tier.
   */
  TIER?: DurableObjectNamespace;
  /** Milliseconds a location waits for the shared tier before going to the origin (default 250). */
  TIER_TIMEOUT_MS?: string;
  /** Milliseconds a location keeps deciding with its last view while the authority is unreachable (default 10,000). */
  AUTHORITY_STALE_LIMIT_MS?: string;
  /** Secret: the operator's bearer token for `/admin`. Unset: the admin API refuses everything. */
  ADMIN_TOKEN?: string;
  /**
   * Cloudflare Access in front of `/admin` (docs/access.md): the Zero Trust team's host name, e.g.
   * `example.cloudflareaccess.com` (bare: no `https://`). Set together with ACCESS_AUD and
   * ACCESS_ROLES, or not at all.
   */
  ACCESS_TEAM_DOMAIN?: string;
  /** The Access application's Application Audience (AUD) tag, from its overview page in Zero Trust. */
  ACCESS_AUD?: string;
  /**
   * Comma-separated `key=role` pairs giving Access identities an operator role (viewer, editor,
   * owner): key `alice@example.com`, `*@example.com`, `group:<name>` or `service:<client id>`;
   * the strongest matching rule wins (src/operators/access-roles.ts).
   */
  ACCESS_ROLES?: string;
  /** `hostname=BINDING` pairs (comma-separated): origins reached through a service binding. */
  SERVICE_ORIGINS?: string;
  /** Milliseconds before an origin request is abandoned with 504. */
  ORIGIN_TIMEOUT_MS?: string;
  /** Request limits; see `src/graphql/limits.ts` for the defaults. */
  MAX_BODY_BYTES?: string;
  MAX_URL_BYTES?: string;
  MAX_DEPTH?: string;
  MAX_ALIASES?: string;
  MAX_TOKENS?: string;
  MAX_DIRECTIVES?: string;
  MAX_BATCH?: string;
  MAX_JSON_DEPTH?: string;
  /** Any other binding, e.g. the service bindings named in SERVICE_ORIGINS. */
  [binding: string]: unknown;
}
