import { InvalidConfigError } from "../errors";
import { normalizeRules } from "./rules";
import {
  TRUSTED_DOCUMENTS_MODES,
  type AuditSettings,
  type CacheSettings,
  type JwtSettings,
  type PermissionRule,
  type ProjectConfig,
  type TrustedDocumentsMode,
} from "./types";
import { validateAllowedOrigins, validateIpRules } from "./validate-policies";
import { validateLimits, validateRateLimits } from "./validate-limits";
import { MIN_WEBHOOK_SECRET_LENGTH, validatePreviousSecret } from "./webhook-rotation";

/**
 * Cache defaults when a project sets none: a minute fresh, five minutes SWR, a day if the origin
 * fails; downstream caches revalidate every time (`browserMaxAge`, `sharedMaxAge` 0).
 */
/** The cache settings that are numbers of seconds (every one has a default). */
type TimedCacheSettings = Required<Omit<CacheSettings, "invalidation">>;

export const DEFAULT_CACHE: TimedCacheSettings = {
  maxAge: 60,
  staleWhileRevalidate: 300,
  staleIfError: 86_400,
  browserMaxAge: 0,
  sharedMaxAge: 0,
};
/** One year: the largest freshness window a project may ask for. */
const MAX_CACHE_SECONDS = 31_536_000;

const PROJECT_FIELDS = new Set([
  "origin",
  "originToken",
  "defaultStage",
  "defaultLocale",
  "introspection",
  "publicPermissions",
  "jwt",
  "roles",
  "cache",
  "webhookSecret",
  "allowedOrigins",
  "ipRules",
  "audit",
  "limits",
  "rateLimits",
  "trustedDocuments",
]);
/** Set only by a webhook secret rotation (`webhook-rotation.ts`): never by a configuration body. */
const ROTATION_FIELDS = new Set(["webhookSecretPrevious", "webhookSecretRotation"]);
/** Ten years: the longest an audit event may be kept. */
const MAX_RETENTION_DAYS = 3_650;
const JWT_FIELDS = new Set(["jwksUrl", "publicKey", "issuer", "audience", "rolesClaim", "algorithms"]);
const CACHE_FIELDS = new Set(["maxAge", "staleWhileRevalidate", "staleIfError", "browserMaxAge", "sharedMaxAge", "invalidation"]);
const INVALIDATION_MODES = new Set(["entry", "model"]);
/** Asymmetric algorithms only: a project's public key must never double as an HMAC secret. */
const JWT_ALGORITHMS = new Set(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]);
/** Hygraph's stage and locale names are GraphQL enum values. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A credential sent as `Authorization: Bearer <it>`: visible ASCII, no spaces (RFC 6750 §2.1, RFC 9110 §11.4). */
const BEARER_CREDENTIAL = /^[\x21-\x7e]+$/;

/**
 * Turns an untrusted `PUT /admin/projects/{p}/{e}` body into a `ProjectConfig`, or throws
 * `InvalidConfigError` naming the first bad field. Strict: unknown fields are refused, so a typo
 * (`publicPermission`) is a 400, not silently ignored. The rotation state
 * (`webhookSecretPrevious`) is accepted only with `stored: true` — a configuration the gateway
 * built itself (`webhook-rotation.ts`) — and refused in a body, which cannot set it.
 *
 * @example
 * validateProjectConfig({ origin: "https://api.example.com/graphql" });
 * // → { origin, defaultStage: "PUBLISHED", defaultLocale: "en", publicPermissions: [], … }
 */
