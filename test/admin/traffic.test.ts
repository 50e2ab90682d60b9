import { describe, expect, it } from "vitest";
import { ADMIN, demoProject, gateway, postQuery, uniqueTag } from "../support/gateway";
import { errorExtensions } from "../support/cache";
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
});
