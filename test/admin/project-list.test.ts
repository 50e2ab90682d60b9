import { describe, expect, it } from "vitest";
import { parseProjectListQuery, projectPage } from "../../src/admin/project-list";
import { ADMIN, configureProject, demoOrigin, errorExtensions, gateway, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";

type Listed = {
  projects: Array<{ projectId: string; environment: string; origin: string | null; hitRatio: number | null }>;
  next?: string;
};

const list = async (query: string, headers: Record<string, string> = ADMIN) => {
  const response = await gateway(`/admin/projects${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Listed };
};

describe("the project list's query and paging (pure)", () => {
  const names = ["demo/master", "shop/master", "shop/staging", "blog/master"].sort();

  it.each<[string, unknown]>([
    ["", { limit: 50 }],
    ["search=SHOP&limit=1", { search: "shop", limit: 1 }],
    ["search=", { limit: 50 }],
    ["cursor=shop/master", { after: "shop/master", limit: 50 }],
  ])("%j", (text, expected) => expect(parseProjectListQuery(new URLSearchParams(text))).toEqual(expected));

  it.each<[string, string]>([
    ["page=2", "page"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=1&limit=2", "limit"],
    ["cursor=../etc", "cursor"],
  ])("refuses %j naming %s", (text, param) => {
    expect(() => parseProjectListQuery(new URLSearchParams(text))).toThrow(expect.objectContaining({ status: 400, extensions: { param } }));
  });

  it("pages in name order, filtered, with a cursor", () => {
    expect(projectPage(names, { limit: 2 })).toEqual({ names: ["blog/master", "demo/master"], next: "demo/master" });
    expect(projectPage(names, { limit: 2, after: "demo/master" })).toEqual({ names: ["shop/master", "shop/staging"] });
    expect(projectPage(names, { limit: 5, search: "shop" })).toEqual({ names: ["shop/master", "shop/staging"] });
  });
});

describe("GET /admin/projects", () => {
  it("lists configured projects with their origin and 24 h hit ratio, searchable and paged", async () => {
    const tag = uniqueTag("list");
    for (const environment of ["master", "staging"])
      await configureProject(`${tag}-a`, environment, { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ });
    await configureProject(`${tag}-b`, "master", { origin: demoOrigin(`${tag}b`) });
    // Two requests to one project: a miss, then a hit.
    for (let i = 0; i < 2; i++)
      expect((await postQuery(`/content/${tag}-a/master`, { query: "{ posts(first: 1) { id } }" })).status).toBe(200);

    const all = await list(`?search=${tag}`);
    expect(all.status).toBe(200);
    expect(all.body.projects.map((p) => `${p.projectId}/${p.environment}`)).toEqual([
      `${tag}-a/master`,
      `${tag}-a/staging`,
      `${tag}-b/master`,
    ]);
    expect(all.body.projects[0]).toMatchObject({ origin: demoOrigin(tag), hitRatio: 0.5 });
    expect(all.body.projects[1]).toMatchObject({ hitRatio: null });

    const first = await list(`?search=${tag.toUpperCase()}&limit=2`);
    expect(first.body.projects).toHaveLength(2);
    expect(first.body.next).toBe(`${tag}-a/staging`);
    const second = await list(`?search=${tag}&limit=2&cursor=${first.body.next}`);
    expect(second.body.projects.map((p) => p.projectId)).toEqual([`${tag}-b`]);
    expect(second.body.next).toBeUndefined();
  });

  it("refuses a bad parameter with 400 naming it", async () => {
    const response = await gateway("/admin/projects?sort=name", { headers: ADMIN });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "BAD_REQUEST", param: "sort" });
  });
});
