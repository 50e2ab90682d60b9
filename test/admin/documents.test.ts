import { describe, expect, it } from "vitest";
import type { AuthorityRpc } from "../../src/authority/rpc";
import { MAX_TRUSTED_DOCUMENTS } from "../../src/authority/documents-table";
import { MAX_DOCUMENTS_PER_REQUEST } from "../../src/admin/documents-input";
import { sha256Hex } from "../../src/platform/hash";
import { ADMIN, demoProject, errorExtensions, gateway } from "../support/gateway";
import { auditEvents, authorityStub, createOperator, projectLog } from "../support/audit-api";

/**
 * The trusted-documents admin routes through the real Worker (SPEC §3c): what an upload must be,
 * paging, deleting, roles and audit events. Enforcement is in test/scenarios/trusted-documents.test.ts.
 */

const path = (projectId: string, rest = "") => `/admin/projects/${projectId}/master/documents${rest}`;
const put = (projectId: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  gateway(path(projectId), { method: "PUT", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
const doc = async (query: string) => ({ sha256: await sha256Hex(query), query });

describe("PUT …/documents: what is accepted", () => {
  it.each<[string, string, (tag: string) => Promise<unknown>]>([
    [
      "a hash that is not its query's",
      "documents[1].sha256",
      async (t) => ({ documents: [await doc(`{ a } #${t}`), { sha256: await sha256Hex(`{ b } #${t}`), query: `{ c } #${t}` }] }),
    ],
    [
      "a hash of the trimmed text",
      "documents[0].sha256",
      async (t) => ({ documents: [{ sha256: await sha256Hex(`{ a } #${t}`), query: ` { a } #${t}\n` }] }),
    ],
    ["a query that does not parse", "documents[0].query", async (t) => ({ documents: [await doc(`{ a #${t}`)] })],
    ["a hash that is not hex", "documents[0].sha256", async (t) => ({ documents: [{ sha256: "x".repeat(64), query: `{ a } #${t}` }] })],
    ["an empty query", "documents[0].query", async () => ({ documents: [{ sha256: await sha256Hex(""), query: "" }] })],
    ["an unknown member of an item", "documents[0].name", async (t) => ({ documents: [{ ...(await doc(`{ a } #${t}`)), name: "A" }] })],
    ["an unknown member of the body", "replace", async (t) => ({ documents: [await doc(`{ a } #${t}`)], replace: true })],
    ["no documents", "documents", async () => ({ documents: [] })],
    ["a list as the body", "(body)", async (t) => [await doc(`{ a } #${t}`)]],
  ])("refuses %s: 400 INVALID_CONFIG naming %s, nothing stored", async (_name, field, body) => {
    const { projectId, tag } = await demoProject();
    const response = await put(projectId, await body(tag));
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(((await (await gateway(path(projectId), { headers: ADMIN })).json()) as { total: number }).total).toBe(0);
  });

  it(`refuses more than ${MAX_DOCUMENTS_PER_REQUEST} documents in one request`, async () => {
    const { projectId } = await demoProject();
    const documents = Array.from({ length: MAX_DOCUMENTS_PER_REQUEST + 1 }, () => ({ sha256: "0".repeat(64), query: "{ a }" }));
    const response = await put(projectId, { documents });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "documents", max: MAX_DOCUMENTS_PER_REQUEST });
  });

  it(`a project holds at most ${MAX_TRUSTED_DOCUMENTS}: past it, nothing of the upload is stored`, async () => {
    const { projectId } = await demoProject();
    const rpc = authorityStub(projectId) as unknown as AuthorityRpc;
    const documents = Array.from({ length: MAX_TRUSTED_DOCUMENTS }, (_, i) => ({
      sha256: i.toString(16).padStart(64, "0"),
      query: `{ a${i} }`,
    }));
    expect((await rpc.putDocuments(documents, null)).status).toBe("ok");
    const response = await put(projectId, { documents: [await doc("{ one }")] });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "documents", max: MAX_TRUSTED_DOCUMENTS });
    // A document already held is no addition: pushing it again is accepted.
    expect((await rpc.putDocuments([documents[0]!], null)).status).toBe("ok");
  });

  it("a project configuration refuses an unknown mode", async () => {
    const { projectId, tag } = await demoProject();
    const response = await gateway(`/admin/projects/${projectId}/master`, {
      method: "PUT",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ origin: `https://demo-origin.internal/t/${tag}/graphql`, trustedDocuments: "strict" }),
    });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_CONFIG", field: "trustedDocuments" });
  });

  it("404 for a project that is not configured", async () => {
    expect((await put("p-nowhere-documents", { documents: [await doc("{ a }")] })).status).toBe(404);
  });
});

