import { beforeAll, describe, expect, it } from "vitest";
import { AUTHOR, gql, gqlRaw, uniq, warmUp, WARM_UP_TIMEOUT } from "./helpers";

beforeAll(warmUp, WARM_UP_TIMEOUT);

// Every test creates its own entries (unique slugs), so it does not depend on or disturb others.
const FIELDS = "id stage locale slug title excerpt tags readingMinutes publishedAt author { id }";

async function createPost(extra = "", slug = uniq("post")) {
  const d = await gql(`mutation($slug: String!) { createPost(data: { slug: $slug, title: "T en", ${extra} }) { ${FIELDS} } }`, { slug });
  return d.createPost;
}

const read = (id: string, stage: "DRAFT" | "PUBLISHED", locales = "[en]") =>
  gql(`{ post(where: { id: "${id}" }, stage: ${stage}, locales: ${locales}) { ${FIELDS} } }`).then((d) => d.post);

describe("create and update", () => {
  it("createPost writes a DRAFT entry only, with base-locale values and a relation", async () => {
    const p = await createPost(`excerpt: "E", tags: ["a", "b"], readingMinutes: 2, author: { connect: { id: "${AUTHOR(1)}" } }`);
    expect(p).toMatchObject({
      stage: "DRAFT",
      locale: "en",
      title: "T en",
      excerpt: "E",
      tags: ["a", "b"],
      readingMinutes: 2,
      publishedAt: null,
      author: { id: AUTHOR(1) },
    });
    expect(p.id).toMatch(/^c[a-z0-9]{24}$/);
    expect(await read(p.id, "PUBLISHED")).toBeNull();
    expect(await read(p.id, "DRAFT")).toEqual(p);
  });

  it("createPost takes localizations", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "T de", excerpt: "E de" } }] }`);
    expect(await read(p.id, "DRAFT", "[de]")).toMatchObject({ locale: "de", title: "T de", excerpt: "E de" });
  });

  it("updatePost changes the DRAFT, keeps PUBLISHED, and edits localizations", async () => {
    const p = await createPost();
    await gql(`mutation { publishPost(where: { id: "${p.id}" }) { id } }`);
    const d = await gql(`mutation { updatePost(where: { id: "${p.id}" }, data: {
      title: "T2", author: { connect: { slug: "grace-hopper" } },
      localizations: { upsert: [{ locale: de, create: { title: "neu" }, update: { title: "x" } }] } }) { title stage author { id } } }`);
    expect(d.updatePost).toEqual({ title: "T2", stage: "DRAFT", author: { id: AUTHOR(2) } });
    expect((await read(p.id, "PUBLISHED")).title).toBe("T en");
    expect((await read(p.id, "DRAFT", "[de]")).title).toBe("neu");
    await gql(
      `mutation { updatePost(where: { id: "${p.id}" }, data: { author: { disconnect: true }, localizations: { delete: [de] } }) { id } }`,
    );
    expect(await read(p.id, "DRAFT", "[de]")).toBeNull();
    expect((await read(p.id, "DRAFT")).author).toBeNull();
  });

  it("unique fields are enforced and unknown entries give null", async () => {
    const p = await createPost();
    const r = await gqlRaw(`mutation { createPost(data: { slug: "${p.slug}" }) { id } }`);
    expect(r.errors?.[0]?.message).toBe('value is not unique for the field "slug"');
    const u = await gql(`mutation { updatePost(where: { id: "nope" }, data: { title: "x" }) { id } }`);
    expect(u.updatePost).toBeNull();
  });

  it("connect to a missing entry is an error and writes nothing", async () => {
    const slug = uniq("post");
    const r = await gqlRaw(`mutation { createPost(data: { slug: "${slug}", author: { connect: { id: "nope" } } }) { id } }`);
    expect(r.errors?.[0]?.message).toMatch(/No Author found/);
    expect((await gql(`{ posts(stage: DRAFT, where: { slug: "${slug}" }) { id } }`)).posts).toEqual([]);
  });

  it("Author.posts can be written from the author side", async () => {
    const p = await createPost();
    const d = await gql(
      `mutation { createAuthor(data: { name: "N", slug: "${uniq("a")}", posts: { connect: [{ id: "${p.id}" }] } }) { id posts { id } } }`,
    );
    expect(d.createAuthor.posts).toEqual([{ id: p.id }]);
    expect((await read(p.id, "DRAFT")).author).toEqual({ id: d.createAuthor.id });
  });
});

describe("publish, unpublish, delete", () => {
  it("publishPost copies DRAFT to PUBLISHED and sets publishedAt", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "T de" } }] }`);
    const d = await gql(`mutation { publishPost(where: { id: "${p.id}" }, to: PUBLISHED) { id stage title publishedAt } }`);
    expect(d.publishPost).toMatchObject({ id: p.id, stage: "PUBLISHED", title: "T en" });
    expect(Date.parse(d.publishPost.publishedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await read(p.id, "PUBLISHED", "[de]")).toMatchObject({ title: "T de", locale: "de" });
    expect((await read(p.id, "DRAFT")).publishedAt).toBe(d.publishPost.publishedAt);
  });

  it("publishPost with locales publishes only those localizations (plus the base locale)", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "T de" } }] }`);
    await gql(`mutation { publishPost(where: { id: "${p.id}" }, locales: [en]) { id } }`);
    expect(await read(p.id, "PUBLISHED", "[de]")).toBeNull();
    expect((await read(p.id, "PUBLISHED")).title).toBe("T en");
  });

  it("publishing to DRAFT is refused", async () => {
    const p = await createPost();
    const r = await gqlRaw(`mutation { publishPost(where: { id: "${p.id}" }, to: [DRAFT]) { id } }`);
    expect(r.errors?.[0]?.message).toMatch(/only be published to PUBLISHED/);
  });

  it("unpublishPost removes the PUBLISHED copy and keeps the DRAFT", async () => {
    const p = await createPost();
    await gql(`mutation { publishPost(where: { id: "${p.id}" }) { id } }`);
    const d = await gql(`mutation { unpublishPost(where: { id: "${p.id}" }) { id stage } }`);
    expect(d.unpublishPost).toEqual({ id: p.id, stage: "DRAFT" });
    expect(await read(p.id, "PUBLISHED")).toBeNull();
    expect((await read(p.id, "DRAFT")).title).toBe("T en");
  });

  it("unpublishPost with locales removes only those localizations", async () => {
    const p = await createPost(`localizations: { create: [{ locale: de, data: { title: "T de" } }] }`);
    await gql(`mutation { publishPost(where: { id: "${p.id}" }) { id } }`);
    await gql(`mutation { unpublishPost(where: { id: "${p.id}" }, locales: [de]) { id } }`);
    expect(await read(p.id, "PUBLISHED", "[de]")).toBeNull();
    expect((await read(p.id, "PUBLISHED")).title).toBe("T en");
  });

  it("publishing never replaces another entry that holds the same unique value", async () => {
    const a = await createPost();
    await gql(`mutation { publishPost(where: { id: "${a.id}" }) { id } }`);
    await gql(`mutation { updatePost(where: { id: "${a.id}" }, data: { slug: "${uniq("moved")}" }) { id } }`);
    const b = await createPost("", a.slug); // allowed: unique per stage, and A's draft moved away
    const r = await gqlRaw(`mutation { publishPost(where: { id: "${b.id}" }) { id } }`);
    expect(r.errors?.[0]?.message).toBe('value is not unique for the field "slug"');
    expect((await read(a.id, "PUBLISHED")).slug).toBe(a.slug);
    expect(await read(b.id, "PUBLISHED")).toBeNull();
  });

  it("deletePost removes every stage and returns the entry", async () => {
    const p = await createPost();
    await gql(`mutation { publishPost(where: { id: "${p.id}" }) { id } }`);
    const d = await gql(`mutation { deletePost(where: { slug: "${p.slug}" }) { id slug } }`);
    expect(d.deletePost).toEqual({ id: p.id, slug: p.slug });
    expect(await read(p.id, "DRAFT")).toBeNull();
    expect(await read(p.id, "PUBLISHED")).toBeNull();
    expect((await gql(`mutation { deletePost(where: { id: "${p.id}" }) { id } }`)).deletePost).toBeNull();
  });

  it("deleting an author unlinks its posts", async () => {
    const slug = uniq("a");
    const a = (await gql(`mutation { createAuthor(data: { name: "Tmp", slug: "${slug}" }) { id } }`)).createAuthor;
    const p = await createPost(`author: { connect: { id: "${a.id}" } }`);
    await gql(`mutation { deleteAuthor(where: { id: "${a.id}" }) { id } }`);
    expect((await read(p.id, "DRAFT")).author).toBeNull();
  });

  it("pages are published like posts", async () => {
    const slug = uniq("page");
    const c = await gql(`mutation { createPage(data: { slug: "${slug}", title: "P", content: "C" }) { id } }`);
    await gql(`mutation { publishPage(where: { slug: "${slug}" }) { id } }`);
    const d = await gql(`{ page(where: { id: "${c.createPage.id}" }) { title content stage } }`);
    expect(d.page).toEqual({ title: "P", content: "C", stage: "PUBLISHED" });
  });
});

describe("*ManyConnection mutations", () => {
  it("update, publish, unpublish and delete many by where", async () => {
    const tag = uniq("batch");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createPost(`tags: ["${tag}"], readingMinutes: ${i}`)).id);
    const where = `{ tags_contains_some: ["${tag}"] }`;

    const u = await gql(
      `mutation { updateManyPostsConnection(where: ${where}, data: { excerpt: "bulk" }) { edges { node { id excerpt stage } } aggregate { count } } }`,
    );
    expect(u.updateManyPostsConnection.aggregate.count).toBe(3);
    expect(u.updateManyPostsConnection.edges.map((e: any) => e.node)).toEqual(ids.map((id) => ({ id, excerpt: "bulk", stage: "DRAFT" })));

    const p = await gql(
      `mutation { publishManyPostsConnection(where: { AND: [${where}, { readingMinutes_gte: 1 }] }) { edges { node { id stage } } } }`,
    );
    expect(p.publishManyPostsConnection.edges.map((e: any) => e.node)).toEqual(ids.slice(1).map((id) => ({ id, stage: "PUBLISHED" })));
    expect((await gql(`{ posts(where: ${where}) { id excerpt } }`)).posts).toEqual(ids.slice(1).map((id) => ({ id, excerpt: "bulk" })));

    const un = await gql(`mutation { unpublishManyPostsConnection(where: { id: "${ids[1]}" }) { aggregate { count } } }`);
    expect(un.unpublishManyPostsConnection.aggregate.count).toBe(1);
    expect((await gql(`{ posts(where: ${where}) { id } }`)).posts).toEqual([{ id: ids[2] }]);

    const del = await gql(`mutation { deleteManyPostsConnection(where: ${where}) { edges { node { id } } } }`);
    expect(del.deleteManyPostsConnection.edges.map((e: any) => e.node.id)).toEqual(ids);
    expect((await gql(`{ posts(stage: DRAFT, where: ${where}) { id } }`)).posts).toEqual([]);
    expect((await gql(`{ posts(where: ${where}) { id } }`)).posts).toEqual([]);
  });
});
