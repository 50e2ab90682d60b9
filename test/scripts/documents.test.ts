import { createServer, type IncomingMessage } from "node:http";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK, main, parseArgs, pushRequests, readDocuments, sha256Hex } from "../../scripts/documents.mjs";

/**
 * `npm run documents -- push`: what it reads (a directory of .graphql files, graphql-codegen /
 * Relay / Apollo manifests), the requests it builds, and a push against a local HTTP server that
 * answers like the gateway's `PUT …/documents`.
 */

const PAGES = "query Pages {\n  pages { slug }\n}\n";
const AUTHORS = "query Authors { authors { slug } }";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "documents-"));
}

describe("readDocuments", () => {
  it("a directory: each .graphql / .gql file below it is one document, hashed and sent verbatim", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "nested"));
    writeFileSync(join(dir, "pages.graphql"), PAGES);
    writeFileSync(join(dir, "nested", "authors.gql"), AUTHORS);
    writeFileSync(join(dir, "notes.md"), "not a document");
    writeFileSync(join(dir, "copy.graphql"), PAGES); // the same text twice is one document
    const documents = readDocuments(dir);
    expect(documents.map((d) => [d.source, d.query, d.sha256])).toEqual([
      ["copy.graphql", PAGES, sha256Hex(PAGES)],
      [join("nested", "authors.gql"), AUTHORS, sha256Hex(AUTHORS)],
    ]);
  });

  it.each([
    [
      "graphql-codegen persisted-documents.json / Relay persisted_queries.json",
      { [sha256Hex(PAGES)]: PAGES, [sha256Hex(AUTHORS).toUpperCase()]: AUTHORS },
    ],
    [
      "Apollo's persisted query manifest",
      {
        format: "apollo-persisted-query-manifest",
        version: 1,
        operations: [
          { id: sha256Hex(PAGES), body: PAGES, name: "Pages", type: "query" },
          { id: sha256Hex(AUTHORS), body: AUTHORS, name: "Authors", type: "query" },
        ],
      },
    ],
  ])("a manifest: %s", (_name, manifest) => {
    const file = join(tempDir(), "manifest.json");
    writeFileSync(file, JSON.stringify(manifest));
    expect(readDocuments(file).map((d) => [d.sha256, d.query])).toEqual([
      [sha256Hex(PAGES), PAGES],
      [sha256Hex(AUTHORS), AUTHORS],
    ]);
  });

  it.each([
    ["a hash that is not its query's", { [sha256Hex(AUTHORS)]: PAGES }, /is not the SHA-256 of its query/],
    ["a SHA-1 hash (graphql-codegen's default)", { ["a".repeat(40)]: PAGES }, /not a SHA-256 hash/],
    ["a list", [PAGES], /expected/],
  ])("refuses %s", (_name, manifest, message) => {
    const file = join(tempDir(), "manifest.json");
    writeFileSync(file, JSON.stringify(manifest));
    expect(() => readDocuments(file)).toThrow(message);
  });
});

describe("pushRequests", () => {
  it(`PUTs …/documents with the token, in chunks of ${CHUNK}`, () => {
    const documents = Array.from({ length: CHUNK + 1 }, (_, i) => ({ sha256: sha256Hex(`{ a${i} }`), query: `{ a${i} }`, source: `${i}` }));
    const requests = pushRequests(documents, { url: "https://gw.example/", project: "demo", environment: "master", token: "tok" });
    expect(requests.map((r) => [r.url, r.init.method, r.init.headers.authorization])).toEqual([
      ["https://gw.example/admin/projects/demo/master/documents", "PUT", "Bearer tok"],
      ["https://gw.example/admin/projects/demo/master/documents", "PUT", "Bearer tok"],
    ]);
    const bodies = requests.map((r) => JSON.parse(r.init.body) as { documents: Array<{ sha256: string; query: string }> });
    expect(bodies.map((b) => b.documents.length)).toEqual([CHUNK, 1]);
    expect(bodies[1]!.documents[0]).toEqual({ sha256: documents[CHUNK]!.sha256, query: documents[CHUNK]!.query });
  });

  it("parses --name value and --name=value", () => {
    expect(parseArgs(["push", "dir", "--url", "u", "--project=p", "--environment", "e", "--dry-run"])).toEqual({
      options: { url: "u", project: "p", environment: "e", "dry-run": "true" },
      positional: ["push", "dir"],
    });
  });
});

describe("main against a local server", () => {
  const received: Array<{ method?: string; url?: string; authorization?: string; body: { documents: unknown[] } }> = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      const body = JSON.parse(text) as { documents: unknown[] };
      received.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
      response.writeHead(request.headers.authorization === "Bearer good" ? 200 : 403, { "content-type": "application/json" });
      response.end(
        JSON.stringify(request.headers.authorization === "Bearer good" ? { added: body.documents.length, total: 7 } : { errors: [] }),
      );
    });
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = async (argv: string[], token: string | undefined) => {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await main(
      argv,
      { CONTENT_EDGE_ADMIN_TOKEN: token },
      { log: (l) => lines.push(l), error: (l) => errors.push(l), fetchImpl: fetch },
    );
    return { code, lines, errors };
  };

  it("pushes a directory and prints each hash and the totals, never the token", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "pages.graphql"), PAGES);
    writeFileSync(join(dir, "authors.graphql"), AUTHORS);
    const { code, lines } = await run(["push", dir, "--url", url, "--project", "demo", "--environment", "master"], "good");
    expect(code).toBe(0);
    expect(received.at(-1)).toMatchObject({ method: "PUT", url: "/admin/projects/demo/master/documents", authorization: "Bearer good" });
    expect(received.at(-1)!.body.documents).toHaveLength(2);
    expect(lines).toContain(`${sha256Hex(PAGES)}  pages.graphql`);
    expect(lines.at(-1)).toBe("2 documents pushed to demo/master: 2 new, 7 trusted in all");
    expect(lines.join("\n")).not.toContain("good");
  });

  it.each([
    ["a refused token: exit 1 with the gateway's answer", ["--url"], "bad", 1],
    ["no token: exit 2", ["--url"], undefined, 2],
    ["no --url: usage, exit 2", [], "good", 2],
  ])("%s", async (_name, urlFlag, token, expected) => {
    const dir = tempDir();
    writeFileSync(join(dir, "pages.graphql"), PAGES);
    const argv = ["push", dir, ...(urlFlag.length ? [urlFlag[0]!, url] : []), "--project", "demo", "--environment", "master"];
    const { code, errors } = await run(argv, token);
    expect(code).toBe(expected);
    expect(errors.length).toBeGreaterThan(0);
  });
});
