import { Hono } from "hono";
import { patStore, type NewPat } from "../auth/pat-store";
import { gatewayConfig } from "../config/gateway-config";
import { InvalidConfigError, NotFoundError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { parseIsoTime } from "../platform/iso-time";
import { normalizeRules } from "../projects/rules";
import type { ProjectRef } from "../projects/types";
import { checkRulesWithOrigin, rulesUncheckedMember } from "./rules-against-schema";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";
import { adminRecord, type AdminEnv } from "../operators/identity";

const FIELDS = new Set(["name", "permissions", "defaultStage", "expiresAt"]);
const MAX_NAME_LENGTH = 200;
/** Stage names are GraphQL enum values (as in `validate.ts`). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates a `POST …/tokens` body, naming the first bad field (400 `INVALID_CONFIG`).
 * Strict like the project config: unknown fields are refused.
 */
export function validateNewToken(raw: unknown, now: number): NewPat {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InvalidConfigError("(body)", "must be a JSON object");
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) throw new InvalidConfigError(key, "is not a known field");
  const name = input["name"];
  if (typeof name !== "string" || name.trim() === "") throw new InvalidConfigError("name", "is required and must be a non-empty string");
  if (name.length > MAX_NAME_LENGTH) throw new InvalidConfigError("name", `must be at most ${MAX_NAME_LENGTH} characters`);
  if (input["permissions"] === undefined) throw new InvalidConfigError("permissions", "is required (a list of permission rules)");
  const token: NewPat = { name, permissions: normalizeRules(input["permissions"], "permissions") };
  const defaultStage = input["defaultStage"];
  if (defaultStage !== undefined && defaultStage !== null) {
    if (typeof defaultStage !== "string" || !NAME.test(defaultStage))
      throw new InvalidConfigError("defaultStage", "must be a GraphQL enum value name");
    token.defaultStage = defaultStage;
  }
  const expiresAt = input["expiresAt"];
  if (expiresAt !== undefined && expiresAt !== null) {
    const ms = parseIsoTime(expiresAt);
    if (ms === null) throw new InvalidConfigError("expiresAt", "must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z");
    if (ms <= now) throw new InvalidConfigError("expiresAt", "must be in the future");
    token.expiresAt = new Date(ms).toISOString();
  }
  return token;
}

const refOf = (params: { projectId: string; environment: string }): ProjectRef => ({
  projectId: params.projectId,
  environment: params.environment,
});

/**
 * Permanent auth tokens (SPEC §5): `POST`, `GET …/tokens` and `DELETE …/tokens/{id}` under
 * `/admin/projects/{projectId}/{environment}`. The admin-auth middleware runs before these routes.
 * The secret appears only in the `POST` answer (with `Cache-Control: no-store`).
 */
export const tokenRoutes = new Hono<AdminEnv>()
  .post("/:projectId/:environment/tokens", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    const raw = await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth);
    // Validate everything before any write: a bad field means nothing is written.
    const input = validateNewToken(raw, Date.now());
    const project = await requireProject(gateway, ref, waitUntil);
    const check = await checkRulesWithOrigin(ref, project, [["permissions", input.permissions]], gateway, {
      fresh: false,
      defaultStage: input.defaultStage === undefined ? undefined : { field: "defaultStage", value: input.defaultStage },
    });
    const { token, record } = await patStore({ kv: gateway.kv, authority: gateway.authority, waitUntil }).create(
      ref,
      input,
      adminRecord(c, "token.create"),
    );
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (!check.checked) headers["x-rules-unchecked"] = "origin-schema-unavailable";
    return c.json({ ...record, token, ...rulesUncheckedMember(check) }, 201, headers);
  })
  .get("/:projectId/:environment/tokens", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    await requireProject(gateway, ref, waitUntil);
    return c.json(await patStore({ kv: gateway.kv, authority: gateway.authority, waitUntil }).list(ref), 200);
  })
  .delete("/:projectId/:environment/tokens/:id", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    await requireProject(gateway, ref, waitUntil);
    if (
      !(await patStore({ kv: gateway.kv, authority: gateway.authority, waitUntil }).revoke(
        ref,
        c.req.param("id"),
        adminRecord(c, "token.revoke"),
      ))
    )
      throw new NotFoundError("No token with this id.");
    return c.body(null, 204);
  });
