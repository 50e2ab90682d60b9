import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/platform/hash";
import { demoProject, gateway, originRequests, postQuery } from "../support/gateway";

/** Apollo automatic persisted queries on /content, the way Apollo Client's link drives them. */
const extensions = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const getByHash = (path: string, hash: string) =>
  gateway(`${path}?extensions=${encodeURIComponent(JSON.stringify(extensions(hash)))}`, { headers: { accept: "application/json" } });
const registered = (hash: string) => env.CONFIG.get(`apq:v1:${hash}`);

type Body = { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };

describe("automatic persisted queries", () => {
  it("an unknown hash answers PersistedQueryNotFound, uncached, without the origin", async () => {
    const { tag, content } = await demoProject();
    const hash = await sha256Hex(`{ pages { slug } } # ${tag}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await getByHash(content, hash);
      const body = (await response.json()) as Body;
      expect(body.errors?.[0]).toMatchObject({ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
      expect(response.headers.get("x-cache")).toBeNull();
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("registers a document sent with its hash, then serves and caches GETs that carry only the hash", async () => {
    const { tag, content } = await demoProject();
    const query = `{ pages { slug } } # ${tag}`;
    const hash = await sha256Hex(query);
    const first = await postQuery(content, { query, extensions: extensions(hash) });
    expect(first.status).toBe(200);
    expect(await registered(hash)).toBe(query);
    const byHash = await getByHash(content, hash);
    expect(byHash.status).toBe(200);
    expect(byHash.headers.get("x-cache")).toBe("HIT");
    expect(((await byHash.json()) as Body).data).toEqual(((await (await postQuery(content, { query })).json()) as Body).data);
    expect(await originRequests(tag)).toHaveLength(1);
  });

  it("a query that does not match its hash is PERSISTED_QUERY_SHA_MISMATCH, and nothing is registered", async () => {
    const { tag, content } = await demoProject();
    const hash = await sha256Hex(`{ authors { slug } } # ${tag}`);
    const response = await postQuery(content, { query: `{ pages { slug } } # ${tag}`, extensions: extensions(hash) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).errors?.[0]?.extensions.code).toBe("PERSISTED_QUERY_SHA_MISMATCH");
    expect(await registered(hash)).toBeNull();
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it.each([
    ["a document that does not parse", (tag: string) => `{ pages { slug } # ${tag}`, 400],
    ["a refused document", (tag: string) => `{ pages(stage: DRAFT) { slug } } # ${tag}`, 403],
  ])("%s is never registered", async (_name, make, status) => {
    const { tag, content } = await demoProject();
    const query = make(tag);
    const hash = await sha256Hex(query);
    expect((await postQuery(content, { query, extensions: extensions(hash) })).status).toBe(status);
    expect(await registered(hash)).toBeNull();
  });
});
