import { beforeAll, describe, expect, it } from "vitest";
import { AUTHOR, PAGE, POST, call, gql, gqlRaw, warmUp, WARM_UP_TIMEOUT } from "./helpers";

beforeAll(warmUp, WARM_UP_TIMEOUT);

// Only seeded entries (ids ending in a digit 1-8) are asserted on, so entries created by the
// mutation tests (which may share the database) cannot change these answers.
const SEEDED_POSTS = { id_starts_with: "clpost00000" };
const seededIds = (list: { id: string }[]) => list.map((p) => p.id).filter((id) => /^cl(post|auth|page)0{15,}\d$/.test(id));

describe("stages", () => {
  it.each([
    ["default is PUBLISHED", "", {}, [1, 2, 3, 4, 5, 8]],
    ["stage argument DRAFT", "(stage: DRAFT)", {}, [1, 2, 3, 4, 5, 6, 7, 8]],
    ["gcms-stage header DRAFT", "", { "gcms-stage": "DRAFT" }, [1, 2, 3, 4, 5, 6, 7, 8]],
    ["argument wins over header", "(stage: PUBLISHED)", { "gcms-stage": "DRAFT" }, [1, 2, 3, 4, 5, 8]],
    // Enum values are case-sensitive, as in Hygraph: `draft` is not a stage, so it is ignored.
    ["lower-case gcms-stage is ignored", "", { "gcms-stage": "draft" }, [1, 2, 3, 4, 5, 8]],
    ["an unknown gcms-stage is ignored", "", { "gcms-stage": "DRAFT]" }, [1, 2, 3, 4, 5, 8]],
  ] as const)("%s", async (_, args, headers, expected) => {
    const d = await gql(`{ posts${args} { id stage } }`, undefined, headers);
    expect(seededIds(d.posts)).toEqual(expected.map(POST));
    expect(new Set(d.posts.map((p: { stage: string }) => p.stage)).size).toBe(1);
  });

  it("a variable that is not provided counts as omitted, so the header decides", async () => {
    const d = await gql(`query($s: Stage) { post(where: { id: "${POST(6)}" }, stage: $s) { id stage } }`, {}, { "gcms-stage": "DRAFT" });
    expect(d.post).toEqual({ id: POST(6), stage: "DRAFT" });
  });

  it("draft edits are visible only in DRAFT", async () => {
    const q = `query($s: Stage!) { post(where: { slug: "caching-graphql" }, stage: $s) { title updatedAt } }`;
    expect((await gql(q, { s: "PUBLISHED" })).post.title).toBe("Caching GraphQL");
    expect((await gql(q, { s: "DRAFT" })).post).toEqual({ title: "Caching GraphQL (draft edit)", updatedAt: "2024-01-10T10:00:00.000Z" });
  });

  it("a DRAFT-only entry is null in PUBLISHED", async () => {
    const d = await gql(
      `{ a: post(where: { id: "${POST(7)}" }) { id } b: post(where: { id: "${POST(7)}" }, stage: DRAFT) { id publishedAt } }`,
    );
    expect(d).toEqual({ a: null, b: { id: POST(7), publishedAt: null } });
  });
});

