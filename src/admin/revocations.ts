import { Hono } from "hono";
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";
import { gatewayConfig } from "../config/gateway-config";
import { InvalidConfigError, NotFoundError } from "../errors";
import { readJsonBody } from "../http/json-body";
import type { AuditAction } from "../audit/event";
import { adminRecord, type AdminEnv } from "../operators/identity";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";
import type { ProjectRef } from "../projects/types";

/** An app or subject longer than this is refused (`sub` is at most 512 characters, `jwt.ts`). */
export const MAX_REVOCATION_VALUE_LENGTH = 512;
/** How far in the future an issuedBefore time may lie: the operator's clock may run a little ahead. */
export const ISSUED_BEFORE_SKEW_MS = 60_000;

const KINDS: readonly JwtRevocationKind[] = ["app", "subject", "issuedBefore"];
/** ISO 8601 date-time with an explicit zone (`Z` or `±hh:mm`); seconds and fractions optional. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** Whether `value` has a control character (C0 or DEL): refused, as the value is shown in the console and written in audit events. */
const hasControlCharacter = (value: string) => [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
/** A `sub` the gateway accepts at all (`jwt.ts`): printable ASCII. */
const SUBJECT = /^[\x20-\x7e]+$/;

/**
 * Validates a `POST …/revocations` body: exactly one of `{"app"}`, `{"subject"}`,
 * `{"issuedBefore": ISO time}`; anything else is `400 INVALID_CONFIG` naming the field. An
 * issuedBefore time is normalized to `toISOString()` and may lie at most a minute ahead of `now`
 * (a later one would refuse every token issued until then, new sessions included).
 *
 * @example validateNewRevocation({ app: "mobile" }, Date.now()); // { kind: "app", value: "mobile" }
 */
export function validateNewRevocation(raw: unknown, now: number): { kind: JwtRevocationKind; value: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InvalidConfigError("(body)", "must be a JSON object");
  const input = raw as Record<string, unknown>;
  const keys = Object.keys(input);
  for (const key of keys) if (!(KINDS as readonly string[]).includes(key)) throw new InvalidConfigError(key, "is not a known field");
  if (keys.length !== 1) throw new InvalidConfigError("(body)", `must have exactly one of ${KINDS.join(", ")}`);
  const kind = keys[0] as JwtRevocationKind;
  const value = input[kind];
  if (typeof value !== "string" || value === "") throw new InvalidConfigError(kind, "must be a non-empty string");
  if (kind === "issuedBefore") {
    const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) throw new InvalidConfigError(kind, "must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z");
    if (ms > now + ISSUED_BEFORE_SKEW_MS) throw new InvalidConfigError(kind, "must not lie in the future");
    return { kind, value: new Date(ms).toISOString() };
  }
  if (value.length > MAX_REVOCATION_VALUE_LENGTH)
    throw new InvalidConfigError(kind, `must be at most ${MAX_REVOCATION_VALUE_LENGTH} characters`);
  if (kind === "subject" ? !SUBJECT.test(value) : hasControlCharacter(value))
    throw new InvalidConfigError(
      kind,
      kind === "subject" ? "must be printable ASCII, as a token's sub is" : "must not contain control characters",
    );
  return { kind, value };
}

/** A revocation as the admin API shows it (ISO time). */
export function revocationJson(revocation: JwtRevocation): { id: string; kind: JwtRevocationKind; value: string; createdAt: string } {
  return { id: revocation.id, kind: revocation.kind, value: revocation.value, createdAt: new Date(revocation.createdAt).toISOString() };
}

/** The audit action of each kind: an issuedBefore cut ends users' sessions, as a subject revocation does one user's. */
const AUDIT_ACTION: Record<JwtRevocationKind, AuditAction> = { app: "app.revoke", subject: "user.revoke", issuedBefore: "user.revoke" };

const refOf = (params: { projectId: string; environment: string }): ProjectRef => ({
  projectId: params.projectId,
  environment: params.environment,
});

/**
 * Revocations of third-party JWTs (SPEC §5a): `POST`, `GET …/revocations` and
 * `DELETE …/revocations/{id}` under `/admin/projects/{projectId}/{environment}`. Each write is an
 * event at the project's authority, so every location refuses a matching JWT within the global
 * bound (`401 UNAUTHENTICATED`, `reason` `APP_REVOKED` / `USER_REVOKED` / `TOKEN_REVOKED`).
 * Repeating a revocation that exists answers it again (`200`) rather than adding a copy. Each
 * change is recorded in the project's audit log in the same transaction (`app.revoke`,
 * `user.revoke` for subjects and issuedBefore cuts, `revocation.lift`); roles: GET viewer,
 * POST and DELETE editor (`middleware/admin-roles.ts`).
 */
export const revocationRoutes = new Hono<AdminEnv>()
  .post("/:projectId/:environment/revocations", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    const raw = await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth);
    const input = validateNewRevocation(raw, Date.now());
    await requireProject(gateway, ref, waitUntil);
    const audit = adminRecord(c, AUDIT_ACTION[input.kind], { kind: input.kind, value: input.value }, input.value);
    const { created, revocation } = await gateway.authority.addRevocation(ref, input, waitUntil, audit);
    return c.json(revocationJson(revocation), created ? 201 : 200, { "cache-control": "no-store" });
  })
  .get("/:projectId/:environment/revocations", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const ref = refOf(c.req.param());
    await requireProject(gateway, ref, waitUntilOf(c));
    const revocations = await gateway.authority.listRevocations(ref);
    return c.json({ revocations: revocations.map(revocationJson) }, 200, { "cache-control": "no-store" });
  })
  .delete("/:projectId/:environment/revocations/:id", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    await requireProject(gateway, ref, waitUntil);
    const id = c.req.param("id");
    if (!(await gateway.authority.liftRevocation(ref, id, waitUntil, adminRecord(c, "revocation.lift", {}, id))))
      throw new NotFoundError("No revocation with this id.");
    return c.body(null, 204);
  });
