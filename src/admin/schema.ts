import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import { knownSchema, refreshSchema, schemaKey, type KnownSchema } from "../schema/store";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";
import { adminRecord, type AdminEnv } from "../operators/identity";

/** What an operator sees of the learned schema: enough to check rules against, not the whole introspection. */
function summary(known: KnownSchema) {
  const { knowledge } = known;
  return {
    schemaHash: knowledge.schemaHash,
    fetchedAt: new Date(known.fetchedAt).toISOString(),
    models: knowledge.models,
    stages: knowledge.stages,
    locales: knowledge.locales,
    mutations: Object.keys(knowledge.mutations).length,
  };
}

/**
 * The origin's schema as the gateway knows it (issue 3 "refresh … by admin request"):
 * `GET …/schema` shows the learned models, stages and locales; `POST …/schema/refresh` re-learns
 * it from the origin now. When the schema changed, every cached answer of the project is
 * invalidated, since answers to the same document may now differ. The admin-auth middleware runs
 * before these routes.
 */
export const schemaRoutes = new Hono<AdminEnv>()
  .get("/:projectId/:environment/schema", async (c) => {
    const config = await gatewayConfig(c.env);
    const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
    const project = await requireProject(config, ref, waitUntilOf(c));
    const deps = { kv: config.kv, serviceOrigins: config.serviceOrigins, originTimeoutMs: config.originTimeoutMs };
    return c.json(summary(await knownSchema(ref, project, deps, () => undefined)), 200);
  })
  .post("/:projectId/:environment/schema/refresh", async (c) => {
    const config = await gatewayConfig(c.env);
    const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
    const waitUntil = waitUntilOf(c);
    const project = await requireProject(config, ref, waitUntil);
    const deps = { kv: config.kv, serviceOrigins: config.serviceOrigins, originTimeoutMs: config.originTimeoutMs };
    // Compared with what was last learned and stored, whichever isolate learned it.
    const before = await config.kv.get<{ knowledge?: { schemaHash?: string } }>(schemaKey(ref), "json").catch(() => null);
    const after = await refreshSchema(ref, project, deps);
    const changed = before?.knowledge?.schemaHash !== after.knowledge.schemaHash;
    // Recorded either way; a changed schema also invalidates everything, in the same event.
    const audit = adminRecord(c, "schema.refresh", { changed, schemaHash: after.knowledge.schemaHash });
    await config.authority.invalidate(ref, changed ? [{ kind: "model", stages: "*", models: "*" }] : [], waitUntil, audit);
    return c.json({ ...summary(after), changed }, 200);
  });
