import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import type { AdminEnv } from "../operators/identity";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";

/**
 * `GET /admin/projects/{projectId}/{environment}/webhook-deliveries` (SPEC §5, viewer): the last
 * 100 webhook deliveries the gateway judged for the project, newest first —
 * `{ deliveries: [{ at, event, model, id, stage, outcome, reason }] }` with `at` ISO 8601,
 * `outcome` `accepted`, `duplicate` or `refused`, and `reason` the refusal's reason or code
 * (`mismatch`, `expired`, `bad-payload` …, docs/errors.md). A refused delivery's operation, model,
 * id and stage are `null`: an unverified body is not read. `404` for a project that is not configured.
 */
export const webhookDeliveryRoutes = new Hono<AdminEnv>().get("/:projectId/:environment/webhook-deliveries", async (c) => {
  const gateway = await gatewayConfig(c.env);
  const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
  await requireProject(gateway, ref, waitUntilOf(c));
  const rows = await gateway.authority.listDeliveries(ref);
  return c.json({ deliveries: rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() })) }, 200, { "cache-control": "no-store" });
});
