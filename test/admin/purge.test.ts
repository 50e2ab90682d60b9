import { describe, expect, it } from "vitest";
import { KvVersionStore } from "../../src/cache/versions";
import { ADMIN, demoProject, gateway, uniqueTag } from "../support/gateway";
import { trackVersions, cacheHarness, contentRequest, countingOrigin, errorExtensions, kv } from "../support/cache";

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
    const versions = await trackVersions(projectId);
    const response = await purge(projectId, "{}", headers);
    expect(response.status).toBe(401);
    expect((await errorExtensions(response))?.code).toBe(code);
    expect(await versions.bumped()).toEqual([]);
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
    const versions = await trackVersions(projectId);
    const response = await purge(projectId, body);
    expect(response.status).toBe(400);
    const extensions = await errorExtensions(response);
    expect(extensions).toMatchObject({ code: "BAD_REQUEST", field });
    expect(await versions.bumped()).toEqual([]);
  });

  it.each<[string, string | undefined, { models: unknown; stages: unknown }, string[]]>([
    ["no body", undefined, { models: "*", stages: "*" }, ["*/*"]],
    ["an empty body", "", { models: "*", stages: "*" }, ["*/*"]],
    ["{}", "{}", { models: "*", stages: "*" }, ["*/*"]],
    ["models only", '{"models":["Post"]}', { models: ["Post"], stages: "*" }, ["*/Post"]],
    ["stages only", '{"stages":["DRAFT"]}', { models: "*", stages: ["DRAFT"] }, ["DRAFT/*"]],
    ["models and stages", '{"models":["Post","Author","Post"],"stages":["DRAFT"]}', { models: ["Post", "Author"], stages: ["DRAFT"] }, ["DRAFT/Author", "DRAFT/Post"]],
    ['"*" as a value and in a list', '{"models":"*","stages":["PUBLISHED","*"]}', { models: "*", stages: "*" }, ["*/*"]],
  ])("purges with %s: 200, the scope, and exactly those counters bumped", async (_label, body, purged, bumped) => {
    const { projectId } = await demoProject();
    const versions = await trackVersions(projectId);
    const response = await purge(projectId, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ purged });
    expect(await versions.bumped()).toEqual(bumped);
    // Another environment of the project is untouched.
    expect(await (await trackVersions(projectId, "staging")).bumped()).toEqual([]);
  });

  it("a purge makes the purged answers miss and leaves the others hitting", async () => {
    const { projectId } = await demoProject();
    // Read versions straight from KV, so this holds whichever isolate served the purge.
    const h = cacheHarness({ versions: new KvVersionStore(kv, { localTtlMs: 0 }) });
    const origin = countingOrigin({ body: { data: { posts: [] } } });
    const base = contentRequest({ ref: { projectId, environment: "master" } });
    const posts = { ...base, models: ["Post"] };
    const authors = { ...base, query: "{ authors { id } }", models: ["Author"] };
    const drafts = { ...base, stage: "DRAFT", stages: ["DRAFT"], models: ["Post"] };
    for (const r of [posts, authors, drafts]) await h.serveSettled(r, origin);
    expect((await purge(projectId, '{"models":["Post"],"stages":["PUBLISHED"]}')).status).toBe(200);
    const states = [];
    for (const r of [posts, authors, drafts]) states.push((await h.serveSettled(r, origin)).headers.get("x-cache"));
    expect(states).toEqual(["MISS", "HIT", "HIT"]);
    expect(origin.calls).toBe(4);
  });
});
