import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { projectKey } from "../../src/projects/store";
import { ADMIN, PUBLIC_READ, configureProject, demoOrigin, errorCode, gateway, postQuery, uniqueTag } from "../support/gateway";

/**
 * Issue 19, findings 4 and 5 (SPEC §3a), through the real Worker: a request naming an unknown
 * project is a `404` that creates nothing — no Durable Object (each would be a SQLite database),
 * no stored key — whoever sends it; and project ids and environments are `[A-Za-z0-9_-]{1,64}`,
 * so `(rt, x:y)` and `(rt:x, y)` can never share a configuration: `400` at the admin API, `404`
 * on the endpoints.
 */

/** The names of the Durable Objects that exist now. */
async function objectIds(): Promise<Set<string>> {
  return new Set((await listDurableObjectIds(env.AUTHORITY)).map((id) => id.toString()));
}

/** The id a project's authority has (or would have): its object is named `<id>/<environment>`. */
const objectOf = (projectId: string, environment: string) => env.AUTHORITY.idFromName(`${projectId}/${environment}`).toString();

function webhook(path: string): Promise<Response> {
  return gateway(path, {
    method: "POST",
    headers: { "content-type": "application/json", "gcms-signature": `sign=AAAA, env=master, t=${Date.now()}` },
    body: JSON.stringify({ operation: "publish", data: { __typename: "Post", id: "p1", stage: "PUBLISHED" } }),
  });
}

describe("an unknown project is a 404 that creates nothing", () => {
  it("16 requests each on /content, /v2 and /webhooks naming invented projects: 404, and no Durable Object for any of them", async () => {
    const before = await objectIds();
    const invented = Array.from({ length: 16 }, () => [uniqueTag("u"), uniqueTag("e")] as const);
    for (const [projectId, environment] of invented) {
      const content = await postQuery(`/content/${projectId}/${environment}`, { query: "{ __typename }" });
      expect([content.status, await errorCode(content)]).toEqual([404, "PROJECT_NOT_FOUND"]);
      const v2 = await postQuery(`/v2/${projectId}/${environment}`, { query: "{ __typename }" });
      expect([v2.status, await errorCode(v2)]).toEqual([404, "PROJECT_NOT_FOUND"]);
      const hook = await webhook(`/webhooks/${projectId}/${environment}`);
      expect([hook.status, await errorCode(hook)]).toEqual([404, "NOT_FOUND"]);
    }
    const after = await objectIds();
    expect(invented.filter(([p, e]) => after.has(objectOf(p, e)))).toEqual([]);
    // At most one object is new: the project directory, asked instead of the projects' own objects.
    expect([...after].filter((id) => !before.has(id)).length).toBeLessThanOrEqual(1);
  });

  it("the admin API's unknown project is a 404 that creates nothing either", async () => {
    const projectId = uniqueTag("u");
    for (const path of ["", "/tokens", "/stats", "/schema"]) {
      const response = await gateway(`/admin/projects/${projectId}/master${path}`, { headers: ADMIN });
      expect([path, response.status, await errorCode(response)]).toEqual([path, 404, "NOT_FOUND"]);
    }
    expect((await objectIds()).has(objectOf(projectId, "master"))).toBe(false);
  });

  it("a project configured right after its 404 is served at once (the 404 is not remembered past its creation)", async () => {
    const tag = uniqueTag();
    const projectId = `late-${tag}`;
    const before = await postQuery(`/content/${projectId}/master`, { query: "{ __typename }" });
    expect(before.status).toBe(404);
    await configureProject(projectId, "master", { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ });
    const after = await postQuery(`/content/${projectId}/master`, { query: "{ __typename }" });
    expect([after.status, await after.json()]).toEqual([200, { data: { __typename: "Query" } }]);
  });
});

describe("project ids and environments are [A-Za-z0-9_-]{1,64}: ids with ':' cannot collide", () => {
  const put = (path: string, config: Record<string, unknown>) =>
    gateway(`/admin/projects/${path}`, {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(config),
    });

  it("PUT (rt, x:y) and (rt:x, y) are 400 INVALID_PROJECT_ID naming the parameter; nothing is stored, nothing is served", async () => {
    const tag = uniqueTag();
    const rt = `rt${tag}`;
    const first = await put(`${rt}/x:y`, { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ });
    expect([first.status, await first.json()]).toEqual([
      400,
      { errors: [expect.objectContaining({ extensions: { code: "INVALID_PROJECT_ID", parameter: "environment" } })] },
    ]);
    const second = await put(`${rt}:x/y`, { origin: demoOrigin(tag), publicPermissions: [], originToken: "a-secret-origin-token" });
    expect([second.status, await second.json()]).toEqual([
      400,
      { errors: [expect.objectContaining({ extensions: { code: "INVALID_PROJECT_ID", parameter: "projectId" } })] },
    ]);
    // Neither reached a store: no configuration under either pair, no object for either.
    expect(await env.CONFIG.get(`project:${rt}:x:y`)).toBeNull();
    expect(await env.CONFIG.get(projectKey({ projectId: rt, environment: "x:y" }))).toBeNull();
    const objects = await objectIds();
    expect([objects.has(objectOf(rt, "x%3Ay")), objects.has(objectOf(`${rt}%3Ax`, "y"))]).toEqual([false, false]);

    for (const path of [`${rt}/x:y`, `${rt}/x%3Ay`, `${rt}:x/y`, `${rt}/x:y/tokens`, `${rt}/x:y/stats`]) {
      const response = await gateway(`/admin/projects/${path}`, { headers: ADMIN });
      expect([path, response.status, await errorCode(response)]).toEqual([path, 400, "INVALID_PROJECT_ID"]);
    }
    const purge = await gateway(`/admin/projects/${rt}:x/y/purge`, { method: "POST", headers: ADMIN });
    expect([purge.status, await errorCode(purge)]).toEqual([400, "INVALID_PROJECT_ID"]);
  });

  it.each([
    ["rt:x", "y"],
    ["rt", "x:y"],
    ["a.b", "master"],
    ["demo", "x".repeat(65)],
  ])("/content, /v2 and /webhooks of (%j, %j) are the 404 of an unknown project", async (projectId, environment) => {
    const path = `${projectId}/${environment}`;
    const content = await postQuery(`/content/${path}`, { query: "{ __typename }" });
    expect([content.status, await errorCode(content)]).toEqual([404, "PROJECT_NOT_FOUND"]);
    const v2 = await postQuery(`/v2/${path}`, { query: "{ __typename }" });
    expect([v2.status, await errorCode(v2)]).toEqual([404, "PROJECT_NOT_FOUND"]);
    const hook = await webhook(`/webhooks/${path}`);
    expect([hook.status, await errorCode(hook)]).toEqual([404, "NOT_FOUND"]);
  });

  it("the issue's scenario: a valid project next to the colliding names keeps its own configuration", async () => {
    const tag = uniqueTag();
    const rt = `rt${tag}`;
    await configureProject(rt, "x", { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ });
    expect((await put(`${rt}:x/y`, { origin: demoOrigin(tag), publicPermissions: [], originToken: "t" })).status).toBe(400);
    const shown = (await (await gateway(`/admin/projects/${rt}/x`, { headers: ADMIN })).json()) as Record<string, unknown[]>;
    expect([shown["originToken"], shown["publicPermissions"]?.length]).toEqual([undefined, 1]);
    const served = await postQuery(`/content/${rt}/x`, { query: "{ __typename }" });
    expect(served.status).toBe(200);
  });
});