describe("locales", () => {
  it.each([
    ["default en", "", {}, { title: "Hello Edge", locale: "en" }],
    ["argument de", "locales: [de]", {}, { title: "Hallo Edge", locale: "de" }],
    ["header de", "", { "gcms-locales": "de,en" }, { title: "Hallo Edge", locale: "de" }],
    ["argument wins over header", "locales: [en]", { "gcms-locales": "de" }, { title: "Hello Edge", locale: "en" }],
  ] as const)("%s", async (_, args, headers, expected) => {
    const d = await gql(`{ post(where: { id: "${POST(1)}" } ${args}) { title locale } }`, undefined, headers);
    expect(d.post).toEqual(expected);
  });

  it("falls back to the next locale per entry and reports the one used", async () => {
    const d = await gql(`{ posts(locales: [de, en], where: { id_in: ["${POST(1)}", "${POST(5)}"] }) { id title excerpt locale } }`);
    expect(d.posts).toEqual([
      { id: POST(1), title: "Hallo Edge", excerpt: "Ein erster Blick.", locale: "de" },
      { id: POST(5), title: "Webhooks in Practice", excerpt: "Signed and fresh.", locale: "en" },
    ]);
  });

  it("entries without any requested locale are left out", async () => {
    const d = await gql(`{ posts(locales: [de]) { id } }`);
    expect(seededIds(d.posts)).toEqual([1, 2, 3, 4].map(POST));
  });

  it("relations resolve in the parent's stage and locales", async () => {
    // Post 6 is DRAFT-only; its author Grace Hopper has no German bio, so in [de] she is hidden.
    const d = await gql(`{ de: post(where: { id: "${POST(6)}" }, stage: DRAFT, locales: [de]) { author { name } }
      deEn: post(where: { id: "${POST(6)}" }, stage: DRAFT, locales: [de, en]) { locale author { name bio locale stage } } }`);
    expect(d.de.author).toBeNull();
    expect(d.deEn).toEqual({ locale: "de", author: { name: "Grace Hopper", bio: "Writes about security.", locale: "en", stage: "DRAFT" } });
    const unpublishedAuthor = await gql(`{ post(where: { id: "${POST(7)}" }, stage: DRAFT) { author { stage name } } }`);
    expect(unpublishedAuthor.post.author).toEqual({ stage: "DRAFT", name: "Alan Turing" });
  });

  it("a relation may ask for other locales", async () => {
    const d = await gql(`{ post(where: { id: "${POST(3)}" }, locales: [de]) { title author(locales: [de, en]) { bio locale } } }`);
    expect(d.post).toEqual({ title: "Stale While Revalidate erklärt", author: { bio: "Writes about security.", locale: "en" } });
  });

  it("localizations lists the other locales an entry has", async () => {
    const d =
      await gql(`{ post(where: { id: "${POST(1)}" }) { locale localizations { locale title } all: localizations(includeCurrent: true) { locale } }
                           en: post(where: { id: "${POST(5)}" }) { localizations { locale } } }`);
    expect(d.post).toEqual({
      locale: "en",
      localizations: [{ locale: "de", title: "Hallo Edge" }],
      all: [{ locale: "en" }, { locale: "de" }],
    });
    expect(d.en.localizations).toEqual([]);
  });
});

describe("where", () => {
  it.each([
    ["equality", `{ slug: "benchmarks" }`, [8]],
    ["_not", `{ id_in: ["${POST(1)}", "${POST(2)}"], slug_not: "hello-edge" }`, [2]],
    ["_in", `{ slug_in: ["hello-edge", "benchmarks", "nope"] }`, [1, 8]],
    ["_not_in", `{ id_not_in: ["${POST(1)}", "${POST(2)}", "${POST(3)}"] }`, [4, 5, 8]],
    ["_contains (case-insensitive)", `{ title_contains: "EDGE" }`, [1, 4]],
    ["_starts_with", `{ slug_starts_with: "perm" }`, [4]],
    ["_ends_with", `{ slug_ends_with: "graphql" }`, [2]],
    ["localized field in the first locale", `{ title_contains: "cachen" }`, []],
    ["Int _gte", `{ readingMinutes_gte: 7 }`, [2, 4, 8]],
    ["DateTime _lt", `{ createdAt_lt: "2024-01-04T00:00:00Z" }`, [1, 2]],
    ["tags_contains_some", `{ tags_contains_some: ["cache", "webhooks"] }`, [2, 3, 5]],
    ["tags_contains_all", `{ tags_contains_all: ["edge", "security"] }`, [4]],
    ["null equality", `{ author: null }`, [8]],
    ["AND", `{ AND: [{ title_contains: "edge" }, { readingMinutes_gt: 5 }] }`, [4]],
    ["OR", `{ OR: [{ slug: "benchmarks" }, { slug: "hello-edge" }] }`, [1, 8]],
    ["NOT", `{ NOT: [{ slug: "benchmarks" }, { readingMinutes_lt: 5 }] }`, [2, 3, 4]],
    ["to-one relation", `{ author: { name: "Ada Lovelace" } }`, [1, 2, 5]],
    ["relation + OR", `{ OR: [{ author: { slug: "grace-hopper" } }, { tags_contains_some: ["intro"] }] }`, [1, 3, 4]],
  ])("%s", async (_, where, expected) => {
    const d = await gql(`{ posts(where: ${where}) { id } }`);
    expect(seededIds(d.posts)).toEqual(expected.map(POST));
  });

  it("a localized filter uses the resolved locale", async () => {
    const d = await gql(`{ posts(locales: [de, en], where: { title_contains: "cachen" }) { id title } }`);
    expect(d.posts).toEqual([{ id: POST(2), title: "GraphQL cachen" }]);
  });

  it.each([
    ["posts_some", `{ posts_some: { tags_contains_some: ["security"] } }`, [2]],
    ["posts_none", `{ posts_none: { readingMinutes_gt: 4 } }`, []],
    ["posts_every", `{ posts_every: { readingMinutes_lt: 8 } }`, [1]],
  ])("reverse relation filter %s", async (_, where, expected) => {
    const d = await gql(`{ authors(where: ${where}) { id } }`);
    expect(seededIds(d.authors)).toEqual(expected.map(AUTHOR));
  });
});

