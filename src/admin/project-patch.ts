import { Hono } from "hono";
import { changedConfigFields } from "../audit/config-diff";
import { gatewayConfig } from "../config/gateway-config";
import { InvalidConfigError, UnsupportedMediaTypeError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { parseContentType } from "../http/media-type";
import type { AdminEnv } from "../operators/identity";
import { applyMergePatch } from "../platform/merge-patch";
import type { ProjectConfig } from "../projects/types";
import { validateProjectConfig } from "../projects/validate";
import { keepRotation } from "../projects/webhook-rotation";
import { booleanParam, checkConfig, maskSecrets, notConfigured, saveConfig, storeOf } from "./projects";
import { rulesUncheckedMember } from "./rules-against-schema";

/** The media types a merge patch may be sent as (RFC 7396 §4, and plain JSON for simple clients). */
const PATCH_TYPES = ["application/merge-patch+json", "application/json"];

/**
 * `PATCH /admin/projects/{projectId}/{environment}` (SPEC §5, owner): a JSON merge patch (RFC
 * 7396) over the stored configuration, secrets included — a patch that omits `originToken` keeps
 * it, `{"originToken": "…"}` rotates it, `{"originToken": null}` removes it. The merged result is
 * validated and checked against the origin's schema exactly as a `PUT` body (`?strict=true`
 * alike), and saved the same way (`config.update`). `webhookSecret` cannot be patched (it is
 * rotated with `POST …/webhook-secret`), nor the rotation state. With `?dryRun=true` nothing is
 * saved: `200 { config: <masked merged configuration>, changed: [field names] }`.
 *
 * Read-modify-write over the authority's current configuration (not a location's copy, which may
 * lag by the view's bound); two patches racing from two places: the later save wins, as with `PUT`.
 */
export const projectPatchRoutes = new Hono<AdminEnv>().patch("/:projectId/:environment", async (c) => {
  const gateway = await gatewayConfig(c.env);
  const strict = booleanParam(c.req.queries("strict"), "strict");
  const dryRun = booleanParam(c.req.queries("dryRun"), "dryRun");
  const type = parseContentType(c.req.header("content-type"))?.mediaType;
  if (type === undefined || !PATCH_TYPES.includes(type))
    throw new UnsupportedMediaTypeError(`A configuration patch is sent as ${PATCH_TYPES.join(" or ")}.`, { expected: PATCH_TYPES[0] });
  const ref = c.req.param();
  // An unknown project is a 404 as for GET, found without creating its authority (store.ts).
  if (!(await storeOf(c, gateway).get(ref))) throw notConfigured(ref);
  const patch = await readJsonBody(c.req.raw, gateway.limits.maxBodyBytes, gateway.limits.maxJsonDepth);
  if (typeof patch !== "object" || patch === null || Array.isArray(patch))
    throw new InvalidConfigError("(body)", "a configuration patch must be a JSON object");
  if (Object.hasOwn(patch, "webhookSecret"))
    throw new InvalidConfigError("webhookSecret", "rotate it with POST …/webhook-secret (shown once, with a grace period)");
  const { config: stored } = await gateway.authority.getConfig(ref);
  if (!stored) throw notConfigured(ref);
  const { webhookSecretPrevious: _kept, ...base } = stored;
  const merged = applyMergePatch(base, patch, gateway.limits.maxJsonDepth);
  const config = keepRotation(validateProjectConfig(merged), stored, Date.now());
  const named = patch as { defaultStage?: unknown; defaultLocale?: unknown };
  const check = await checkConfig(
    ref,
    config,
    gateway,
    { defaultStage: named.defaultStage !== undefined, defaultLocale: named.defaultLocale !== undefined },
    strict,
  );
  if (!dryRun) return saveConfig(c, ref, config, check);
  return c.json(
    {
      config: maskSecrets(config),
      changed: changedConfigFields(withoutRotation(stored), withoutRotation(config)),
      ...rulesUncheckedMember(check),
    },
    200,
  );
});

/** A configuration without its rotation state: a patch cannot change it, so it is never a change of one. */
function withoutRotation(config: ProjectConfig): ProjectConfig {
  const { webhookSecretPrevious: _state, ...rest } = config;
  return rest;
}