export function validateProjectConfig(raw: unknown, options: { stored?: boolean } = {}): ProjectConfig {
  const input = object(raw, "(body)");
  for (const key of Object.keys(input)) {
    if (ROTATION_FIELDS.has(key) && !(options.stored && key === "webhookSecretPrevious"))
      throw new InvalidConfigError(key, "is set by rotating the secret (POST …/webhook-secret), not in a configuration");
  }
  const { webhookSecretPrevious, ...fields } = input;
  rejectUnknown(fields, PROJECT_FIELDS, "");
  const config: ProjectConfig = {
    origin: url(input.origin, "origin"),
    defaultStage: optionalName(input.defaultStage, "defaultStage") ?? "PUBLISHED",
    defaultLocale: optionalName(input.defaultLocale, "defaultLocale") ?? "en",
    introspection: optionalBoolean(input.introspection, "introspection") ?? true,
    publicPermissions: rules(input.publicPermissions, "publicPermissions"),
    roles: roles(input.roles),
    cache: cache(input.cache),
    allowedOrigins: validateAllowedOrigins(input.allowedOrigins),
  };
  const ipRules = validateIpRules(input.ipRules);
  if (ipRules !== undefined) config.ipRules = ipRules;
  const originToken = optionalWireString(input.originToken, "originToken", "credential");
  if (originToken !== undefined) config.originToken = originToken;
  const webhookSecret = optionalString(input.webhookSecret, "webhookSecret");
  if (webhookSecret !== undefined) {
    if (webhookSecret.length < MIN_WEBHOOK_SECRET_LENGTH)
      throw new InvalidConfigError("webhookSecret", `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
    config.webhookSecret = webhookSecret;
  }
  if (webhookSecretPrevious !== undefined && webhookSecretPrevious !== null) {
    if (webhookSecret === undefined) throw new InvalidConfigError("webhookSecretPrevious", "needs a current webhookSecret");
    config.webhookSecretPrevious = validatePreviousSecret(webhookSecretPrevious);
  }
  if (input.jwt !== undefined && input.jwt !== null) config.jwt = jwt(input.jwt);
  if (input.audit !== undefined && input.audit !== null) config.audit = audit(input.audit);
  const limits = validateLimits(input.limits);
  if (limits !== undefined) config.limits = limits;
  const rateLimits = validateRateLimits(input.rateLimits);
  if (rateLimits !== undefined) config.rateLimits = rateLimits;
  const trusted = trustedDocuments(input.trustedDocuments);
  if (trusted !== "off") config.trustedDocuments = trusted;
  return config;
}

/** `"off" | "public" | "all"` (SPEC §3c); absent or null: `"off"` (stored as absent). */
function trustedDocuments(raw: unknown): TrustedDocumentsMode {
  if (raw === undefined || raw === null) return "off";
  if (typeof raw !== "string" || !(TRUSTED_DOCUMENTS_MODES as readonly string[]).includes(raw))
    throw new InvalidConfigError("trustedDocuments", `must be one of ${TRUSTED_DOCUMENTS_MODES.map((m) => `"${m}"`).join(", ")}`);
  return raw as TrustedDocumentsMode;
}

/** `{ "retentionDays": 1..3650 }` (SPEC §5a: `audit.retentionDays`, default 90). */
function audit(raw: unknown): AuditSettings {
  const input = object(raw, "audit");
  rejectUnknown(input, new Set(["retentionDays"]), "audit.");
  const days = input.retentionDays;
  if (typeof days !== "number" || !Number.isSafeInteger(days) || days < 1 || days > MAX_RETENTION_DAYS)
    throw new InvalidConfigError("audit.retentionDays", `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);
  return { retentionDays: days };
}

function rules(raw: unknown, path: string): PermissionRule[] {
  if (raw === undefined || raw === null) return [];
  return normalizeRules(raw, path);
}

function roles(raw: unknown): Record<string, PermissionRule[]> {
  if (raw === undefined || raw === null) return {};
  const input = object(raw, "roles");
  const result: Record<string, PermissionRule[]> = {};
  for (const [role, roleRules] of Object.entries(input)) {
    if (!role) throw new InvalidConfigError("roles", "role names must not be empty");
    // Assigning it would set the object's prototype instead of adding a role.
    if (role === "__proto__") throw new InvalidConfigError("roles.__proto__", "is not allowed as a role name");
    result[role] = rules(roleRules, `roles.${role}`);
  }
  return result;
}

function cache(raw: unknown): CacheSettings & TimedCacheSettings {
  if (raw === undefined || raw === null) return { ...DEFAULT_CACHE };
  const input = object(raw, "cache");
  rejectUnknown(input, CACHE_FIELDS, "cache.");
  const seconds = (key: keyof TimedCacheSettings): number => {
    const value = input[key];
    if (value === undefined) return DEFAULT_CACHE[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_CACHE_SECONDS) {
      throw new InvalidConfigError(`cache.${key}`, `must be a whole number of seconds from 0 to ${MAX_CACHE_SECONDS}`);
    }
    return value;
  };
  const settings: CacheSettings & TimedCacheSettings = {
    maxAge: seconds("maxAge"),
    staleWhileRevalidate: seconds("staleWhileRevalidate"),
    staleIfError: seconds("staleIfError"),
    browserMaxAge: seconds("browserMaxAge"),
    sharedMaxAge: seconds("sharedMaxAge"),
  };
  if (input.invalidation !== undefined) {
    if (typeof input.invalidation !== "string" || !INVALIDATION_MODES.has(input.invalidation)) {
      throw new InvalidConfigError("cache.invalidation", 'must be "entry" or "model"');
    }
    settings.invalidation = input.invalidation as "entry" | "model";
  }
  return settings;
}

function jwt(raw: unknown): JwtSettings {
  const input = object(raw, "jwt");
  rejectUnknown(input, JWT_FIELDS, "jwt.");
  const jwksUrl = input.jwksUrl === undefined ? undefined : url(input.jwksUrl, "jwt.jwksUrl");
  const publicKey = input.publicKey;
  if ((jwksUrl === undefined) === (publicKey === undefined)) {
    throw new InvalidConfigError("jwt", "set exactly one of jwksUrl and publicKey");
  }
  if (publicKey !== undefined && typeof publicKey !== "string" && !isPlainObject(publicKey)) {
    throw new InvalidConfigError("jwt.publicKey", "must be a PEM string or a JWK object");
  }
  const algorithms = input.algorithms === undefined ? ["RS256", "ES256"] : input.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((a) => typeof a === "string" && JWT_ALGORITHMS.has(a))) {
    throw new InvalidConfigError("jwt.algorithms", `must be a non-empty list of ${[...JWT_ALGORITHMS].join(", ")}`);
  }
  const settings: JwtSettings = {
    issuer: requiredString(input.issuer, "jwt.issuer"),
    audience: requiredString(input.audience, "jwt.audience"),
    rolesClaim: optionalString(input.rolesClaim, "jwt.rolesClaim") ?? "roles",
    algorithms: algorithms as string[],
  };
  if (jwksUrl !== undefined) settings.jwksUrl = jwksUrl;
  if (publicKey !== undefined) settings.publicKey = publicKey as string | Record<string, unknown>;
  return settings;
}

