import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { schemaKey } from "../../src/schema/store";
import { ADMIN, demoProject, errorCode, gateway, originRequests, postQuery, uniqueTag } from "../support/gateway";

describe("admin API: the learned schema", () => {
  it("shows the models, stages and locales learned from the origin", async () => {
    const { projectId } = await demoProject();
    const response = await gateway(`/admin/projects/${projectId}/master/schema`, { headers: ADMIN });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      models: ["Author", "Page", "Post"],
      stages: ["DRAFT", "PUBLISHED"],
      locales: ["en", "de"],
    });
  });

  it("re-learns the schema on request; an unchanged schema leaves the cache alone", async () => {
    const { tag, projectId, content } = await demoProject();
    await postQuery(content, { query: "{ pages { slug } }" });
    const before = (await originRequests(tag, { introspection: true })).length;
    const response = await gateway(`/admin/projects/${projectId}/master/schema/refresh`, { method: "POST", headers: ADMIN });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ changed: false, models: ["Author", "Page", "Post"] });
    expect((await originRequests(tag, { introspection: true })).length).toBe(before + 1);
    expect((await postQuery(content, { query: "{ pages { slug } }" })).headers.get("x-cache")).toBe("HIT");
  });

  it("a changed schema invalidates the project's cached answers", async () => {
    const { projectId, content } = await demoProject();
    await postQuery(content, { query: "{ pages { slug } }" });
    // Stand in for an origin whose schema changed since it was learned.
    const ref = { projectId, environment: "master" };
    const stored = (await env.CONFIG.get<{ knowledge: { schemaHash: string } }>(schemaKey(ref), "json"))!;
    await env.CONFIG.put(schemaKey(ref), JSON.stringify({ ...stored, knowledge: { ...stored.knowledge, schemaHash: "an-older-schema" } }));
    const response = await gateway(`/admin/projects/${projectId}/master/schema/refresh`, { method: "POST", headers: ADMIN });
    expect(await response.json()).toMatchObject({ changed: true });
    expect((await postQuery(content, { query: "{ pages { slug } }" })).headers.get("x-cache")).toBe("MISS");
  });

  it.each([
    ["GET", "schema"],
    ["POST", "schema/refresh"],
  ])("%s …/%s answers 404 for an unknown project and 401 without the admin token", async (method, path) => {
    const unknown = await gateway(`/admin/projects/${uniqueTag()}/master/${path}`, { method, headers: ADMIN });
    expect(unknown.status).toBe(404);
    const anonymous = await gateway(`/admin/projects/${uniqueTag()}/master/${path}`, { method });
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe("UNAUTHENTICATED");
  });
});
