import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { authorityFor } from "../../src/authority/client";
import { AppsRecorder } from "../../src/stats/apps-recorder";
import { ADMIN, gateway, postQuery, uniqueTag } from "../support/gateway";
import { identityProvider, JWT_ISSUER, jwtProject } from "../support/jwt-project";

/**
 * `GET /admin/projects/{p}/{e}/apps` (SPEC §5a): the apps verified JWTs named, counted in each
 * isolate's memory and flushed to the project's authority; the route flushes its own isolate
 * first and adds up every isolate's totals.
 */

let idp: Awaited<ReturnType<typeof identityProvider>>;

beforeAll(async () => {
  idp = await identityProvider();
});

interface Listed {
  app: string;
  firstSeen: string;
  lastSeen: string;
  requests: number;
}

async function apps(project: { apps: () => Promise<Response> }): Promise<Listed[]> {
  const response = await project.apps();
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { apps: Listed[] }).apps;
}

async function call(content: string, token?: string): Promise<number> {
  const response = await postQuery(content, { query: "{ posts(first: 1) { id } }" }, token ? { authorization: `Bearer ${token}` } : {});
  await response.body?.cancel();
  return response.status;
}

describe("GET …/apps", () => {
  it("is empty for a project no JWT has called, and 404 for an unknown project", async () => {
    const project = await jwtProject(idp);
    expect(await apps(project)).toEqual([]);
    const unknown = await gateway(`/admin/projects/${uniqueTag("nope")}/master/apps`, { headers: ADMIN });
    expect(unknown.status).toBe(404);
  });

  it("counts each verified JWT under azp, else client_id, else iss; public and refused-before-verification requests are no app", async () => {
    const project = await jwtProject(idp);
    const started = Date.now();
    const [mobile, cli, bare] = await Promise.all([idp.sign({ azp: "mobile" }), idp.sign({ client_id: "cli" }), idp.sign()]);
    for (const token of [mobile, mobile, mobile, cli, cli, bare]) expect(await call(project.content, token)).toBe(200);
    expect(await call(project.content)).toBe(200); // public
    expect(await call(project.content, `${mobile.slice(0, -4)}AAAA`)).toBe(401); // bad signature: not verified, not counted
    const listed = await apps(project);
    expect(Object.fromEntries(listed.map((a) => [a.app, a.requests]))).toEqual({ mobile: 3, cli: 2, [JWT_ISSUER]: 1 });
    for (const a of listed) {
      expect(a.firstSeen).toBe(new Date(a.firstSeen).toISOString());
      expect(Date.parse(a.firstSeen)).toBeGreaterThanOrEqual(started - 1_000);
      expect(Date.parse(a.lastSeen)).toBeGreaterThanOrEqual(Date.parse(a.firstSeen));
    }
  });

  it("still counts an app after it is revoked (its refused requests show it keeps calling)", async () => {
    const project = await jwtProject(idp);
    const token = await idp.sign({ azp: "revoked-app" });
    expect(await call(project.content, token)).toBe(200);
    expect((await project.revoke({ app: "revoked-app" })).status).toBe(201);
    expect(await call(project.content, token)).toBe(401);
    expect(await apps(project)).toEqual([expect.objectContaining({ app: "revoked-app", requests: 2 })]);
  });

  it("adds up what every isolate flushed to the project's authority", async () => {
    const project = await jwtProject(idp);
    const ref = { projectId: project.projectId, environment: "master" };
    // Isolates as the gateway builds them: flushing to the project's Durable Object.
    const a = new AppsRecorder(authorityFor(env.AUTHORITY), { isolateId: `iso-a-${uniqueTag()}` });
    const b = new AppsRecorder(authorityFor(env.AUTHORITY), { isolateId: `iso-b-${uniqueTag()}` });
    for (let i = 0; i < 4; i++) a.count(ref, "web");
    a.count(ref, "mobile");
    for (let i = 0; i < 3; i++) b.count(ref, "web");
    b.count({ ...ref, projectId: `${ref.projectId}-other` }, "web"); // another project
    await Promise.all([a.flush(), b.flush()]);
    await a.flush(); // nothing new: changes nothing
    const listed = await apps(project);
    expect(listed.map((x) => [x.app, x.requests]).sort()).toEqual([
      ["mobile", 1],
      ["web", 7],
    ]);
  });
});
