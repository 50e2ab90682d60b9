import { describe, expect, it } from "vitest";
import { ADMIN, demoProject, gateway, postQuery, uniqueTag } from "../support/gateway";
import { trackMembers, cacheHarness, contentRequest, countingOrigin, errorExtensions } from "../support/cache";

const HASH_A = "ab".repeat(32);
const HASH_B = "cd".repeat(32);

/** A document's hash as APQ's sha256Hash: SHA-256 hex of its text as sent. */
const documentHash = async (query: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(query)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

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
    ["entries that are not a list", '{"entries":{"model":"Post","id":"p1"}}', "entries"],
    ["an empty entries list", '{"entries":[]}', "entries"],
    ["an entry without an id", '{"entries":[{"model":"Post"}]}', "entries[0].id"],
    ["an entry with a member too many", '{"entries":[{"model":"Post","id":"p1","stage":"DRAFT"}]}', "entries[0]"],
    ["an entry of every model", '{"entries":[{"model":"*","id":"p1"}]}', "entries[0].model"],
    ["an id with a space", '{"entries":[{"model":"Post","id":"p 1"}]}', "entries[0].id"],
    ["entries and models", '{"entries":[{"model":"Post","id":"p1"}],"models":["Post"]}', "models"],
    ["101 entries", JSON.stringify({ entries: Array.from({ length: 101 }, (_, i) => ({ model: "Post", id: `p${i}` })) }), "entries"],
    ["documents that are not a list", `{"documents":"${HASH_A}"}`, "documents"],
    ["an empty documents list", '{"documents":[]}', "documents"],
    ["a document hash that is too short", `{"documents":["${HASH_A}","${HASH_A.slice(1)}"]}`, "documents[1]"],
    ["a document hash that is not hex", `{"documents":["${"g".repeat(64)}"]}`, "documents[0]"],
    ["a document hash that is a number", '{"documents":[1]}', "documents[0]"],
    ["documents and models", `{"documents":["${HASH_A}"],"models":["Post"]}`, "models"],
    ["documents and entries", `{"documents":["${HASH_A}"],"entries":[{"model":"Post","id":"p1"}]}`, "entries"],
    ["101 documents", JSON.stringify({ documents: Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(64, "0")) }), "documents"],
  ])("refuses %s with 400 naming the field, and purges nothing", async (_label, body, field) => {
    const { projectId } = await demoProject();
    const members = await trackMembers(projectId);
    const response = await purge(projectId, body);
    expect(response.status).toBe(400);
    const extensions = await errorExtensions(response);
    expect(extensions).toMatchObject({ code: "BAD_REQUEST", field });
    expect(await members.bumped()).toEqual([]);
  });

  it.each<[string, string | undefined, { models: unknown; stages: unknown; entries?: unknown; documents?: unknown }, string[]]>([
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
    [
      "entries (a repeat counted once), in one stage",
      '{"entries":[{"model":"Post","id":"p1"},{"model":"Author","id":"a1"},{"model":"Post","id":"p1"}],"stages":["PUBLISHED"]}',
      {
        models: ["Author", "Post"],
        stages: ["PUBLISHED"],
        entries: [
          { model: "Post", id: "p1" },
          { model: "Author", id: "a1" },
        ],
      },
      ["E|PUBLISHED|Author|a1", "E|PUBLISHED|Post|p1", "L|PUBLISHED|Author", "L|PUBLISHED|Post", "R|PUBLISHED|Author", "R|PUBLISHED|Post"],
    ],
    [
      "documents (upper-case hex lowered, a repeat counted once)",
      `{"documents":["${HASH_A}","${HASH_A.toUpperCase()}","${HASH_B}"]}`,
      { models: [], stages: "*", documents: [HASH_A, HASH_B] },
      [`Q|*|${HASH_A}`, `Q|*|${HASH_B}`],
    ],
    [
      "a document in one stage",
      `{"documents":["${HASH_A}"],"stages":["DRAFT"]}`,
      { models: [], stages: ["DRAFT"], documents: [HASH_A] },
      [`Q|DRAFT|${HASH_A}`],
    ],
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

  it("an entry purge makes the answers that read that entry miss and leaves the other entries' answers hitting", async () => {
    const { projectId } = await demoProject();
    const h = cacheHarness();
    await h.syncWith(projectId);
    const origin = countingOrigin({ body: { data: { post: { id: "x" } } } });
    const base = contentRequest({ ref: { projectId, environment: "master" } });
    const first = { ...base, query: '{ post(where: { id: "p1" }) { id } }', dependencies: ["E|PUBLISHED|Post|p1"] };
    const second = { ...base, query: '{ post(where: { id: "p2" }) { id } }', dependencies: ["E|PUBLISHED|Post|p2"] };
    const list = { ...base, query: "{ posts { id } }", dependencies: ["L|PUBLISHED|Post"] };
    for (const r of [first, second, list]) await h.serveSettled(r, origin);
    expect((await purge(projectId, '{"entries":[{"model":"Post","id":"p1"}]}')).status).toBe(200);
    await h.syncWith(projectId);
    const states = [];
    for (const r of [first, second, list]) states.push((await h.serveSettled(r, origin)).headers.get("x-cache"));
    // The entry's own answer and its model's list (a new or moved entry changes lists) refetch; the other entry's stays.
    expect(states).toEqual(["MISS", "HIT", "MISS"]);
  });

  it("a document purge makes that document's answers miss, whatever their variables, and leaves another document's hitting", async () => {
    const { projectId, content } = await demoProject();
    const purged = "query Few($n: Int) { posts(first: $n) { title } }";
    const other = "{ posts(first: 3) { title author { name } } }";
    const requests = [{ query: purged, variables: { n: 1 } }, { query: purged, variables: { n: 2 } }, { query: other }];
    const states = async () => {
      const out: Array<string | null> = [];
      for (const body of requests) out.push((await postQuery(content, body)).headers.get("x-cache"));
      return out;
    };
    expect(await states()).toEqual(["MISS", "MISS", "MISS"]);
    expect(await states()).toEqual(["HIT", "HIT", "HIT"]);
    const response = await purge(projectId, JSON.stringify({ documents: [await documentHash(purged)] }));
    expect(response.status).toBe(200);
    expect(await states()).toEqual(["MISS", "MISS", "HIT"]);
    expect(await states()).toEqual(["HIT", "HIT", "HIT"]);
  });

  it("an automatic persisted query's sha256Hash is the document hash: purging it makes its hash-only requests miss", async () => {
    const { projectId, content } = await demoProject();
    const query = "{ posts(first: 2) { title } }";
    const sha256Hash = await documentHash(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect((await postQuery(content, { query, extensions })).headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, { extensions })).headers.get("x-cache")).toBe("HIT");
    expect((await purge(projectId, JSON.stringify({ documents: [sha256Hash] }))).status).toBe(200);
    expect((await postQuery(content, { extensions })).headers.get("x-cache")).toBe("MISS");
  });
});
