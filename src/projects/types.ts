/**
 * The shapes of a project's configuration (SPEC §4) and of permission rules (SPEC §2), as stored
 * in KV after validation. `validate.ts` turns untrusted JSON into these; nothing else does.
 */

/** Actions a rule can grant (Hygraph's permission actions). */
export const ACTIONS = ["read", "readVersion", "create", "update", "delete", "publish", "unpublish"] as const;
export type Action = (typeof ACTIONS)[number];

/** A name, a list of names, or every name. Normalized on validation to `"*"` or a non-empty list. */
export type NameSet<T extends string = string> = "*" | readonly T[];

/** A where-filter an entry must satisfy, as the origin's `where` input (e.g. `{ "id": "…" }`). */
export type Condition = Record<string, unknown>;

/** One permission rule: `action` on `model` in `stages` and `locales`, optionally limited by `condition`. */
export interface PermissionRule {
  action: NameSet<Action>;
  model: NameSet;
  stages: NameSet;
  locales: NameSet;
  condition?: Condition;
}

export interface JwtSettings {
  /** Remote key set; exactly one of `jwksUrl` and `publicKey` is set. */
  jwksUrl?: string;
  /** A PEM (SPKI) public key or a JWK, for projects without a JWKS endpoint. */
  publicKey?: string | Record<string, unknown>;
  issuer: string;
  audience: string;
  /** Claim holding the user's role names (a string or a list). */
  rolesClaim: string;
  /** Accepted signature algorithms; defaults to `["RS256", "ES256"]`. */
  algorithms: string[];
}

export interface CacheSettings {
  maxAge: number;
  staleWhileRevalidate: number;
  staleIfError: number;
  /**
   * Downstream caches (SPEC §3): `max-age` sent to browsers, and `s-maxage` sent to shared caches,
   * in seconds. Each is how long that cache may serve an answer without asking the gateway, so
   * the larger is the bound on how long a downstream copy can outlive the gateway's invalidation.
   * Absent in configurations stored before they existed: 0.
   */
  browserMaxAge?: number;
  sharedMaxAge?: number;
  /**
   * How finely answers are invalidated (issue 12): `"entry"` (the default when absent) — answers
   * that depend only on specific entries are invalidated only when those entries change;
   * `"model"` — any change to a model invalidates every answer that may contain it.
   */
  invalidation?: "entry" | "model";
}

/** The IP firewall (SPEC §3b): CIDR blocks matched against `CF-Connecting-IP`; deny wins. */
export interface IpRules {
  allow?: string[];
  deny?: string[];
}

export interface ProjectConfig {
  origin: string;
  originToken?: string;
  defaultStage: string;
  defaultLocale: string;
  /** Stages and locales rules may name; learned from the schema when possible. */
  introspection: boolean;
  /** Rules for requests without `Authorization`. Empty: public access is disabled. */
  publicPermissions: PermissionRule[];
  jwt?: JwtSettings;
  roles: Record<string, PermissionRule[]>;
  cache: CacheSettings;
  webhookSecret?: string;
  /**
   * The secret the last rotation replaced (`POST …/webhook-secret`), which still verifies deliveries
   * until `validUntil`. Set only by that route, never by a `PUT` or `PATCH` body, and never shown:
   * answers say `webhookSecretRotation: { previousValidUntil }` instead (`webhook-rotation.ts`).
   */
  webhookSecretPrevious?: PreviousWebhookSecret;
  /** Origins whose pages may call the endpoints from a browser (SPEC §3b); absent: `["*"]`. */
  allowedOrigins?: string[];
  ipRules?: IpRules;
  /** The audit log (SPEC §5a); absent: events are kept 90 days. */
  audit?: AuditSettings;
  /** Origin protection (SPEC §3c): in-flight origin requests per location; absent: unlimited. */
  limits?: OriginLimits;
  /** Origin protection (SPEC §3c): origin requests per client and minute; absent: unlimited. */
  rateLimits?: RateLimits;
  /**
   * Trusted documents (SPEC §3c, docs/trusted-documents.md): for whom only uploaded documents are
   * accepted. Absent: `"off"`.
   */
  trustedDocuments?: TrustedDocumentsMode;
}

/** A replaced webhook secret and until when (ms since the epoch) it still verifies. */
export interface PreviousWebhookSecret {
  secret: string;
  validUntil: number;
}

/** `limits` (SPEC §3c): how many origin requests may be in flight at once, per isolate. */
export interface OriginLimits {
  /** In-flight origin requests per isolate (1 to 1,000); absent: unlimited. */
  originConcurrency?: number;
  /** How long a request beyond it waits for a slot before `503 ORIGIN_BUSY` (0 to 5,000 ms; default 250). */
  originQueueMs?: number;
}

/** `rateLimits` (SPEC §3c): origin requests one client may cause per minute, over every location. */
export interface RateLimits {
  missesPerMinute: number;
  /** `ip`: `CF-Connecting-IP`; `token`: the principal (PAT id, JWT issuer and subject; the public by IP). */
  by: "ip" | "token";
}

/** `"off"`: any document; `"public"`: only trusted documents for the public principal; `"all"`: for everyone. */
export const TRUSTED_DOCUMENTS_MODES = ["off", "public", "all"] as const;
export type TrustedDocumentsMode = (typeof TRUSTED_DOCUMENTS_MODES)[number];

export interface AuditSettings {
  /** Days an audit event is kept (1 to 3,650). */
  retentionDays: number;
}

/** A project is addressed by its id and environment, as in `/content/{projectId}/{environment}`. */
export interface ProjectRef {
  projectId: string;
  environment: string;
}
