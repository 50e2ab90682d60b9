import { Hono } from "hono";
import { BadRequestError, NotFoundError } from "../errors";
import { waitUntilOf } from "../platform/wait-until";
import { projectStore } from "../projects/store";
import type { ProjectConfig } from "../projects/types";
import { checkRulesWithOrigin, notSavedError, projectRuleSets, rulesUncheckedMember } from "./rules-against-schema";
import { validateProjectConfig } from "../projects/validate";
import { gatewayConfig } from "../config/gateway-config";
import { readJsonBody } from "../http/json-body";
import { adminRecord, type AdminEnv } from "../operators/identity";

/** Secret fields of a configuration, replaced in every answer (SPEC §5: "secrets masked"). */
const MASK = "********";

/** What `GET` (and the `PUT` answer) show of a configuration: secrets masked, never echoed. */
export function maskSecrets(config: ProjectConfig): ProjectConfig {
  return {
    ...config,
    ...(config.originToken === undefined ? {} : { originToken: MASK }),
    ...(config.webhookSecret === undefined ? {} : { webhookSecret: MASK }),
  };
}

/**
 * `PUT` and `GET /admin/projects/{projectId}/{environment}` (SPEC §5). The admin-auth middleware
 * runs before these routes. A `PUT` always asks the origin for its schema: when it cannot, the
 * configuration is saved all the same and the answer's `rulesUnchecked` says why; with
 * `?strict=true` it is refused with that origin failure instead and nothing is saved.
 */
export const projectRoutes = new Hono<AdminEnv>()
  .put("/:projectId/:environment", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const strict = strictParam(c.req.queries("strict"));
    const raw = await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth);
    // Validate everything before the single KV write: a bad field means nothing is written.
    const config = validateProjectConfig(raw);
    const ref = c.req.param();
    const check = await checkRulesWithOrigin(ref, config, projectRuleSets(config), gateway, {
      fresh: true,
      // Asked even when no rule names anything: the answer is the operator's first sign that the
      // origin URL, its token or its introspection is wrong (docs/connect-hygraph.md).
      askOrigin: true,
      // Only a stage the operator named needs confirming; the default PUBLISHED does not.
      defaultStage:
        (raw as { defaultStage?: unknown }).defaultStage === undefined ? undefined : { field: "defaultStage", value: config.defaultStage },
      defaultLocale:
        (raw as { defaultLocale?: unknown }).defaultLocale === undefined
          ? undefined
          : { field: "defaultLocale", value: config.defaultLocale },
    });
    if (strict && !check.checked) throw notSavedError(check.cause);
    // At the project's authority first (a new epoch, every location sees it within 1.5 s), then KV's
    // copy. A new origin, new rules or new defaults can change any answer: the authority
    // invalidates everything cached for the project with the same change.
    await projectStore({ kv: gateway.kv, authority: gateway.authority, waitUntil: waitUntilOf(c) }).put(
      ref,
      config,
      // The authority fills in which fields changed (never their values).
      adminRecord(c, "config.update", {}, `${ref.projectId}/${ref.environment}`),
    );
    if (!check.checked) c.header("x-rules-unchecked", "origin-schema-unavailable");
    return c.json({ ...maskSecrets(config), ...rulesUncheckedMember(check) }, 200);
  })
  .get("/:projectId/:environment", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const config = await projectStore({ kv: gateway.kv, authority: gateway.authority, waitUntil: waitUntilOf(c) }).get(c.req.param());
    if (!config) throw new NotFoundError(`No project ${c.req.param("projectId")}/${c.req.param("environment")} is configured.`);
    return c.json(maskSecrets(config), 200);
  });

/** `?strict=true` or `false` (the default), once; anything else is `400 BAD_REQUEST` naming it. */
function strictParam(values: string[] | undefined): boolean {
  if (values === undefined) return false;
  if (values.length === 1 && (values[0] === "true" || values[0] === "false")) return values[0] === "true";
  throw new BadRequestError('The strict parameter is "true" or "false", given once.', { param: "strict" });
}