describe("ordering and pagination", () => {
  it.each([
    ["default createdAt then id", "", [1, 2, 3, 4, 5, 8]],
    ["readingMinutes_DESC", "orderBy: readingMinutes_DESC", [4, 8, 2, 3, 5, 1]],
    ["title_ASC", "orderBy: title_ASC", [8, 2, 1, 4, 3, 5]],
    ["createdAt_DESC + first", "orderBy: createdAt_DESC, first: 2", [8, 5]],
    ["skip + first", "first: 2, skip: 1", [2, 3]],
  ])("%s", async (_, args, expected) => {
    const d = await gql(`{ posts(where: { id_starts_with: "clpost00000" } ${args ? `, ${args}` : ""}) { id } }`);
    expect(d.posts.map((p: { id: string }) => p.id)).toEqual(expected.map(POST));
  });

  it("connections page with cursors, pageInfo and an aggregate count", async () => {
    const d = await gql(`{ postsConnection(where: { id_starts_with: "clpost00000" }, first: 2, skip: 2) {
      edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor pageSize } aggregate { count } } }`);
    expect(d.postsConnection).toEqual({
      edges: [
        { cursor: POST(3), node: { id: POST(3) } },
        { cursor: POST(4), node: { id: POST(4) } },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: true, startCursor: POST(3), endCursor: POST(4), pageSize: 2 },
      aggregate: { count: 6 },
    });
    const last = await gql(
      `{ authorsConnection(stage: DRAFT, where: { id_starts_with: "clauth00000" }, skip: 2) { pageInfo { hasNextPage pageSize } aggregate { count } } }`,
    );
    expect(last.authorsConnection).toEqual({ pageInfo: { hasNextPage: false, pageSize: 1 }, aggregate: { count: 3 } });
  });

  it("Author.posts takes where, orderBy, first and skip", async () => {
    const d = await gql(`{ author(where: { slug: "ada-lovelace" }) {
      all: posts { id } some: posts(where: { readingMinutes_lt: 5, id_starts_with: "clpost00000" }, orderBy: readingMinutes_DESC) { id readingMinutes }
      paged: posts(where: { id_starts_with: "clpost00000" }, first: 1, skip: 1) { id }
      de: posts(where: { id_starts_with: "clpost00000" }, locales: [de]) { title locale } } }`);
    expect(seededIds(d.author.all)).toEqual([1, 2, 5].map(POST));
    expect(d.author.some).toEqual([
      { id: POST(5), readingMinutes: 4 },
      { id: POST(1), readingMinutes: 3 },
    ]);
    expect(d.author.paged).toEqual([{ id: POST(2) }]);
    expect(d.author.de).toEqual([
      { title: "Hallo Edge", locale: "de" },
      { title: "GraphQL cachen", locale: "de" },
    ]);
  });

  it("Author.posts paginates per author when many authors are listed (one batched query)", async () => {
    const d = await gql(
      `query($seeded: PostWhereInput) { authors(stage: DRAFT, where: { id_starts_with: "clauth00000" }) { id first: posts(where: $seeded, first: 1) { id } rest: posts(where: $seeded, skip: 1, orderBy: id_DESC) { id } } }`,
      { seeded: SEEDED_POSTS },
    );
    expect(d.authors).toEqual([
      { id: AUTHOR(1), first: [{ id: POST(1) }], rest: [{ id: POST(2) }, { id: POST(1) }] },
      { id: AUTHOR(2), first: [{ id: POST(3) }], rest: [{ id: POST(4) }, { id: POST(3) }] },
      { id: AUTHOR(3), first: [{ id: POST(7) }], rest: [] },
    ]);
  });

  it("rejects negative pagination", async () => {
    const r = await gqlRaw(`{ posts(first: -1) { id } }`);
    expect(r.errors?.[0]?.message).toMatch(/negative/);
  });
});