describe("PUT, GET and DELETE …/documents", () => {
  it("adds (a repeat adds nothing), pages in hash order, deletes one (404 the second time), and records each change", async () => {
    const { projectId, tag } = await demoProject();
    const documents = await Promise.all([0, 1, 2, 3, 4].map((i) => doc(`query Q${i} { pages { slug } } # ${tag}`)));
    const first = await put(projectId, { documents: documents.slice(0, 3) });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ added: 3, total: 3 });
    expect(await (await put(projectId, { documents })).json()).toEqual({ added: 2, total: 5 });
    expect(await (await put(projectId, { documents: [documents[0]] })).json()).toEqual({ added: 0, total: 5 });

    const seen: string[] = [];
    let next: string | null = "";
    while (next !== null) {
      const page = (await (await gateway(path(projectId, `?limit=2&after=${next}`), { headers: ADMIN })).json()) as {
        documents: Array<{ sha256: string; addedAt: string }>;
        total: number;
        next: string | null;
      };
      expect(page.total).toBe(5);
      expect(page.documents.length).toBeLessThanOrEqual(2);
      seen.push(...page.documents.map((d) => d.sha256));
      next = page.next;
    }
    expect(seen).toEqual(documents.map((d) => d.sha256).sort());

    const hash = documents[2]!.sha256;
    expect((await gateway(path(projectId, `/${hash.toUpperCase()}`), { method: "DELETE", headers: ADMIN })).status).toBe(204);
    expect((await gateway(path(projectId, `/${hash}`), { method: "DELETE", headers: ADMIN })).status).toBe(404);
    expect((await gateway(path(projectId, "/not-a-hash"), { method: "DELETE", headers: ADMIN })).status).toBe(400);

    const events = await auditEvents(projectLog(projectId), "action=documents.update");
    expect(events.map((e) => [e.outcome, e.details["added"], e.details["total"]])).toEqual([
      ["ok", 3, 3],
      ["ok", 2, 5],
      ["ok", 0, 5],
    ]);
    const deletes = await auditEvents(projectLog(projectId), "action=documents.delete");
    expect(deletes.map((e) => [e.outcome, e.target])).toEqual([["ok", hash]]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["after=zz", "after"],
  ])("GET …/documents?%s is 400 naming %s", async (query, param) => {
    const { projectId } = await demoProject();
    const response = await gateway(path(projectId, `?${query}`), { headers: ADMIN });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ param });
  });

  it("a viewer may list but not upload or delete; an editor may", async () => {
    const { projectId, tag } = await demoProject();
    const viewer = await createOperator(`viewer-${tag}@example.com`, "viewer");
    const editor = await createOperator(`editor-${tag}@example.com`, "editor");
    const document = await doc(`{ pages { slug } } # ${tag}`);
    expect((await gateway(path(projectId), { headers: viewer.headers })).status).toBe(200);
    expect(await errorExtensions(await put(projectId, { documents: [document] }, viewer.headers))).toMatchObject({
      code: "FORBIDDEN_ROLE",
      required: "editor",
    });
    expect((await put(projectId, { documents: [document] }, editor.headers)).status).toBe(200);
    expect((await gateway(path(projectId, `/${document.sha256}`), { method: "DELETE", headers: viewer.headers })).status).toBe(403);
    expect((await gateway(path(projectId, `/${document.sha256}`), { method: "DELETE", headers: editor.headers })).status).toBe(204);
  });
});

describe("POST …/explain under trusted documents", () => {
  it("names the trusted-documents step for an untrusted document, and allows a trusted one", async () => {
    const { projectId, tag } = await demoProject({ trustedDocuments: "public" });
    const trusted = await doc(`{ posts { title } } # ${tag}`);
    expect((await put(projectId, { documents: [trusted] })).status).toBe(200);
    const ask = async (query: string) => {
      const response = await gateway(`/admin/projects/${projectId}/master/explain`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { decision: Record<string, unknown> }).decision;
    };
    const untrusted = `{ posts { id } } # ${tag}`;
    expect(await ask(untrusted)).toMatchObject({
      allowed: false,
      status: 403,
      code: "DOCUMENT_NOT_TRUSTED",
      step: "trusted-documents",
      extensions: { sha256Hash: await sha256Hex(untrusted) },
    });
    expect(await ask(trusted.query)).toMatchObject({ allowed: true });
  });
});
