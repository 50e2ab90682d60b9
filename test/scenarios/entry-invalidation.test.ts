import { describe, expect, it } from "vitest";
import { signWebhook } from "../../src/webhooks/signature";
import { configureProject, demoOrigin, gateway, originRequests, postQuery, uniqueTag } from "../support/gateway";

/**
 * Entry-level invalidation end to end (issue 12), through the gateway and the demo origin: an
 * answer that depends only on specific entries is invalidated only when one of them changes;
 * lists stay model-level; the client's answer is byte-identical to the one a model-level project
 * gets for the same content.
 */
const RULES = [
  { action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" },
  { action: ["create", "update", "publish", "unpublish", "delete"], model: "*", stages: "*", locales: "*" },
];
const SECRET = "an-entry-level-webhook-secret";

/** Two projects on the same origin content: one entry-level (the default), one model-level. */
async function projects() {
  const tag = uniqueTag();
  const make = async (suffix: string, invalidation?: "model") => {
    const projectId = `e-${tag}-${suffix}`;
    await configureProject(projectId, "master", {
      origin: demoOrigin(`${tag}${suffix}`),
      publicPermissions: RULES,
      webhookSecret: SECRET,
      ...(invalidation ? { cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86_400, invalidation } } : {}),
    });
    return { projectId, tag: `${tag}${suffix}`, content: `/content/${projectId}/master`, v2: `/v2/${projectId}/master` };
  };
  return { entry: await make("e"), model: await make("m", "model"), tag };
}

async function createPublished(v2: string, title: string, slug: string, authorSlug?: string): Promise<string> {
  const author = authorSlug ? `, author: { connect: { slug: "${authorSlug}" } }` : "";
  const created = await postQuery(v2, { query: `mutation { createPost(data: { title: "${title}", slug: "${slug}"${author} }) { id } }` });
  const id = ((await created.json()) as { data: { createPost: { id: string } } }).data.createPost.id;
  await postQuery(v2, { query: `mutation { publishPost(where: { id: "${id}" }) { id } }` });
  return id;
}

const xCache = async (content: string, query: string, variables?: Record<string, unknown>) => {
  const response = await postQuery(content, { query, ...(variables ? { variables } : {}) });
  return { cache: response.headers.get("x-cache"), body: await response.text() };
};

async function webhook(projectId: string, data: Record<string, unknown>, operation = "publish") {
  const body = JSON.stringify({ operation, data });
  const signature = await signWebhook({ secret: SECRET, rawBody: body, environment: "master", timestamp: Date.now() });
  return gateway(`/webhooks/${projectId}/master`, {
    method: "POST",
    headers: { "content-type": "application/json", "gcms-signature": signature },
    body,
  });
}