describe("documentInStages, node and nodes", () => {
  it("documentInStages returns the entry's other stages", async () => {
    const d = await gql(
      `{ post(where: { id: "${POST(2)}" }) {
      stage documentInStages { stage title } both: documentInStages(stages: [PUBLISHED, DRAFT], includeCurrent: true) { stage }
      de: documentInStages(stages: [DRAFT], inheritLocale: true) { locale } } }`,
      undefined,
      { "gcms-locales": "de" },
    );
    expect(d.post).toEqual({
      stage: "PUBLISHED",
      documentInStages: [{ stage: "DRAFT", title: "Caching GraphQL (draft edit)" }],
      both: [{ stage: "PUBLISHED" }, { stage: "DRAFT" }],
      de: [{ locale: "de" }],
    });
    const draftOnly = await gql(`{ post(where: { id: "${POST(6)}" }, stage: DRAFT) { documentInStages { stage } } }`);
    expect(draftOnly.post.documentInStages).toEqual([]);
  });

  it("node finds any model by id in the given stage", async () => {
    const d = await gql(`{ a: node(id: "${AUTHOR(1)}") { __typename id stage ... on Author { name } }
      p: node(id: "${PAGE(2)}", locales: [de]) { ... on Page { title } }
      draftOnly: node(id: "${PAGE(3)}") { id } draft: node(id: "${PAGE(3)}", stage: DRAFT) { id stage } }`);
    expect(d).toEqual({
      a: { __typename: "Author", id: AUTHOR(1), stage: "PUBLISHED", name: "Ada Lovelace" },
      p: { title: "Kontakt" },
      draftOnly: null,
      draft: { id: PAGE(3), stage: "DRAFT" },
    });
  });

  it("nodes keeps the order of ids with null for missing ones", async () => {
    const d = await gql(`{ nodes(ids: ["${POST(8)}", "nope", "${AUTHOR(2)}", "${POST(7)}"]) { __typename id } }`);
    expect(d.nodes).toEqual([{ __typename: "Post", id: POST(8) }, null, { __typename: "Author", id: AUTHOR(2) }, null]);
  });

  it("pages and authors have the same conventions", async () => {
    const d = await gql(`{ pages(locales: [de, en]) { slug title locale } authors(stage: DRAFT, orderBy: name_ASC) { name } }`);
    expect(d.pages.filter((p: { slug: string }) => ["about", "contact"].includes(p.slug))).toEqual([
      { slug: "about", title: "Über uns", locale: "de" },
      { slug: "contact", title: "Kontakt", locale: "de" },
    ]);
    expect(d.pages.some((p: { slug: string }) => p.slug === "imprint")).toBe(false);
    expect(
      d.authors.map((a: { name: string }) => a.name).filter((n: string) => ["Ada Lovelace", "Alan Turing", "Grace Hopper"].includes(n)),
    ).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
  });
});

describe("GraphQL over HTTP", () => {
  it.each(["/graphql", "/v2/demo/master", "/t/abc/graphql", "/"])("serves GraphQL on %s over GET", async (path) => {
    const url = `${path}?query=${encodeURIComponent("query Q($id: ID!) { post(where: { id: $id }) { slug } }")}&variables=${encodeURIComponent(JSON.stringify({ id: POST(1) }))}&operationName=Q`;
    const res = await call(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ data: { post: { slug: "hello-edge" } } });
  });

  it("identical requests get identical answers", async () => {
    const q = `{ posts(stage: DRAFT) { id title createdAt author { name } } }`;
    const [a, b] = await Promise.all([gqlRaw(q), gqlRaw(q)]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it.each([
    [
      "syntax error",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ posts {" }) },
      400,
    ],
    [
      "validation error",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ nope }" }) },
      400,
    ],
    ["missing query", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, 400],
    ["bad JSON", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }, 400],
    ["PUT", { method: "PUT", body: "{}" }, 405],
  ])("%s is answered %i with errors", async (_, init, status) => {
    const res = await call("/graphql", init as RequestInit);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });

  it("refuses mutations over GET", async () => {
    const res = await call(`/graphql?query=${encodeURIComponent('mutation { deletePost(where: { id: "x" }) { id } }')}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});
