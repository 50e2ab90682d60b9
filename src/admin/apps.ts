import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import type { AdminEnv } from "../operators/identity";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";
import { appsRecorderFor } from "../stats/apps-recorder";

/**
 * The third-party apps seen calling a project (SPEC §5a): `GET …/apps` →
 * `{"apps": [{"app","firstSeen","lastSeen","requests"}]}`, most recently seen first, times ISO
 * 8601, requests summed over every isolate that flushed them (`stats/apps-recorder.ts`, at most
 * every `STATS_FLUSH_MS`). This isolate's own counts are flushed first, so what it served is
 * always included; counts other isolates have not flushed yet appear at their next flush. Role:
 * viewer (`middleware/admin-roles.ts`).
 */
export const appsRoutes = new Hono<AdminEnv>().get("/:projectId/:environment/apps", async (c) => {
  const gateway = await gatewayConfig(c.env);
  const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
  await requireProject(gateway, ref, waitUntilOf(c));
  // A failed flush keeps its counts for the next one; the listing then asks the authority itself.
  await appsRecorderFor(gateway.authority, { flushIntervalMs: gateway.stats.flushIntervalMs })
    .flush()
    .catch(() => undefined);
  const apps = await gateway.authority.listApps(ref);
  return c.json(
    {
      apps: apps.map((a) => ({
        app: a.app,
        firstSeen: new Date(a.firstSeen).toISOString(),
        lastSeen: new Date(a.lastSeen).toISOString(),
        requests: a.requests,
      })),
    },
    200,
    { "cache-control": "no-store" },
  );
});
