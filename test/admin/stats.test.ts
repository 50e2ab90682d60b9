import { env } from "cloudflare:workers";
import { authorityFor } from "../../src/authority/client";
import { emptyView } from "../../src/authority/view";
import { describe, expect, it } from "vitest";
import { StatsRecorder } from "../../src/stats/recorder";
import { statsStoreFor } from "../../src/stats/store";
import { contentCacheRuntime } from "../../src/pipeline/cache-runtime";
import { serveContent } from "../../src/pipeline/content-cache";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";
import { backgroundWork, contentRequest, countingOrigin, errorExtensions, kv } from "../support/cache";

const stats = (projectId: string, headers: Record<string, string> = ADMIN) =>
  gateway(`/admin/projects/${projectId}/master/stats`, { headers });

describe("GET /admin/projects/{p}/{e}/stats", () => {
  it.each<[string, Record<string, string>]>([
    ["no Authorization", {}],
    ["a wrong admin token", { authorization: "Bearer wrong" }],
  ])("refuses %s with 401", async (_label, headers) => {
    const { projectId } = await demoProject();
    const response = await stats(projectId, headers);
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.code).toBe("UNAUTHENTICATED");
  });

  it("is 404 for an unknown project", async () => {
    expect((await stats(`nope-${uniqueTag()}`)).status).toBe(404);
  });

  it("starts at zero with no hit ratio", async () => {
    const { projectId } = await demoProject();
    const response = await stats(projectId);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hits: 0, misses: 0, stale: 0, bypasses: 0, originErrors: 0, requests: 0, hitRatio: null });
  });

  it("adds up every isolate's totals flushed to the project's authority: requests = hits + misses + stale + bypasses, hitRatio = hits / (hits + misses + stale)", async () => {
    const { projectId } = await demoProject();
    // Isolates as the gateway builds them: flushing to the project's Durable Object.
    const a = new StatsRecorder(statsStoreFor(kv, authorityFor(env.AUTHORITY)), { isolateId: `iso-a-${uniqueTag()}` });
    const b = new StatsRecorder(statsStoreFor(kv, authorityFor(env.AUTHORITY)), { isolateId: `iso-b-${uniqueTag()}` });
    a.record(projectId, "master", "hits", undefined, 6);
    a.record(projectId, "master", "misses", undefined, 2);
    a.record(projectId, "master", "bypasses", undefined, 3);
    b.record(projectId, "master", "hits", undefined, 3);
    b.record(projectId, "master", "stale", undefined, 1);
    b.record(projectId, "master", "originErrors", undefined, 1);
    a.record(`${projectId}-other`, "master", "hits", undefined, 100); // another project
    await Promise.all([a.flush(), b.flush()]);
    const response = await stats(projectId);
    expect(await response.json()).toEqual({ hits: 9, misses: 2, stale: 1, bypasses: 3, originErrors: 1, requests: 15, hitRatio: 9 / 12 });
  });

  it("reads the project's authority, not KV: totals an isolate without the authority wrote to KV are not counted", async () => {
    const { projectId } = await demoProject();
    const kvOnly = new StatsRecorder(statsStoreFor(kv), { isolateId: `iso-kv-${uniqueTag()}` });
    kvOnly.record(projectId, "master", "hits", undefined, 50);
    await kvOnly.flush();
    const viaAuthority = new StatsRecorder(statsStoreFor(kv, authorityFor(env.AUTHORITY)), { isolateId: `iso-do-${uniqueTag()}` });
    viaAuthority.record(projectId, "master", "misses", undefined, 2);
    await viaAuthority.flush();
    expect(await (await stats(projectId)).json()).toMatchObject({ hits: 0, misses: 2, requests: 2 });
  });

  it("counts what serveContent did", async () => {
    const { projectId } = await demoProject();
    const work = backgroundWork();
    const req = contentRequest({ ref: { projectId, environment: "master" } });
    const origin = countingOrigin({ body: { data: { posts: [] } } });
    const deps = { kv, waitUntil: work.waitUntil, view: emptyView() };
    for (let i = 0; i < 4; i++) {
      await serveContent(req, origin.fetch, deps);
      await work.settle();
    }
    // The route reads this isolate's live counts, or — if it runs in another module instance —
    // the flushed totals; flush so both are the same.
    await contentCacheRuntime(kv).stats.flush();
    expect(await (await stats(projectId)).json()).toEqual({
      hits: 3,
      misses: 1,
      stale: 0,
      bypasses: 0,
      originErrors: 0,
      requests: 4,
      hitRatio: 0.75,
    });
  });
});
