/**
 * Webhook secret rotation (SPEC §5, `POST …/webhook-secret`). A rotation makes a new secret the
 * project's `webhookSecret` and keeps the one it replaces as `webhookSecretPrevious` until the
 * grace period ends, so that deliveries Hygraph still signs with the old secret (until the
 * operator pastes the new one into Hygraph) keep verifying. Pure: the clock is an argument.
 *
 * - A `PATCH` cannot touch either member; the rotation state it merges over is kept as stored.
 * - A `PUT` states the whole configuration: it keeps a running grace period only when its
 *   `webhookSecret` is the current secret (a `PUT` that did not mean to change the secret), and
 *   ends it when it sets another secret or none (the operator chose the one secret that verifies).
 * - Answers never show either secret: `webhookSecretRotation: { previousValidUntil }` while a grace
 *   period runs ({@link rotationStatus}).
 */
import { InvalidConfigError } from "../errors";
import type { PreviousWebhookSecret, ProjectConfig } from "./types";

/** The grace period when the request names none: a day. */
export const DEFAULT_GRACE_SECONDS = 86_400;
/** The longest grace period: a week. */
export const MAX_GRACE_SECONDS = 604_800;
/** The shortest webhook secret a configuration may hold. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** Random bytes in a generated secret (256 bits, as the HMAC-SHA256 key Hygraph signs with). */
const SECRET_BYTES = 32;

/**
 * A new webhook secret: 32 random bytes as base64url without padding (43 characters). Hygraph
 * takes any string as a webhook secret; base64url is printable, has no characters that need
 * quoting anywhere it is pasted, and keeps all 256 bits.
 *
 * @example newWebhookSecret(); // "q3Vb…" (43 characters of A-Z a-z 0-9 - _)
 */
export function newWebhookSecret(): string {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES)).toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * Validates a stored `webhookSecretPrevious` (`validate.ts`, for configurations read back or
 * built by a rotation): `{ secret: string of ≥ 16 characters, validUntil: ms since the epoch }`.
 *
 * @throws {InvalidConfigError} naming the member.
 * @example validatePreviousSecret({ secret: "0123456789abcdef", validUntil: 1_700_000_000_000 });
 */
export function validatePreviousSecret(raw: unknown): PreviousWebhookSecret {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InvalidConfigError("webhookSecretPrevious", "must be a JSON object");
  const { secret, validUntil, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new InvalidConfigError(`webhookSecretPrevious.${unknown}`, "is not a known field");
  if (typeof secret !== "string" || secret.length < MIN_WEBHOOK_SECRET_LENGTH)
    throw new InvalidConfigError("webhookSecretPrevious.secret", `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  if (typeof validUntil !== "number" || !Number.isSafeInteger(validUntil) || validUntil < 0)
    throw new InvalidConfigError("webhookSecretPrevious.validUntil", "must be a time in ms since the epoch");
  return { secret, validUntil };
}

/**
 * The configuration after rotating to `secret`: the current secret (if any) still verifies for
 * `graceSeconds` (0: it stops at once). Any earlier previous secret stops now: only one old secret
 * is ever kept.
 *
 * @example
 * rotateWebhookSecret({ ...config, webhookSecret: "old-secret-0123456" }, "new…", 60, 0);
 * // { config: { …, webhookSecret: "new…", webhookSecretPrevious: { secret: "old-secret-0123456", validUntil: 60_000 } }, previousValidUntil: 60_000 }
 */
export function rotateWebhookSecret(
  config: ProjectConfig,
  secret: string,
  graceSeconds: number,
  now: number,
): { config: ProjectConfig; previousValidUntil: number | null } {
  const { webhookSecretPrevious: _ended, ...rest } = config;
  const rotated: ProjectConfig = { ...rest, webhookSecret: secret };
  if (config.webhookSecret === undefined || graceSeconds <= 0) return { config: rotated, previousValidUntil: null };
  const validUntil = now + graceSeconds * 1000;
  return { config: { ...rotated, webhookSecretPrevious: { secret: config.webhookSecret, validUntil } }, previousValidUntil: validUntil };
}

/**
 * The previous secret while its grace period runs (`now < validUntil`), else `undefined`.
 *
 * @example activePreviousSecret(config, Date.now())?.secret;
 */
export function activePreviousSecret(config: ProjectConfig, now: number): PreviousWebhookSecret | undefined {
  const previous = config.webhookSecretPrevious;
  return previous && now < previous.validUntil ? previous : undefined;
}

/**
 * What a configuration's answers show of a rotation: `{ previousValidUntil }` (ISO 8601) while
 * its grace period runs.
 *
 * @example rotationStatus(config, Date.now()); // { previousValidUntil: "2026-12-08T14:00:00.000Z" } or undefined
 */
export function rotationStatus(config: ProjectConfig, now: number): { previousValidUntil: string } | undefined {
  const previous = activePreviousSecret(config, now);
  return previous && { previousValidUntil: new Date(previous.validUntil).toISOString() };
}

/**
 * A new configuration (a `PUT`'s, or a `PATCH`'s merged one) with the stored rotation state carried
 * over while it runs and the secret it was kept beside is still the current one; otherwise
 * without it (ended, or expired: no need to keep it).
 *
 * @example keepRotation(validated, stored, Date.now());
 */
export function keepRotation(next: ProjectConfig, stored: ProjectConfig | null, now: number): ProjectConfig {
  const { webhookSecretPrevious: _dropped, ...rest } = next;
  const previous = stored && activePreviousSecret(stored, now);
  if (!previous || stored.webhookSecret === undefined || next.webhookSecret !== stored.webhookSecret) return rest;
  return { ...rest, webhookSecretPrevious: previous };
}
