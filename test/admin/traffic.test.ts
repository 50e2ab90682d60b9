import { describe, expect, it } from "vitest";
import { ADMIN, PUBLIC_READ, demoProject, gateway, postQuery, uniqueTag } from "../support/gateway";
import { errorExtensions } from "../support/cache";
import { sha256Hex } from "../../src/platform/hash";
import type { Traffic } from "../../src/stats/traffic";

const traffic = async (projectId: string, headers: Record<string, string> = ADMIN) =>
  gateway(`/admin/projects/${projectId}/master/traffic`, { headers });

describe("GET /admin/projects/{p}/{e}/traffic", () => {
  it.each<[string, Record<string, string>]>([
    ["no Authorization", {}],
    ["a wrong admin token", { authorization: "Bearer wrong" }],
  ])("refuses %s with 401", async (_label, headers) => {
    const { projectId } = await demoProject();
    const response = await traffic(projectId, headers);
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.code).toBe("UNAUTHENTICATED");
  });

  it("is 404 for an unknown project", async () => {
    expect((await traffic(`nope-${uniqueTag()}`)).status).toBe(404);
  });

  it("shows this minute's hits, misses and refusals (by code, with the refused touches) of real requests", async () => {
    const { projectId, content } = await demoProject();
    for (let i = 0; i < 3; i++) expect((await postQuery(content, { query: "{ posts { title } }" })).status).toBe(200);
    const forbidden = await postQuery(content, { query: "{ posts { title } }" }, { "gcms-stage": "DRAFT" });
    expect(forbidden.status).toBe(403);
    const unknownToken = await postQuery(content, { query: "{ posts { title } }" }, { authorization: "Bearer cep_notAToken" });
    expect(unknownToken.status).toBe(401);

    const response = await traffic(projectId);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const view = (await response.json()) as Traffic;
    expect(view.minutes).toHaveLength(60);
    expect(view.hours).toHaveLength(24);
    // The requests may straddle a minute boundary: the last two minutes hold them all.
    const [before, last] = view.minutes.slice(-2);
    const sum = (name: "hits" | "misses" | "forbidden" | "unauthenticated") => before![name] + last![name];
    expect([sum("hits"), sum("misses"), sum("forbidden"), sum("unauthenticated")]).toEqual([2, 1, 1, 1]);
    expect(view.day).toMatchObject({ hits: 2, misses: 1, requests: 3, refusals: 2, hitRatio: 2 / 3 });
    expect(view.refusalCodes).toEqual([
      { code: "401 UNAUTHENTICATED unknown-token", count: 1 },
      { code: "403 FORBIDDEN", count: 1 },
    ]);
    expect(view.topFailedActions).toEqual([{ action: "read", model: "Post", stage: "DRAFT", locale: "en", count: 1 }]);

    // /stats keeps its fields; refusals are not among them.
    const stats = await (await gateway(`/admin/projects/${projectId}/master/stats`, { headers: ADMIN })).json();
    expect(stats).toEqual({ hits: 2, misses: 1, stale: 0, bypasses: 0, originErrors: 0, requests: 3, hitRatio: 2 / 3 });
  });

  it("shows the latency of hits, misses and the origin, the top operations and the /v2 counts of real requests", async () => {
    // An origin that takes 40 ms: every miss, and every origin fetch, takes at least that.
    const { projectId, content, v2, tag } = await demoProject(
      { publicPermissions: [...PUBLIC_READ, { action: ["create", "read"], model: "Post", stages: ["DRAFT"], locales: "*" }] },
      "__delay/40/",
    );
    const named = "query Posts { posts { title } }";
    const unnamed = "{ authors { name } }";
    const statuses: number[] = [];
    // A miss and three hits (the first by the full path, the others by the fast path), then a miss of another query.
    for (let i = 0; i < 4; i++) statuses.push((await postQuery(content, { query: named })).status);
    statuses.push((await postQuery(content, { query: unnamed })).status);
    // /v2: a query and a mutation.
    statuses.push((await postQuery(v2, { query: "{ __typename }" })).status);
    const mutation = "mutation($data: PostCreateInput!) { createPost(data: $data) { slug } }";
    statuses.push((await postQuery(v2, { query: mutation, variables: { data: { title: "Counted", slug: `traffic-${tag}` } } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);

    const view = (await (await traffic(projectId)).json()) as Traffic;
    const { day } = view;
    expect([day.hits, day.misses, day.v2Requests, day.mutations]).toEqual([3, 2, 2, 1]);
    expect([day.latency.hits.count, day.latency.misses.count, day.latency.origin.count]).toEqual([3, 2, 2]);
    // Within one bucket (±10 %) of at least 40 ms.
    expect(day.latency.misses.p50).toBeGreaterThanOrEqual(36);
    expect(day.latency.origin.p50).toBeGreaterThanOrEqual(36);
    expect(day.latency.hits.p50).not.toBeNull();
    // The minutes hold what the day holds (the requests may straddle a minute boundary).
    const [before, last] = view.minutes.slice(-2);
    expect(before!.latency.misses.count + last!.latency.misses.count).toBe(2);
    expect(before!.v2Requests + last!.v2Requests).toBe(2);

    const postsHash = await sha256Hex(named);
    const authorsHash = await sha256Hex(unnamed);
    expect(view.topOperations.byRequests).toEqual([
      { documentHash: postsHash, operationName: "Posts", requests: 4, misses: 1 },
      { documentHash: authorsHash, operationName: null, requests: 1, misses: 1 },
    ]);
    expect(view.topOperations.byMisses).toHaveLength(2);
    expect(view.topOperations.byMisses).toContainEqual({ documentHash: authorsHash, operationName: null, requests: 1, misses: 1 });
  });
});
