/** Document versions: `<model>.history` and `Query.<model>Version`, on real D1. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL_MAP } from "../../demo/src/models";
import { snapshot } from "../../demo/src/versions";
import { AUTHOR, PAGE, POST, gql, gqlRaw, uniq, warmUp, WARM_UP_TIMEOUT } from "./helpers";

beforeAll(warmUp, WARM_UP_TIMEOUT);

const db = (env as unknown as { DB: D1Database }).DB;

type Stage = "DRAFT" | "PUBLISHED";

const VERSION = `query($id: ID!, $revision: Int!, $stage: Stage!) {
  postVersion(where: { id: $id, revision: $revision, stage: $stage }) { id stage revision createdAt data } }`;
const version = (id: string, revision: number, stage: Stage) => gql(VERSION, { id, revision, stage }).then((d) => d.postVersion);

/** Revisions listed by `history` of a post read in `stage` (the entry must exist there). */
async function revisions(id: string, stage: Stage, args = ""): Promise<number[]> {
  const d = await gql(
    `query($id: ID!, $stage: Stage!) { post(where: { id: $id }, stage: $stage) { history${args} { id stage revision } } }`,
    { id, stage },
  );
  for (const v of d.post.history) expect(v.id).toBe(id);
  return d.post.history.map((v: { revision: number }) => v.revision);
}

async function createPost(extra = "") {
  const d = await gql(`mutation($slug: String!) { createPost(data: { slug: $slug, title: "v1", ${extra} }) { id slug updatedAt } }`, {
    slug: uniq("ver"),
  });
  return d.createPost as { id: string; slug: string; updatedAt: string };
}
const update = (id: string, data: string) =>
  gql(`mutation { updatePost(where: { id: "${id}" }, data: ${data}) { updatedAt } }`).then((d) => d.updatePost);
const publish = (id: string, args = "") =>
  gql(`mutation { publishPost(where: { id: "${id}" } ${args}) { publishedAt } }`).then((d) => d.publishPost);

describe("schema", () => {
  it("has Hygraph's version types, history on every model and <model>Version on Query", async () => {
    const d = await gql(`{
      version: __type(name: "Version") { fields { name type { kind name ofType { name } } } }
      documentVersion: __type(name: "DocumentVersion") { fields { name type { kind name ofType { name } } } }
      where: __type(name: "VersionWhereInput") { inputFields { name type { kind ofType { name } } } }
      json: __type(name: "Json") { kind }
      query: __type(name: "Query") { fields { name args { name type { kind ofType { name } } } type { name } } }
      post: __type(name: "Post") { fields { name args { name defaultValue type { kind name ofType { name } } } } }
      author: __type(name: "Author") { fields { name } } page: __type(name: "Page") { fields { name } } }`);
    const nonNull = (name: string) => ({ kind: "NON_NULL", name: null, ofType: { name } });
    expect(d.version.fields).toEqual([
      { name: "id", type: nonNull("ID") },
      { name: "stage", type: nonNull("Stage") },
      { name: "revision", type: nonNull("Int") },
      { name: "createdAt", type: nonNull("DateTime") },
    ]);
    expect(d.documentVersion.fields).toEqual([
      { name: "id", type: nonNull("ID") },
      { name: "stage", type: nonNull("Stage") },
      { name: "revision", type: nonNull("Int") },
      { name: "data", type: { kind: "SCALAR", name: "Json", ofType: null } },
      { name: "createdAt", type: nonNull("DateTime") },
    ]);
    expect(d.where.inputFields.map((f: any) => [f.name, f.type.kind, f.type.ofType.name])).toEqual([
      ["id", "NON_NULL", "ID"],
      ["revision", "NON_NULL", "Int"],
      ["stage", "NON_NULL", "Stage"],
    ]);
    expect(d.json.kind).toBe("SCALAR");
    for (const name of ["postVersion", "authorVersion", "pageVersion"]) {
      const f = d.query.fields.find((x: any) => x.name === name);
      expect(f).toEqual({
        name,
        args: [{ name: "where", type: { kind: "NON_NULL", ofType: { name: "VersionWhereInput" } } }],
        type: { name: "DocumentVersion" },
      });
    }
    const historyField = d.post.fields.find((f: any) => f.name === "history");
    expect(historyField.args).toEqual([
      { name: "limit", defaultValue: "10", type: nonNull("Int") },
      { name: "skip", defaultValue: "0", type: nonNull("Int") },
      { name: "stageOverride", defaultValue: null, type: { kind: "ENUM", name: "Stage", ofType: null } },
    ]);
    expect(d.author.fields.some((f: any) => f.name === "history")).toBe(true);
    expect(d.page.fields.some((f: any) => f.name === "history")).toBe(true);
  });
});

