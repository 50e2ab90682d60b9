import { describe, expect, it } from "vitest";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";
import { trackMembers, cacheHarness, contentRequest, countingOrigin, errorExtensions } from "../support/cache";

const purge = (projectId: string, body?: string, headers: Record<string, string> = ADMIN, environment = "master") =>
  gateway(`/admin/projects/${projectId}/${environment}/purge`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });

describe("POST /admin/projects/{p}/{e}/purge", () => {
  it.each<[string, Record<string, string>, string]>([
    ["no Authorization", {}, "UNAUTHENTICATED"],
    ["a wrong admin token", { authorization: "Bearer not-the-admin-token" }, "UNAUTHENTICATED"],
  ])("refuses %s with 401 and purges nothing", async (_label, headers, code) => {
    const { projectId } = await demoProject();
    const members = await trackMembers(projectId);
    const response = await purge(projectId, "{}", headers);
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.code).toBe(code);
    expect(await members.bumped()).toEqual([]);
  });

  it("is 404 for an unknown project (or environment)", async () => {
    expect((await purge(`nope-${uniqueTag()}`, "{}")).status).toBe(404);
    const { projectId } = await demoProject();
    expect((await purge(projectId, "{}", ADMIN, "staging")).status).toBe(404);
  });

  it.each<[string, string, string]>([
    ["not JSON", "{models:", "body"],
    ["a JSON array", '["Post"]', "body"],
    ["models as a string", '{"models":"Post"}', "models"],
    ["an empty models list", '{"models":[]}', "models"],
    ["a non-string model", '{"models":[1]}', "models[0]"],
    ["a stage that is not a name", '{"stages":["PUBLISHED","two words"]}', "stages[1]"],
    ["an unknown member (typo)", '{"model":["Post"]}', "model"],
  ])("refuses %s with 400 naming the field, and purges nothing", async (_label, body, field) => {
    const { projectId } = await demoProject();
    const members = await trackMembers(projectId);
    const response = await purge(projectId, body);
    expect(response.status).toBe(400);
    const extensions = await errorExtensions(response);
    expect(extensions).toMatchObject({ code: "BAD_REQUEST", field });
    expect(await members.bumped()).toEqual([]);
  });

  it.each<[string, string | undefined, { models: unknown; stages: unknown }, string[]]>([
    ["no body", undefined, { models: "*", stages: "*" }, ["A|*|*"]],
    ["an empty body", "", { models: "*", stages: "*" }, ["A|*|*"]],
    ["{}", "{}", { models: "*", stages: "*" }, ["A|*|*"]],
    ["models only", '{"models":["Post"]}', { models: ["Post"], stages: "*" }, ["A|*|Post"]],
    ["stages only", '{"stages":["DRAFT"]}', { models: "*", stages: ["DRAFT"] }, ["A|DRAFT|*"]],
    [
      "models and stages",
      '{"models":["Post","Author","Post"],"stages":["DRAFT"]}',
      { models: ["Post", "Author"], stages: ["DRAFT"] },
      ["A|DRAFT|Author", "A|DRAFT|Post"],
    ],
    ['"*" as a value and in a list', '{"models":"*","stages":["PUBLISHED","*"]}', { models: "*", stages: "*" }, ["A|*|*"]],
  ])("purges with %s: 200, the scope, and exactly those authority members bumped", async (_label, body, purged, bumped) => {
    const { projectId } = await demoProject();
    const members = await trackMembers(projectId);
    const response = await purge(projectId, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ purged });
    expect(await members.bumped()).toEqual(bumped);
    // Another environment of the project is untouched.
    expect(await (await trackMembers(projectId, "staging")).bumped()).toEqual([]);
  });

  it("a purge makes the purged answers miss and leaves the others hitting", async () => {
    const { projectId } = await demoProject();
    // A location whose view is synced with the project's real authority.
    const h = cacheHarness();
    await h.syncWith(projectId);
    const origin = countingOrigin({ body: { data: { posts: [] } } });
    const base = contentRequest({ ref: { projectId, environment: "master" } });
    const posts = { ...base, dependencies: ["L|PUBLISHED|Post"] };
    const authors = { ...base, query: "{ authors { id } }", dependencies: ["L|PUBLISHED|Author"] };
    const drafts = { ...base, stage: "DRAFT", dependencies: ["L|DRAFT|Post"] };
    for (const r of [posts, authors, drafts]) await h.serveSettled(r, origin);
    expect((await purge(projectId, '{"models":["Post"],"stages":["PUBLISHED"]}')).status).toBe(200);
    await h.syncWith(projectId);
    const states = [];
    for (const r of [posts, authors, drafts]) states.push((await h.serveSettled(r, origin)).headers.get("x-cache"));
    expect(states).toEqual(["MISS", "HIT", "HIT"]);
    expect(origin.calls).toBe(4);
  });
});
