import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { contentCacheRuntime } from "../pipeline/cache-runtime";
import { waitUntilOf } from "../platform/wait-until";
import { trafficView } from "../stats/traffic";
import { requireProject } from "../projects/require-project";

/**
 * Traffic statistics of a project and environment. The admin-auth middleware runs before these
 * routes; an unknown project is `404`. Both read every isolate's flushed buckets (one store write
 * per isolate and project at most every 5 s) together with this isolate's live counters.
 *
 * - `GET …/stats` (SPEC §5, unchanged fields): `{ hits, misses, stale, bypasses, originErrors,
 *   requests, hitRatio }` over the last 24 hours (the hour in progress and the 23 before it);
 *   `requests` = hits + misses + stale + bypasses, `hitRatio` = hits / (hits + misses + stale),
 *   `null` before any cacheable request.
 * - `GET …/traffic`: the same counters and the refusals (401/403) per minute for the last hour and
 *   per hour for the last day, refusals by code and the most refused touches (`stats/traffic.ts`).
 */
export const statsRoutes = new Hono<{ Bindings: Bindings }>()
  .get("/:projectId/:environment/stats", async (c) => {
    const config = await gatewayConfig(c.env);
    const { kv, stats: settings } = config;
    const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
    await requireProject(config, ref, waitUntilOf(c));
    return c.json(await contentCacheRuntime(kv, settings).stats.read(ref.projectId, ref.environment), 200);
  })
  .get("/:projectId/:environment/traffic", async (c) => {
    const config = await gatewayConfig(c.env);
    const { kv, stats: settings } = config;
    const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
    await requireProject(config, ref, waitUntilOf(c));
    const { stats } = contentCacheRuntime(kv, settings);
    return c.json(trafficView(await stats.buckets(ref.projectId, ref.environment), Date.now()), 200, { "cache-control": "no-store" });
  });