describe("seed", () => {
  // Seeded ids only: entries other tests create are not part of the seed.
  it.each([...MODEL_MAP.values()].map((m) => [m.name, m] as const))(
    "every seeded %s has revision 1 holding its content, in each stage it exists in",
    async (name, m) => {
      const { results } = await db.prepare(`SELECT * FROM "${name}" ORDER BY id, stage`).all<Record<string, unknown>>();
      const rows = results.filter((r) => /^cl(post|auth|page)0{15,}\d$/.test(String(r.id)));
      expect(rows.length).toBeGreaterThanOrEqual(4);
      const field = `${name[0]!.toLowerCase()}${name.slice(1)}Version`;
      for (const row of rows) {
        const q = `query($w: VersionWhereInput!) { v: ${field}(where: $w) { id stage revision createdAt data } }`;
        const d = await gql(q, { w: { id: row.id, stage: row.stage, revision: 1 } });
        expect(d.v).toEqual({
          id: row.id,
          stage: row.stage,
          revision: 1,
          createdAt: row.stage === "PUBLISHED" ? row.publishedAt : row.updatedAt,
          data: snapshot(m, row),
        });
      }
    },
  );

  it("lists the seeded versions of many entries at once, each in its own stage", async () => {
    const d = await gql(`{ posts(stage: DRAFT, where: { id_in: ["${POST(2)}", "${POST(7)}"] }) { id history { revision stage } }
      authors(where: { id: "${AUTHOR(1)}" }) { history { revision stage } } pages(stage: DRAFT, where: { id: "${PAGE(3)}" }) { history { revision } } }`);
    expect(d.posts).toEqual([
      { id: POST(2), history: [{ revision: 1, stage: "DRAFT" }] },
      { id: POST(7), history: [{ revision: 1, stage: "DRAFT" }] },
    ]);
    expect(d.authors).toEqual([{ history: [{ revision: 1, stage: "PUBLISHED" }] }]);
    expect(d.pages).toEqual([{ history: [{ revision: 1 }] }]);
  });
});

