import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/platform/hash";
import { ADMIN, demoProject, errorExtensions, gateway, originRequests, postQuery } from "../support/gateway";
import { issueToken } from "../support/tokens";
import { fetchAndSettle } from "../support/audit-api";

/**
 * Trusted documents through the real Worker (SPEC §3c): uploaded with `PUT …/documents`, enforced
 * for the public principal (`"public"`) or everyone (`"all"`) before the origin — what the demo
 * origin's request log shows — and sent by hash alone over GET and POST on /content and /v2.
 */

type Body = { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
const ANY_READ = [{ action: "read", model: "*", stages: "*", locales: "*" }];
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const byHashGet = (path: string, hash: string, headers: Record<string, string> = {}) =>
  gateway(`${path}?extensions=${encodeURIComponent(JSON.stringify(persisted(hash)))}`, {
    headers: { accept: "application/json", ...headers },
  });

/** A demo project in `mode` with one trusted document (distinct per project: the tag is in a comment). */
async function trustedProject(mode: string) {
  const project = await demoProject({ trustedDocuments: mode });
  const trusted = `query Pages { pages { slug } } # ${project.tag}`;
  const untrusted = `query Authors { authors { slug } } # ${project.tag}`;
  const hash = await sha256Hex(trusted);
  const upload = await putDocuments(project.projectId, [{ sha256: hash, query: trusted }]);
  expect(upload.status, await upload.clone().text()).toBe(200);
  return { ...project, trusted, untrusted, hash, untrustedHash: await sha256Hex(untrusted) };
}

function putDocuments(projectId: string, documents: unknown[]): Promise<Response> {
  return gateway(`/admin/projects/${projectId}/master/documents`, {
    method: "PUT",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ documents }),
  });
}

async function refusedUntrusted(response: Response, hash: string): Promise<void> {
  expect(response.status).toBe(403);
  expect(await errorExtensions(response)).toEqual({ code: "DOCUMENT_NOT_TRUSTED", sha256Hash: hash });
}

describe('trustedDocuments "public"', () => {
  it("refuses an untrusted document from the public before the origin, and serves the trusted one", async () => {
    const p = await trustedProject("public");
    await refusedUntrusted(await postQuery(p.content, { query: p.untrusted }), p.untrustedHash);
    expect(await originRequests(p.tag)).toHaveLength(0);
    const ok = await postQuery(p.content, { query: p.trusted });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Body).data).toHaveProperty("pages");
    expect(await originRequests(p.tag)).toHaveLength(1);
  });

  it("lets a content token (PAT) send any document", async () => {
    const p = await trustedProject("public");
    const { token } = await issueToken({ projectId: p.projectId, environment: "master" }, { name: "ci", permissions: ANY_READ });
    const response = await postQuery(p.content, { query: p.untrusted }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Body).data).toHaveProperty("authors");
  });

  it("an unknown hash is DOCUMENT_NOT_TRUSTED for the public, APQ's not-found for a PAT", async () => {
    const p = await trustedProject("public");
    await refusedUntrusted(await byHashGet(p.content, p.untrustedHash), p.untrustedHash);
    const { token } = await issueToken({ projectId: p.projectId, environment: "master" }, { name: "ci", permissions: ANY_READ });
    const asPat = (await (await byHashGet(p.content, p.untrustedHash, { authorization: `Bearer ${token}` })).json()) as Body;
    expect(asPat.errors?.[0]?.extensions["code"]).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(await originRequests(p.tag)).toHaveLength(0);
  });

  it("refuses an APQ registration of an untrusted document (text and hash) from the public", async () => {
    const p = await trustedProject("public");
    await refusedUntrusted(await postQuery(p.content, { query: p.untrusted, extensions: persisted(p.untrustedHash) }), p.untrustedHash);
    // Not registered: asking by hash again is still refused, and nothing reached the origin.
    await refusedUntrusted(await byHashGet(p.content, p.untrustedHash), p.untrustedHash);
    expect(await originRequests(p.tag)).toHaveLength(0);
  });

  it("checks every operation of a batch: one untrusted operation refuses the whole batch", async () => {
    const p = await trustedProject("public");
    // Batching is off in the test environment (MAX_BATCH unset): on for these requests.
    const batch = (queries: string[]) =>
      fetchAndSettle(
        p.content,
        {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(queries.map((query) => ({ query }))),
        },
        { MAX_BATCH: "2" },
      );
    await refusedUntrusted(await batch([p.trusted, p.untrusted]), p.untrustedHash);
    expect(await originRequests(p.tag)).toHaveLength(0);
    const both = await batch([p.trusted, p.trusted]);
    expect(both.status).toBe(200);
    expect(((await both.json()) as Body[]).map((b) => Object.keys(b.data as object))).toEqual([["pages"], ["pages"]]);
  });
});

