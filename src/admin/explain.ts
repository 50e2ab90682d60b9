import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { explainRequest } from "../explain/explain";
import { parseExplainInput } from "../explain/input";
import { waitUntilOf } from "../platform/wait-until";
import { readJsonBody } from "../http/json-body";
import { requireProject } from "../projects/require-project";

/**
 * `POST /admin/projects/{projectId}/{environment}/explain` (issue 15): what the gateway would do
 * with a `/content` request — the decision with the rule behind each touch or the refusal with its
 * code, the effective stage and locales, the cache key's components and whether it would be a
 * HIT, STALE, MISS or BYPASS now — without contacting the origin or changing anything
 * (`explain/explain.ts`). Admin-only: the admin-auth middleware runs before this route, so anyone
 * else gets `401`. Body: `explain/input.ts`; `400` naming a bad member, `404` for an unknown
 * project, `409 SCHEMA_NOT_LEARNED` before the origin's schema has been learned.
 */
export const explainRoutes = new Hono<{ Bindings: Bindings }>().post("/:projectId/:environment/explain", async (c) => {
  const config = await gatewayConfig(c.env);
  const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
  const input = parseExplainInput(await readJsonBody(c.req.raw, config.limits.maxBodyBytes, config.limits.maxJsonDepth));
  const waitUntil = waitUntilOf(c);
  const project = await requireProject(config, ref, waitUntil);
  const explanation = await explainRequest(input, { ref, project, config, baseUrl: c.req.url, now: Date.now(), waitUntil });
  return c.json(explanation, 200, { "cache-control": "no-store" });
});
