import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../demo/src/index";
import { INJECTED_COOKIE, MAX_RECORDS } from "../../demo/src/instrumentation";
import { migrate, MIGRATIONS, splitSql } from "../../demo/src/migrate";
import { MODEL_MAP } from "../../demo/src/models";
import { call, gqlRaw, uniq, warmUp, WARM_UP_TIMEOUT } from "./helpers";

beforeAll(warmUp, WARM_UP_TIMEOUT);

const db = (env as unknown as { DB: D1Database }).DB;
const records = (prefix: string) => call(`/__origin/requests?prefix=${encodeURIComponent(prefix)}`).then((r) => r.json() as Promise<any[]>);
const QUERY = "{ posts(first: 1) { id } }";

describe("request recording", () => {
  it("records method, path, lower-cased headers and body, filtered by path prefix", async () => {
    const t = `/t/${uniq("rec")}`;
    await gqlRaw(QUERY, { a: 1 }, { "GCMS-Stage": "DRAFT", "X-Custom": "v" }, `${t}/graphql`);
    await call(`${t}/other?query=${encodeURIComponent(QUERY)}`);
    await gqlRaw(QUERY, undefined, {}, `/t/${uniq("elsewhere")}/graphql`);
    const got = await records(t);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({
      method: "POST",
      path: `${t}/graphql`,
      headers: { "gcms-stage": "DRAFT", "x-custom": "v", "content-type": "application/json" },
    });
    expect(JSON.parse(got[0].body)).toEqual({ query: QUERY, variables: { a: 1 } });
    expect(got[1]).toMatchObject({ method: "GET", path: `${t}/other`, body: null, search: `?query=${encodeURIComponent(QUERY)}` });
    expect(typeof got[0].at).toBe("number");
  });

  it("DELETE clears only the records under the prefix", async () => {
    const a = `/t/${uniq("a")}`;
    const b = `/t/${uniq("b")}`;
    await gqlRaw(QUERY, undefined, {}, `${a}/graphql`);
    await gqlRaw(QUERY, undefined, {}, `${b}/graphql`);
    const res = await call(`/__origin/requests?prefix=${a}`, { method: "DELETE" });
    expect(await res.json()).toEqual({ cleared: 1 });
    expect(await records(a)).toEqual([]);
    expect(await records(b)).toHaveLength(1);
  });

  it("the ring keeps at most MAX_RECORDS entries", async () => {
    const t = `/t/${uniq("ring")}`;
    await Promise.all(Array.from({ length: 20 }, () => call(`${t}/__status/500/x`)));
    const all = await records("");
    expect(all.length).toBeLessThanOrEqual(MAX_RECORDS);
    expect((await records(t)).length).toBe(20);
  });

  it("/__status/204/ answers without a body", async () => {
    const res = await call(`/t/x/__status/204/graphql?query=${encodeURIComponent(QUERY)}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });
});

describe("fault injection", () => {
  it("/__delay/{ms}/ waits before answering normally", async () => {
    const t0 = Date.now();
    const r = await gqlRaw(`{ post(where: { slug: "hello-edge" }) { slug } }`, undefined, {}, `/t/${uniq("d")}/__delay/300/graphql`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r).toEqual({ data: { post: { slug: "hello-edge" } } });
  });

  it.each([500, 502, 503, 429, 404])("/__status/%i/ answers that status with an injected error, and is recorded", async (status) => {
    const t = `/t/${uniq("s")}`;
    const res = await call(`${t}/__status/${status}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: "injected" }] });
    expect(await records(t)).toHaveLength(1);
  });

  it.each([
    ["html", /^text\/html/, "<!doctype html>"],
    ["json", /^application\/json/, '{"message":'],
  ])("/__body/%s/ answers 200 with a body that is not a GraphQL result", async (kind, contentType, start) => {
    const res = await call(`/t/x/__body/${kind}/graphql?query=${encodeURIComponent(QUERY)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(contentType);
    expect(await res.text()).toMatch(new RegExp(`^${start}`));
  });

  it("/__set-cookie/ adds Set-Cookie to a normal answer", async () => {
    const res = await call(`/t/x/__set-cookie/graphql?query=${encodeURIComponent(`{ post(where: { slug: "benchmarks" }) { slug } }`)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBe(INJECTED_COOKIE);
    expect(await res.json()).toEqual({ data: { post: { slug: "benchmarks" } } });
  });

  it("faults combine: delay then status", async () => {
    const t0 = Date.now();
    const res = await call(`/t/x/__delay/200/__status/500/graphql?query=${encodeURIComponent(QUERY)}`);
    expect(res.status).toBe(500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it("without ORIGIN_INSTRUMENTATION=on there is neither recording API nor faults", async () => {
    const plain = { DB: db };
    const api = await worker.fetch(new Request("http://o/__origin/requests"), plain);
    expect(api.status).toBe(400); // just another GraphQL path: "Missing query"
    const faulted = await worker.fetch(new Request(`http://o/__status/500/graphql?query=${encodeURIComponent(QUERY)}`), plain);
    expect(faulted.status).toBe(200);
    const certs = await worker.fetch(new Request("http://o/cdn-cgi/access/certs"), plain);
    expect(certs.status).toBe(400); // no Access keys either
  });
});

describe("the Access certs (GET /cdn-cgi/access/certs)", () => {
  it("serves the key set named access, to which POST /__origin/jwks/access appends keys", async () => {
    const [a, b] = [uniq("kid"), uniq("kid")];
    for (const kid of [a, b]) {
      const added = await call("/__origin/jwks/access", { method: "POST", body: JSON.stringify({ keys: [{ kty: "RSA", kid }] }) });
      expect(added.status).toBe(200);
    }
    const certs = await call("/cdn-cgi/access/certs");
    expect(certs.headers.get("content-type")).toBe("application/jwk-set+json");
    const kids = ((await certs.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    expect(kids).toEqual(expect.arrayContaining([a, b]));
    expect((await call("/__origin/jwks/access", { method: "POST", body: "{}" })).status).toBe(400);
    // Only GET is the certs: a PUT there is just a GraphQL path, which takes no PUT.
    expect((await call("/cdn-cgi/access/certs", { method: "PUT", body: "{}" })).status).toBe(405);
  });
});

describe("migrations", () => {
  it("are recorded once in d1_migrations and re-running applies nothing, even concurrently", async () => {
    const again = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(again).toEqual([[], [], []]);
    const { results } = await db.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const seeded = await db
      .prepare(`SELECT COUNT(*) AS n FROM "Post" WHERE id LIKE 'clpost0000000000000000%' AND stage = 'DRAFT'`)
      .first<{ n: number }>();
    expect(seeded?.n).toBe(8);
  });

  it.each([...MODEL_MAP.values()].map((m) => [m.name, m] as const))(
    "table %s has exactly the columns models.ts derives",
    async (name, m) => {
      const { results } = await db.prepare(`PRAGMA table_info("${name}")`).all<{ name: string }>();
      expect(results.map((r) => r.name).sort()).toEqual([...m.columns].sort());
    },
  );

  it.each([
    [
      "semicolons in strings and comments",
      "INSERT INTO t VALUES ('a;b'); -- x; y\nSELECT \"c;d\";",
      ["INSERT INTO t VALUES ('a;b')", 'SELECT "c;d"'],
    ],
    ["doubled quotes", "SELECT 'it''s; fine'; SELECT 2", ["SELECT 'it''s; fine'", "SELECT 2"]],
    ["blank statements", ";;\n  ; SELECT 1;", ["SELECT 1"]],
  ])("splitSql handles %s", (_, sql, expected) => {
    expect(splitSql(sql)).toEqual(expected);
  });
});

describe("introspection", () => {
  it("exposes Node, implemented by every model, with Hygraph root fields", async () => {
    const r = await gqlRaw(`{ node: __type(name: "Node") { kind possibleTypes { name } fields { name } }
      query: __type(name: "Query") { fields { name args { name defaultValue } } }
      stage: __type(name: "Stage") { enumValues { name } } locale: __type(name: "Locale") { enumValues { name } } }`);
    const d = r.data;
    expect(d.node.kind).toBe("INTERFACE");
    expect(d.node.possibleTypes.map((t: any) => t.name).sort()).toEqual(["Author", "Page", "Post"]);
    expect(d.node.fields.map((f: any) => f.name)).toEqual(["id", "stage"]);
    expect(d.stage.enumValues.map((v: any) => v.name)).toEqual(["DRAFT", "PUBLISHED"]);
    expect(d.locale.enumValues.map((v: any) => v.name)).toEqual(["en", "de"]);
    const posts = d.query.fields.find((f: any) => f.name === "posts");
    expect(posts.args.map((a: any) => [a.name, a.defaultValue])).toEqual([
      ["where", null],
      ["orderBy", null],
      ["skip", null],
      ["first", null],
      ["stage", "PUBLISHED"],
      ["locales", "[en]"],
    ]);
    for (const n of [
      "node",
      "nodes",
      "post",
      "postsConnection",
      "author",
      "authors",
      "authorsConnection",
      "page",
      "pages",
      "pagesConnection",
    ]) {
      expect(d.query.fields.some((f: any) => f.name === n)).toBe(true);
    }
  });
});