function object(raw: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(raw)) throw new InvalidConfigError(field, "must be a JSON object");
  return raw;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejectUnknown(input: Record<string, unknown>, known: Set<string>, prefix: string): void {
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new InvalidConfigError(`${prefix}${key}`, "is not a known field");
  }
}

/**
 * A configuration string the gateway puts on the wire — in a header (`credential`: `originToken`
 * → `Authorization: Bearer …`) or as a URL it calls (`url`: `origin`, `jwt.jwksUrl`) — refused
 * with `INVALID_CONFIG` naming `field` unless it is safe there. RFC 9110 §5.5 forbids CR, LF and
 * NUL in field values (and the runtime throws on them: a 500 at the first origin call), and the
 * WHATWG URL parser silently strips tabs and newlines, so a pasted URL would call somewhere else
 * than what the operator sees. Validate once here; nothing downstream re-checks.
 *
 * @example
 * wireString("eyJhbGciOi…", "originToken", "credential"); // "eyJhbGciOi…"
 * wireString("abc\ndef", "originToken", "credential"); // throws InvalidConfigError { field: "originToken" }
 */
export function wireString(raw: unknown, field: string, kind: "credential" | "url"): string {
  const text = requiredString(raw, field);
  if (kind === "credential" && !BEARER_CREDENTIAL.test(text)) {
    throw new InvalidConfigError(field, "must be printable ASCII without spaces or control characters (it is sent as a Bearer token)");
  }
  if (kind === "url" && hasControlOrSpace(text)) throw new InvalidConfigError(field, "must not contain spaces or control characters");
  return text;
}

function optionalWireString(raw: unknown, field: string, kind: "credential" | "url"): string | undefined {
  return raw === undefined || raw === null ? undefined : wireString(raw, field, kind);
}

function url(raw: unknown, field: string): string {
  const text = wireString(raw, field, "url");
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new InvalidConfigError(field, "must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new InvalidConfigError(field, "must be an absolute http(s) URL");
  }
  if (parsed.username || parsed.password) throw new InvalidConfigError(field, "must not carry credentials; use originToken");
  return parsed.toString();
}

function requiredString(raw: unknown, field: string): string {
  if (typeof raw !== "string" || raw.trim() === "") throw new InvalidConfigError(field, "is required and must be a non-empty string");
  return raw;
}

function optionalString(raw: unknown, field: string): string | undefined {
  return raw === undefined || raw === null ? undefined : requiredString(raw, field);
}

function optionalName(raw: unknown, field: string): string | undefined {
  const value = optionalString(raw, field);
  if (value !== undefined && !NAME.test(value)) throw new InvalidConfigError(field, "must be a GraphQL enum value name");
  return value;
}

function optionalBoolean(raw: unknown, field: string): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "boolean") throw new InvalidConfigError(field, "must be true or false");
  return raw;
}

/** What a URL the gateway calls must not hold: controls (NUL, CR, LF, TAB, DEL …) and spaces (UTF-16 code units ≤ U+0020, U+007F). */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= 0x20 || unit === 0x7f) return true;
  }
  return false;
}