describe("entry-level invalidation through /content", () => {
  it("a published change to one post leaves other posts' detail answers warm, and makes its own and every list stale", async () => {
    const { entry, tag } = await projects();
    const a = await createPublished(entry.v2, "A", `a-${tag}`);
    await createPublished(entry.v2, "B", `b-${tag}`);
    const detail = (slug: string) => `{ post(where: { slug: "${slug}" }) { title slug } }`;
    const list = "{ posts(first: 100, orderBy: createdAt_DESC) { slug } }";
    for (const q of [detail(`a-${tag}`), detail(`b-${tag}`), list]) await xCache(entry.content, q);
    for (const q of [detail(`a-${tag}`), detail(`b-${tag}`), list]) expect((await xCache(entry.content, q)).cache).toBe("HIT");

    await postQuery(entry.v2, { query: `mutation { updatePost(where: { id: "${a}" }, data: { title: "A2" }) { id } }` });
    await postQuery(entry.v2, { query: `mutation { publishPost(where: { id: "${a}" }) { id } }` });

    expect(await xCache(entry.content, detail(`a-${tag}`))).toMatchObject({ cache: "MISS", body: expect.stringContaining('"A2"') });
    expect((await xCache(entry.content, detail(`b-${tag}`))).cache).toBe("HIT");
    expect((await xCache(entry.content, list)).cache).toBe("MISS");
  });

  it("a webhook naming one entry: only answers containing it, and lists", async () => {
    const { entry, tag } = await projects();
    await createPublished(entry.v2, "A", `a-${tag}`);
    const b = await createPublished(entry.v2, "B", `b-${tag}`);
    const both = `{ a: post(where: { slug: "a-${tag}" }) { title } b: post(where: { slug: "b-${tag}" }) { title } }`;
    const onlyA = `{ post(where: { slug: "a-${tag}" }) { title } }`;
    for (const q of [both, onlyA]) await xCache(entry.content, q);
    expect((await webhook(entry.projectId, { __typename: "Post", id: b, stage: "PUBLISHED" })).status).toBe(202);
    // A multi-entry answer containing b is stale; the one without it is not.
    expect((await xCache(entry.content, both)).cache).toBe("MISS");
    expect((await xCache(entry.content, onlyA)).cache).toBe("HIT");
  });

  it("a lookup that found nothing becomes stale when an entry of its model is published (it may now match)", async () => {
    const { entry, tag } = await projects();
    const query = `{ post(where: { slug: "later-${tag}" }) { title } }`;
    expect(await xCache(entry.content, query)).toEqual({ cache: "MISS", body: '{"data":{"post":null}}' });
    expect((await xCache(entry.content, query)).cache).toBe("HIT");
    await createPublished(entry.v2, "Later", `later-${tag}`);
    expect(await xCache(entry.content, query)).toEqual({ cache: "MISS", body: '{"data":{"post":{"title":"Later"}}}' });
  });

  it("a single reference: the referenced entry's change reaches the answer; another entry of its model does not", async () => {
    const { entry, tag } = await projects();
    const ada = "ada-lovelace";
    await createPublished(entry.v2, "Ref", `ref-${tag}`, ada);
    const query = `{ post(where: { slug: "ref-${tag}" }, stage: DRAFT) { title author { name } } }`;
    await xCache(entry.content, query);
    expect((await xCache(entry.content, query)).cache).toBe("HIT");
    // Another author's draft changes: the answer stays warm.
    await postQuery(entry.v2, {
      query: 'mutation { updateAuthor(where: { slug: "grace-hopper" }, data: { bio: "Still Grace." }) { id } }',
    });
    expect((await xCache(entry.content, query)).cache).toBe("HIT");
    // The referenced author's draft changes: stale.
    await postQuery(entry.v2, { query: `mutation { updateAuthor(where: { slug: "${ada}" }, data: { bio: "Still Ada." }) { id } }` });
    expect((await xCache(entry.content, query)).cache).toBe("MISS");
    // A relation moved from the other side (connect this post to another author): stale.
    expect((await xCache(entry.content, query)).cache).toBe("HIT");
    await postQuery(entry.v2, {
      query: `mutation { updateAuthor(where: { slug: "grace-hopper" }, data: { posts: { connect: [{ slug: "ref-${tag}" }] } }) { id } }`,
    });
    expect(await xCache(entry.content, query)).toMatchObject({ cache: "MISS", body: expect.stringContaining("Grace Hopper") });
  });

  it("a /v2 update by slug learns the entry's id from the answer; the client's /v2 answer is unchanged", async () => {
    const { entry, model, tag } = await projects();
    await createPublished(entry.v2, "S", `s-${tag}`);
    const query = `{ post(where: { slug: "s-${tag}" }, stage: DRAFT) { title } }`;
    await xCache(entry.content, query);
    const update = { query: `mutation { updatePost(where: { slug: "s-${tag}" }, data: { title: "S2" }) { title } }` };
    const answer = await postQuery(entry.v2, update);
    expect(await answer.text()).toBe('{"data":{"updatePost":{"title":"S2"}}}');
    expect((await xCache(entry.content, query)).cache).toBe("MISS");
    // The same mutation through a model-level project answers the same bytes.
    expect(
      await (
        await postQuery(model.v2, { query: `mutation { updatePost(where: { slug: "s-${tag}" }, data: { title: "S2" }) { title } }` })
      ).text(),
    ).toBe('{"data":{"updatePost":{"title":"S2"}}}');
  });

  it("what reaches the origin: the client's selection plus id under an alias no client field uses", async () => {
    const { entry, tag } = await projects();
    await xCache(entry.content, `{ post(where: { slug: "x-${tag}" }) { title author { name } } }`);
    const [reached] = await originRequests(entry.tag);
    expect(JSON.parse(reached!.body).query).toMatch(
      /post\(where: \{slug: "x-[^"]+"\}, stage: PUBLISHED, locales: \[en\]\) \{\s*title\s*author \{\s*name\s*_ce_id: id\s*\}\s*_ce_id: id\s*\}/,
    );
  });
});

describe("the client's answer is byte-identical to a model-level project's", () => {
  it.each<[string, (tag: string) => string]>([
    ["a lookup by slug", (t) => `{ post(where: { slug: "id-${t}" }) { title slug } }`],
    ["a lookup by id (seeded entry)", () => '{ post(where: { id: "clpost0000000000000000001" }) { title author { name slug } } }'],
    [
      "a reference and a missing reference",
      (t) => `{ a: post(where: { slug: "id-${t}" }) { author { name } } b: post(where: { slug: "benchmarks" }) { title author { name } } }`,
    ],
    ["node by id", () => '{ node(id: "clpost0000000000000000002") { id ... on Post { title } } }'],
    ["a lookup that finds nothing", (t) => `{ post(where: { slug: "none-${t}" }) { title } }`],
    ["a list with a reference", () => "{ posts(first: 3, orderBy: createdAt_ASC) { title author { name } } }"],
    ["an alias named like the gateway's", (t) => `{ post(where: { slug: "id-${t}" }) { _ce_id: title } }`],
    ["localized fields in German", () => '{ post(where: { slug: "hello-edge" }, locales: [de]) { title author { bio } } }'],
  ])("%s (MISS and HIT)", async (_name, make) => {
    const { entry, model, tag } = await projects();
    await createPublished(entry.v2, "Identity", `id-${tag}`, "ada-lovelace");
    const query = make(tag);
    const first = await xCache(entry.content, query);
    const reference = await xCache(model.content, query);
    const hit = await xCache(entry.content, query);
    expect([first.cache, hit.cache]).toEqual(["MISS", "HIT"]);
    expect(first.body).toBe(reference.body);
    expect(hit.body).toBe(reference.body);
    expect(first.body).not.toContain("_ce_type");
  });
});
