import { Hono, type Context } from "hono";
import { BadRequestError, NotFoundError } from "../errors";
import { waitUntilOf } from "../platform/wait-until";
import { projectStore, type ProjectStore } from "../projects/store";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import { checkRulesWithOrigin, notSavedError, projectRuleSets, rulesUncheckedMember, type RulesCheck } from "./rules-against-schema";
import { validateProjectConfig } from "../projects/validate";
import { keepRotation, rotationStatus } from "../projects/webhook-rotation";
import { gatewayConfig, type GatewayConfig } from "../config/gateway-config";
import { readJsonBody } from "../http/json-body";
import { adminRecord, type AdminEnv } from "../operators/identity";

/** Secret fields of a configuration, replaced in every answer (SPEC §5: "secrets masked"). */
const MASK = "********";

/**
 * What `GET` (and the `PUT` and `PATCH` answers) show of a configuration: secrets masked, never
 * echoed; a replaced webhook secret not at all, only until when it still verifies
 * (`webhookSecretRotation`, while it does).
 *
 * @example maskSecrets({ origin, originToken: "t0k3n", … }); // { origin, originToken: "********", … }
 */
export function maskSecrets(config: ProjectConfig, now: number = Date.now()): ProjectConfig & { webhookSecretRotation?: object } {
  const { webhookSecretPrevious: _never, ...shown } = config;
  const rotation = rotationStatus(config, now);
  return {
    ...shown,
    ...(config.originToken === undefined ? {} : { originToken: MASK }),
    ...(config.webhookSecret === undefined ? {} : { webhookSecret: MASK }),
    ...(rotation ? { webhookSecretRotation: rotation } : {}),
  };
}

/**
 * The project store for this request.
 *
 * @example const config = await storeOf(c, gateway).get(c.req.param());
 */
export function storeOf(c: Context<AdminEnv>, gateway: GatewayConfig): ProjectStore {
  return projectStore({ kv: gateway.kv, authority: gateway.authority, waitUntil: waitUntilOf(c) });
}

/**
 * Checks a validated configuration's rules, default stage and default locale against the origin's
 * schema (always asked: the answer is the operator's first sign that the origin URL, its token or
 * its introspection is wrong, docs/connect-hygraph.md). A bad name is `400 INVALID_CONFIG`; an
 * origin that cannot be asked is `checked: false`, or with `strict` the origin failure itself.
 * `named` says which defaults the operator named (the default PUBLISHED needs no confirming).
 *
 * @example const check = await checkConfig(ref, config, gateway, { defaultStage: true, defaultLocale: false }, strict);
 */
export async function checkConfig(
  ref: ProjectRef,
  config: ProjectConfig,
  gateway: GatewayConfig,
  named: { defaultStage: boolean; defaultLocale: boolean },
  strict: boolean,
): Promise<RulesCheck> {
  const check = await checkRulesWithOrigin(ref, config, projectRuleSets(config), gateway, {
    fresh: true,
    askOrigin: true,
    defaultStage: named.defaultStage ? { field: "defaultStage", value: config.defaultStage } : undefined,
    defaultLocale: named.defaultLocale ? { field: "defaultLocale", value: config.defaultLocale } : undefined,
  });
  if (strict && !check.checked) throw notSavedError(check.cause);
  return check;
}

/**
 * Saves a checked configuration, recorded as `config.update`, and answers it masked (with
 * `rulesUnchecked` when the origin could not be asked). At the project's authority first (a new
 * epoch, every location sees it within 1.5 s), then KV's copy. A new origin, token, rules or
 * defaults can change any answer: the authority invalidates everything cached for the project with
 * the same change.
 *
 * @example return saveConfig(c, ref, config, check); // 200 { …masked configuration, rulesUnchecked? }
 */
export async function saveConfig(c: Context<AdminEnv>, ref: ProjectRef, config: ProjectConfig, check: RulesCheck): Promise<Response> {
  const gateway = await gatewayConfig(c.env);
  // The authority fills in which fields changed (never their values).
  await storeOf(c, gateway).put(ref, config, adminRecord(c, "config.update", {}, `${ref.projectId}/${ref.environment}`));
  if (!check.checked) c.header("x-rules-unchecked", "origin-schema-unavailable");
  return c.json({ ...maskSecrets(config), ...rulesUncheckedMember(check) }, 200);
}

/**
 * `PUT` and `GET /admin/projects/{projectId}/{environment}` (SPEC §5). The admin-auth middleware
 * runs before these routes. A `PUT` always asks the origin for its schema: when it cannot, the
 * configuration is saved all the same and the answer's `rulesUnchecked` says why; with
 * `?strict=true` it is refused with that origin failure instead and nothing is saved. A `PUT`
 * keeps a running webhook secret rotation only when it keeps the current secret
 * (`projects/webhook-rotation.ts`).
 */
export const projectRoutes = new Hono<AdminEnv>()
  .put("/:projectId/:environment", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const strict = booleanParam(c.req.queries("strict"), "strict");
    const raw = await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth);
    // Validate everything before the single write: a bad field means nothing is written.
    const validated = validateProjectConfig(raw);
    const ref = c.req.param();
    const named = raw as { defaultStage?: unknown; defaultLocale?: unknown };
    const check = await checkConfig(
      ref,
      validated,
      gateway,
      { defaultStage: named.defaultStage !== undefined, defaultLocale: named.defaultLocale !== undefined },
      strict,
    );
    const stored = validated.webhookSecret === undefined ? null : await storeOf(c, gateway).get(ref);
    return saveConfig(c, ref, keepRotation(validated, stored, Date.now()), check);
  })
  .get("/:projectId/:environment", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const config = await storeOf(c, gateway).get(c.req.param());
    if (!config) throw notConfigured(c.req.param());
    return c.json(maskSecrets(config), 200);
  });

/**
 * The `404` of a project that is not configured (GET, PATCH and the routes beside them).
 *
 * @example if (!config) throw notConfigured(ref);
 */
export function notConfigured(ref: ProjectRef): NotFoundError {
  return new NotFoundError(`No project ${ref.projectId}/${ref.environment} is configured.`);
}

/**
 * A `?name=true` or `false` (the default) parameter, given once; anything else is `400 BAD_REQUEST` naming it.
 *
 * @example booleanParam(c.req.queries("dryRun"), "dryRun"); // false when absent
 */
export function booleanParam(values: string[] | undefined, name: string): boolean {
  if (values === undefined) return false;
  if (values.length === 1 && (values[0] === "true" || values[0] === "false")) return values[0] === "true";
  throw new BadRequestError(`The ${name} parameter is "true" or "false", given once.`, { param: name });
}