describe("history and <model>Version after writes", () => {
  it("create records DRAFT revision 1 with every field and localization, and nothing in PUBLISHED", async () => {
    const p = await createPost(`tags: ["a"], readingMinutes: 3, author: { connect: { id: "${AUTHOR(1)}" } },
      localizations: { create: [{ locale: de, data: { title: "v1 de", body: "Text" } }] }`);
    expect(await revisions(p.id, "DRAFT")).toEqual([1]);
    expect(await revisions(p.id, "DRAFT", "(stageOverride: PUBLISHED)")).toEqual([]);
    expect(await version(p.id, 1, "DRAFT")).toEqual({
      id: p.id,
      stage: "DRAFT",
      revision: 1,
      createdAt: p.updatedAt,
      data: {
        id: p.id,
        stage: "DRAFT",
        createdAt: p.updatedAt,
        updatedAt: p.updatedAt,
        publishedAt: null,
        slug: p.slug,
        tags: ["a"],
        readingMinutes: 3,
        author: { id: AUTHOR(1) },
        localizations: [
          { locale: "en", title: "v1", excerpt: null, body: null },
          { locale: "de", title: "v1 de", excerpt: null, body: "Text" },
        ],
      },
    });
    expect(await version(p.id, 1, "PUBLISHED")).toBeNull();
  });

  it("each update adds the next DRAFT revision; older revisions keep their content", async () => {
    const p = await createPost();
    const u2 = await update(p.id, `{ title: "v2" }`);
    await update(p.id, `{ title: "v3", author: { connect: { id: "${AUTHOR(2)}" } } }`);
    expect(await revisions(p.id, "DRAFT")).toEqual([3, 2, 1]);
    const v1 = await version(p.id, 1, "DRAFT");
    const v2 = await version(p.id, 2, "DRAFT");
    const v3 = await version(p.id, 3, "DRAFT");
    expect([v1, v2, v3].map((v) => v.data.localizations[0].title)).toEqual(["v1", "v2", "v3"]);
    expect([v1, v2, v3].map((v) => v.data.author)).toEqual([null, null, { id: AUTHOR(2) }]);
    expect(v2.createdAt).toBe(u2.updatedAt);
    expect(v2.data.updatedAt).toBe(u2.updatedAt);
  });

  it("publish records the next PUBLISHED revision and leaves DRAFT's history alone", async () => {
    const p = await createPost();
    const first = await publish(p.id);
    await update(p.id, `{ title: "v2" }`);
    await publish(p.id);
    expect(await revisions(p.id, "PUBLISHED")).toEqual([2, 1]);
    expect(await revisions(p.id, "DRAFT")).toEqual([2, 1]);
    const v1 = await version(p.id, 1, "PUBLISHED");
    expect(v1).toMatchObject({ stage: "PUBLISHED", revision: 1, createdAt: first.publishedAt });
    expect(v1.data).toMatchObject({ stage: "PUBLISHED", publishedAt: first.publishedAt, localizations: [{ locale: "en", title: "v1" }] });
    expect((await version(p.id, 2, "PUBLISHED")).data.localizations[0].title).toBe("v2");
  });

  it("publishing some locales records exactly what was published", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "v1 de" } }] }`);
    await publish(p.id, ", locales: [en]");
    expect((await version(p.id, 1, "PUBLISHED")).data.localizations.map((l: any) => l.locale)).toEqual(["en"]);
  });

  it.each([
    ["an unknown revision", (id: string) => ({ id, revision: 9, stage: "DRAFT" })],
    ["revision 0", (id: string) => ({ id, revision: 0, stage: "DRAFT" })],
    ["the wrong stage", (id: string) => ({ id, revision: 1, stage: "PUBLISHED" })],
    ["an unknown id", () => ({ id: "nope", revision: 1, stage: "DRAFT" })],
  ])("<model>Version of %s is null", async (_, where) => {
    const p = await createPost();
    const d = await gql(`query($w: VersionWhereInput!) { postVersion(where: $w) { id } }`, { w: where(p.id) });
    expect(d.postVersion).toBeNull();
  });

  it("<model>Version only finds entries of its own model", async () => {
    const d = await gql(`{ a: authorVersion(where: { id: "${POST(1)}", revision: 1, stage: PUBLISHED }) { id }
      p: postVersion(where: { id: "${POST(1)}", revision: 1, stage: PUBLISHED }) { id } }`);
    expect(d).toEqual({ a: null, p: { id: POST(1) } });
  });

  it("concurrent writes get distinct, consecutive revisions", async () => {
    const p = await createPost();
    await Promise.all([1, 2, 3, 4].map((n) => update(p.id, `{ excerpt: "e${n}" }`)));
    expect(await revisions(p.id, "DRAFT")).toEqual([5, 4, 3, 2, 1]);
  });

  it("limit and skip page the history newest first; negative values are refused", async () => {
    const p = await createPost();
    for (const t of ["v2", "v3", "v4"]) await update(p.id, `{ title: "${t}" }`);
    expect(await revisions(p.id, "DRAFT", "(limit: 2)")).toEqual([4, 3]);
    expect(await revisions(p.id, "DRAFT", "(limit: 2, skip: 1)")).toEqual([3, 2]);
    expect(await revisions(p.id, "DRAFT", "(skip: 3)")).toEqual([1]);
    expect(await revisions(p.id, "DRAFT", "(limit: 0)")).toEqual([]);
    const r = await gqlRaw(`{ post(where: { id: "${p.id}" }, stage: DRAFT) { history(limit: -1) { revision } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("the default limit is 10", async () => {
    const p = await createPost();
    for (let i = 2; i <= 12; i++) await update(p.id, `{ readingMinutes: ${i} }`);
    expect(await revisions(p.id, "DRAFT")).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });
});

