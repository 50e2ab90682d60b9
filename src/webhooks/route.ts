import { Hono } from "hono";
import type { Actor, AuditRecord } from "../audit/event";
import { GatewayError, reasonOf } from "../errors";
import { gatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { readBodyText } from "../http/body";
import { parseJsonText } from "../http/json-body";
import { requireProject } from "../projects/require-project";
import { waitUntilOf } from "../platform/wait-until";
import { parseWebhookPayload } from "./payload";
import { deliveryOf } from "./replay";
import { SIGNATURE_HEADER, verifyWebhook } from "./signature";
import { knownSchema } from "../schema/store";
import { activePreviousSecret } from "../projects/webhook-rotation";
import type { ProjectConfig, ProjectRef } from "../projects/types";

/**
 * The origin's stage names, to validate the payload's `data.stage`; `undefined` (names are then
 * only checked to be GraphQL names) when the schema cannot be learned right now, so an origin
 * outage never blocks invalidation.
 */
async function knownStages(ref: ProjectRef, project: ProjectConfig, env: Bindings): Promise<readonly string[] | undefined> {
  const { kv, serviceOrigins, originTimeoutMs } = await gatewayConfig(env);
  try {
    const { knowledge } = await knownSchema(ref, project, { kv, serviceOrigins, originTimeoutMs }, () => undefined);
    return knowledge.stageEnum ? knowledge.stages : undefined;
  } catch {
    return undefined;
  }
}

/** Entry ids named in a delivery's audit event (a payload may list many entries). */
const MAX_LOGGED_IDS = 20;

/** A webhook's sender is known only by the project secret it signed with. */
const WEBHOOK_ACTOR: Actor = { kind: "webhook" };

/** The audit event of a delivery that was refused: the error's code and reason (`signature-expired`, `bad-payload` …). */
function refusedDelivery(error: GatewayError): AuditRecord {
  const reason = reasonOf(error);
  const field = typeof error.extensions["field"] === "string" ? { field: error.extensions["field"].slice(0, 200) } : {};
  return {
    actor: WEBHOOK_ACTOR,
    action: "webhook",
    outcome: "refused",
    details: { result: "refused", code: error.code, reason, ...field },
  };
}

/**
 * Largest webhook body read: 1 MiB. Hygraph webhooks with payloads carry the whole entry
 * (rich text, localizations), which can exceed the 64 KiB GraphQL request limit; anything larger
 * is `413` and purges nothing.
 */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/**
 * `POST /webhooks/{projectId}/{environment}` (SPEC §1, §3): a Hygraph content webhook.
 *
 * 1. `404` for an unknown project;
 * 2. the raw body (bounded) and `gcms-signature` are verified with the project's `webhookSecret`
 *    (or, during a rotation's grace period, the secret it replaced), the URL's environment and the clock — unsigned, wrongly signed, older than 5 minutes, from
 *    the future, for another environment, or a project without a secret: `401
 *    INVALID_WEBHOOK_SIGNATURE` and nothing is purged;
 * 3. the JSON body says what changed (`parseWebhookPayload`; `400` naming the field otherwise);
 * 4. the entries (or, without ids, the models) are invalidated in those stages at the project's
 *    authority → `202 { invalidated: { models, stages } }`, answered once the authority has the
 *    change (`503` when it cannot be reached: the sender retries) — unless this very delivery (its
 *    signature) was accepted before within its window: then `202 { invalidated: { models: [],
 *    stages: [] }, duplicate: true }` and nothing is purged again, at any location (`replay.ts` says why 202).
 *
 * Not behind the admin token: the signature is the authentication. `now` is injectable for tests.
 */
export function webhookRoutes(now: () => number = () => Date.now()) {
  return new Hono<{ Bindings: Bindings }>().post("/:projectId/:environment", async (c) => {
    const config = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
    const project = await requireProject(config, ref, waitUntil);
    let change: ReturnType<typeof parseWebhookPayload>;
    let signature: Awaited<ReturnType<typeof verifyWebhook>>;
    try {
      const rawBody = await readBodyText(c.req.raw, MAX_WEBHOOK_BODY_BYTES);
      signature = await verifyWebhook({
        secret: project.webhookSecret,
        previous: activePreviousSecret(project, now())?.secret,
        rawBody,
        header: c.req.header(SIGNATURE_HEADER),
        environment: ref.environment,
        now,
      });
      change = parseWebhookPayload(parseJsonText(rawBody, config.limits.maxJsonDepth), await knownStages(ref, project, c.env));
    } catch (error) {
      // Refused deliveries are recorded too, in the background (the authority folds repeats into one event a minute).
      if (error instanceof GatewayError) waitUntil(config.authority.record(ref, refusedDelivery(error)).catch(() => undefined));
      throw error;
    }
    const audit: AuditRecord = {
      actor: WEBHOOK_ACTOR,
      action: "webhook",
      outcome: "ok",
      target: change.models.join(",").slice(0, 200) || "*",
      // What the delivery log shows of it (`authority/delivery-log-table.ts`): ids bounded, never the body.
      details: { event: change.operation, models: change.models, stages: change.stages, ids: change.ids.slice(0, MAX_LOGGED_IDS) },
    };
    const outcome = await config.authority.invalidateDelivery(ref, deliveryOf(signature), change.changes, waitUntil, audit);
    if (outcome === "duplicate") return c.json({ invalidated: { models: [], stages: [] }, duplicate: true }, 202);
    return c.json({ invalidated: { models: change.models, stages: change.stages } }, 202);
  });
}
