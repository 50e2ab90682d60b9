import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { contentCacheRuntime } from "../pipeline/content-cache";
import { requireProject } from "./require-project";

/**
 * `GET /admin/projects/{projectId}/{environment}/stats` (SPEC §5):
 * `{ hits, misses, stale, bypasses, originErrors, requests, hitRatio }` — every isolate's last
 * flushed totals (at most one KV write per isolate and minute) with this isolate's live counts;
 * `hitRatio` is hits / (hits + misses + stale), `null` before any cacheable request. `404` for an
 * unknown project. The admin-auth middleware runs before this route.
 */
export const statsRoutes = new Hono<{ Bindings: Bindings }>().get("/:projectId/:environment/stats", async (c) => {
  const { kv } = await gatewayConfig(c.env);
  const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
  await requireProject(kv, ref);
  return c.json(await contentCacheRuntime(kv).stats.read(ref.projectId, ref.environment), 200);
});