describe("stages", () => {
  it("history lists the versions of the stage the entry was read in, or of stageOverride", async () => {
    const p = await createPost();
    await update(p.id, `{ title: "v2" }`);
    await publish(p.id);
    const d = await gql(
      `query($id: ID!) { post(where: { id: $id }) { stage history { stage revision } draft: history(stageOverride: DRAFT) { stage revision } } }`,
      { id: p.id },
    );
    expect(d.post).toEqual({
      stage: "PUBLISHED",
      history: [{ stage: "PUBLISHED", revision: 1 }],
      draft: [
        { stage: "DRAFT", revision: 2 },
        { stage: "DRAFT", revision: 1 },
      ],
    });
  });

  it("DRAFT-only content is in DRAFT versions only", async () => {
    // Seeded post 2 has an unpublished draft edit of its English title.
    const d = await gql(`{ draft: postVersion(where: { id: "${POST(2)}", revision: 1, stage: DRAFT }) { data }
      published: postVersion(where: { id: "${POST(2)}", revision: 1, stage: PUBLISHED }) { data }
      draftOnly: postVersion(where: { id: "${POST(7)}", revision: 1, stage: DRAFT }) { data }
      notPublished: postVersion(where: { id: "${POST(7)}", revision: 1, stage: PUBLISHED }) { data } }`);
    expect(d.draft.data.localizations[0].title).toBe("Caching GraphQL (draft edit)");
    expect(d.published.data.localizations[0].title).toBe("Caching GraphQL");
    expect(d.draftOnly.data).toMatchObject({ slug: "unfinished-thoughts", localizations: [{ locale: "en", body: "TODO" }] });
    expect(d.notPublished).toBeNull();
  });

  it("the gcms-stage header does not choose the stage of <model>Version", async () => {
    const q = `{ postVersion(where: { id: "${POST(1)}", revision: 1, stage: PUBLISHED }) { stage } }`;
    expect((await gql(q, undefined, { "gcms-stage": "DRAFT" })).postVersion).toEqual({ stage: "PUBLISHED" });
  });
});

describe("unpublish and delete", () => {
  it("unpublishing a locale records a PUBLISHED revision without it; unpublishing all keeps the history", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "v1 de" } }] }`);
    await publish(p.id);
    await gql(`mutation { unpublishPost(where: { id: "${p.id}" }, locales: [de]) { id } }`);
    expect(await revisions(p.id, "PUBLISHED")).toEqual([2, 1]);
    expect((await version(p.id, 1, "PUBLISHED")).data.localizations.map((l: any) => l.locale)).toEqual(["en", "de"]);
    expect((await version(p.id, 2, "PUBLISHED")).data.localizations.map((l: any) => l.locale)).toEqual(["en"]);
    await gql(`mutation { unpublishPost(where: { id: "${p.id}" }) { id } }`);
    expect(await revisions(p.id, "DRAFT", "(stageOverride: PUBLISHED)")).toEqual([2, 1]);
    expect(await revisions(p.id, "DRAFT")).toEqual([1]);
  });

  it("deleting an entry deletes its versions in every stage", async () => {
    const p = await createPost();
    await publish(p.id);
    await gql(`mutation { deletePost(where: { id: "${p.id}" }) { id } }`);
    expect(await version(p.id, 1, "DRAFT")).toBeNull();
    expect(await version(p.id, 1, "PUBLISHED")).toBeNull();
    const left = await db.prepare(`SELECT COUNT(*) AS n FROM "_Version" WHERE id = ?`).bind(p.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("a failed write records no version", async () => {
    const a = await createPost();
    const b = await createPost();
    const r = await gqlRaw(`mutation { updatePost(where: { id: "${b.id}" }, data: { slug: "${a.slug}" }) { id } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(await revisions(b.id, "DRAFT")).toEqual([1]);
  });
});
