import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import { BadRequestError } from "../errors";
import { readBodyText } from "../http/body";
import { parseJsonText } from "../http/json-body";
import { adminRecord, type AdminEnv } from "../operators/identity";
import { validateProjectConfig } from "../projects/validate";
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS, newWebhookSecret, rotateWebhookSecret } from "../projects/webhook-rotation";
import { notConfigured, storeOf } from "./projects";

/**
 * Reads a rotation body: empty, `{}` or `{ "graceSeconds": 0..604800 }` (default a day).
 *
 * @throws {BadRequestError} naming the field.
 * @example parseRotationBody('{"graceSeconds":3600}'); // 3600
 */
export function parseRotationBody(text: string): number {
  if (!text.trim()) return DEFAULT_GRACE_SECONDS;
  const raw = parseJsonText(text);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new BadRequestError('The body must be a JSON object: { "graceSeconds"?: seconds }.', { field: "body" });
  for (const key of Object.keys(raw))
    if (key !== "graceSeconds") throw new BadRequestError(`Unknown member "${key}"; a rotation takes "graceSeconds".`, { field: key });
  const grace = (raw as { graceSeconds?: unknown }).graceSeconds;
  if (grace === undefined) return DEFAULT_GRACE_SECONDS;
  if (typeof grace !== "number" || !Number.isSafeInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS)
    throw new BadRequestError(`graceSeconds must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}.`, { field: "graceSeconds" });
  return grace;
}

/**
 * `POST /admin/projects/{projectId}/{environment}/webhook-secret` (SPEC §5, owner): makes a new
 * random webhook secret current and answers it once — `201 { webhookSecret, previousValidUntil }`,
 * `Cache-Control: no-store` — while the replaced secret keeps verifying deliveries for
 * `graceSeconds` (`previousValidUntil`; `null` with 0 or when there was no secret). Saved through
 * the project's authority like a `PUT` (every location verifies with both within the view's bound),
 * but without invalidating the project's cached answers, which no secret of a webhook changes;
 * and recorded as `webhook-secret.rotate` with the grace period and the changed field names, never
 * a secret. `404` for a project that is not configured.
 */
export const webhookSecretRoutes = new Hono<AdminEnv>().post("/:projectId/:environment/webhook-secret", async (c) => {
  const gateway = await gatewayConfig(c.env);
  const ref = c.req.param();
  const store = storeOf(c, gateway);
  if (!(await store.get(ref))) throw notConfigured(ref);
  const graceSeconds = parseRotationBody(await readBodyText(c.req.raw, gateway.limits.maxBodyBytes));
  // The authority's configuration, not a location's copy that may lag: nothing else is lost.
  const { config: stored } = await gateway.authority.getConfig(ref);
  if (!stored) throw notConfigured(ref);
  const secret = newWebhookSecret();
  const rotated = rotateWebhookSecret(stored, secret, graceSeconds, Date.now());
  // The rotated configuration passes the same validation as any stored one.
  const config = validateProjectConfig(rotated.config, { stored: true });
  // No answer depends on the webhook secret: the project's cached answers stay.
  await store.put(ref, config, adminRecord(c, "webhook-secret.rotate", { graceSeconds }, `${ref.projectId}/${ref.environment}`), {
    keepAnswers: true,
  });
  c.header("cache-control", "no-store");
  const previousValidUntil = rotated.previousValidUntil === null ? null : new Date(rotated.previousValidUntil).toISOString();
  return c.json({ webhookSecret: secret, previousValidUntil }, 201);
});