describe('trustedDocuments "all"', () => {
  it("refuses an untrusted document from a PAT too, and serves the trusted one to it", async () => {
    const p = await trustedProject("all");
    const { token } = await issueToken({ projectId: p.projectId, environment: "master" }, { name: "ci", permissions: ANY_READ });
    const auth = { authorization: `Bearer ${token}` };
    await refusedUntrusted(await postQuery(p.content, { query: p.untrusted }, auth), p.untrustedHash);
    await refusedUntrusted(await postQuery(p.v2, { query: p.untrusted }, auth), p.untrustedHash);
    expect(await originRequests(p.tag)).toHaveLength(0);
    expect((await postQuery(p.content, { query: p.trusted }, auth)).status).toBe(200);
  });

  it("an unknown hash alone is DOCUMENT_NOT_TRUSTED on both endpoints", async () => {
    const p = await trustedProject("all");
    await refusedUntrusted(await byHashGet(p.content, p.untrustedHash), p.untrustedHash);
    await refusedUntrusted(await postQuery(p.v2, { extensions: persisted(p.untrustedHash) }), p.untrustedHash);
    expect(await originRequests(p.tag)).toHaveLength(0);
  });
});

describe("a trusted document sent by hash alone", () => {
  it.each([
    ["GET /content", (p: { content: string; hash: string }) => byHashGet(p.content, p.hash)],
    ["POST /content", (p: { content: string; hash: string }) => postQuery(p.content, { extensions: persisted(p.hash) })],
    ["GET /v2", (p: { v2: string; hash: string }) => byHashGet(p.v2, p.hash)],
    ["POST /v2", (p: { v2: string; hash: string }) => postQuery(p.v2, { extensions: persisted(p.hash) })],
  ] as const)("over %s answers the document's data", async (_name, send) => {
    const p = await trustedProject("public");
    const response = await send(p);
    expect(response.status, await response.clone().text()).toBe(200);
    const expected = (await (await postQuery(p.content, { query: p.trusted })).json()) as Body;
    expect(((await response.json()) as Body).data).toEqual(expected.data);
    // What reached the origin is the trusted text (the hash was resolved at the gateway).
    expect((await originRequests(p.tag)).every((r) => r.body.includes("pages"))).toBe(true);
  });

  it('is resolved with trustedDocuments "off" too, and an unknown hash keeps APQ\'s not-found answer', async () => {
    const p = await trustedProject("off");
    expect(((await (await byHashGet(p.content, p.hash)).json()) as Body).data).toHaveProperty("pages");
    const unknown = (await (await byHashGet(p.content, p.untrustedHash)).json()) as Body;
    expect(unknown.errors?.[0]).toMatchObject({ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
    // Off: any document is accepted.
    expect((await postQuery(p.content, { query: p.untrusted })).status).toBe(200);
  });

  it("a hash with a text that does not match it is PERSISTED_QUERY_SHA_MISMATCH, before the origin", async () => {
    const p = await trustedProject("public");
    const response = await postQuery(p.content, { query: p.untrusted, extensions: persisted(p.hash) });
    expect(response.status).toBe(400);
    expect((await errorExtensions(response))["code"]).toBe("PERSISTED_QUERY_SHA_MISMATCH");
    expect(await originRequests(p.tag)).toHaveLength(0);
  });
});

describe("changes to the trusted set", () => {
  it("a delete takes effect at once here: the document is refused, by text and by hash, even after a cached hit", async () => {
    const p = await trustedProject("public");
    expect((await postQuery(p.content, { query: p.trusted })).status).toBe(200);
    expect((await postQuery(p.content, { query: p.trusted })).headers.get("x-cache")).toBe("HIT");
    const removed = await gateway(`/admin/projects/${p.projectId}/master/documents/${p.hash}`, { method: "DELETE", headers: ADMIN });
    expect(removed.status).toBe(204);
    await refusedUntrusted(await postQuery(p.content, { query: p.trusted }), p.hash);
    await refusedUntrusted(await byHashGet(p.content, p.hash), p.hash);
  });

  it("an upload takes effect at once here: a refused document is served after it is added", async () => {
    const p = await trustedProject("public");
    await refusedUntrusted(await postQuery(p.content, { query: p.untrusted }), p.untrustedHash);
    expect((await putDocuments(p.projectId, [{ sha256: p.untrustedHash, query: p.untrusted }])).status).toBe(200);
    expect((await postQuery(p.content, { query: p.untrusted })).status).toBe(200);
  });
});
