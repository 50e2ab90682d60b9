import { describe, expect, it } from "vitest";
import { signWebhook } from "../../src/webhooks/signature";
import { ADMIN, demoProject, gateway, originRequests, postQuery, PUBLIC_READ } from "../support/gateway";

/**
 * Invalidation end to end: a cached /content answer, a change through one of the three triggers,
 * and what the very next request sees (SPEC §3: in a single location the very next request sees
 * fresh content; a DRAFT change leaves PUBLISHED entries alone).
 */
const WRITER = [
  ...PUBLIC_READ,
  { action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" },
  { action: ["create", "update", "publish", "unpublish", "delete"], model: "*", stages: "*", locales: "*" },
];
const SECRET = "an-end-to-end-webhook-secret";

async function writableProject() {
  const project = await demoProject({ publicPermissions: WRITER, webhookSecret: SECRET });
  const slug = `inv-${project.tag}`;
  const created = await postQuery(project.v2, {
    query: "mutation($d: PostCreateInput!) { createPost(data: $d) { id } }",
    variables: { d: { title: "Before", slug } },
  });
  const id = ((await created.json()) as { data: { createPost: { id: string } } }).data.createPost.id;
  await postQuery(project.v2, { query: `mutation { publishPost(where: { id: "${id}" }) { id } }` });
  return { ...project, id, slug };
}

const titleOf = async (content: string, slug: string, stage = "PUBLISHED") => {
  const response = await postQuery(content, { query: `{ post(where: { slug: "${slug}" }, stage: ${stage}) { title } }` });
  return { cache: response.headers.get("x-cache"), title: ((await response.json()) as { data: { post: { title: string } | null } }).data.post?.title };
};

describe("invalidation through /content, end to end", () => {
  it("a published update through /v2 is seen by the very next request", async () => {
    const { content, v2, id, slug } = await writableProject();
    expect(await titleOf(content, slug)).toEqual({ cache: "MISS", title: "Before" });
    expect(await titleOf(content, slug)).toEqual({ cache: "HIT", title: "Before" });
    await postQuery(v2, { query: `mutation { updatePost(where: { id: "${id}" }, data: { title: "After" }) { id } }` });
    // A DRAFT change leaves the PUBLISHED answer alone …
    expect(await titleOf(content, slug)).toEqual({ cache: "HIT", title: "Before" });
    await postQuery(v2, { query: `mutation { publishPost(where: { id: "${id}" }) { id } }` });
    // … and publishing makes it stale at once.
    expect(await titleOf(content, slug)).toEqual({ cache: "MISS", title: "After" });
  });

  it("a newly published entry joins a cached list", async () => {
    const { content, v2, tag } = await writableProject();
    const list = async () => {
      const response = await postQuery(content, { query: "{ posts(first: 100) { slug } }" });
      return { cache: response.headers.get("x-cache"), slugs: ((await response.json()) as { data: { posts: { slug: string }[] } }).data.posts.map((p) => p.slug) };
    };
    const before = await list();
    expect((await list()).cache).toBe("HIT");
    const slug = `joins-${tag}`;
    const created = await postQuery(v2, { query: `mutation { createPost(data: { title: "New", slug: "${slug}" }) { id } }` });
    const id = ((await created.json()) as { data: { createPost: { id: string } } }).data.createPost.id;
    expect((await list()).slugs).toEqual(before.slugs);
    await postQuery(v2, { query: `mutation { publishPost(where: { id: "${id}" }) { id } }` });
    const after = await list();
    expect(after.cache).toBe("MISS");
    expect(after.slugs).toContain(slug);
  });

  it("a change to a related model makes answers that reach it through a relation stale", async () => {
    const { content } = await writableProject();
    const query = { query: "{ posts(first: 3) { title author { name } } }" };
    await postQuery(content, query);
    expect((await postQuery(content, query)).headers.get("x-cache")).toBe("HIT");
    const purge = await gateway(`/admin/projects/${content.split("/")[2]}/master/purge`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ models: ["Author"], stages: ["PUBLISHED"] }),
    });
    expect(purge.status).toBe(200);
    expect((await postQuery(content, query)).headers.get("x-cache")).toBe("MISS");
  });

  it("a signed publish webhook makes the model's published answers stale; an unsigned one changes nothing", async () => {
    const { content, projectId, slug, tag } = await writableProject();
    await titleOf(content, slug);
    const body = JSON.stringify({ operation: "publish", data: { __typename: "Post", id: "x", stage: "PUBLISHED" } });
    const unsigned = await gateway(`/webhooks/${projectId}/master`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(unsigned.status).toBe(401);
    expect((await titleOf(content, slug)).cache).toBe("HIT");
    const signature = await signWebhook({ secret: SECRET, rawBody: body, environment: "master", timestamp: Date.now() });
    const signed = await gateway(`/webhooks/${projectId}/master`, {
      method: "POST",
      headers: { "content-type": "application/json", "gcms-signature": signature },
      body,
    });
    expect(signed.status).toBe(202);
    expect((await titleOf(content, slug)).cache).toBe("MISS");
    const reads = (await originRequests(tag)).filter((r) => r.body.includes(slug) && !r.body.includes("mutation"));
    expect(reads).toHaveLength(2);
  });

  it("a failed mutation invalidates nothing", async () => {
    const { content, v2, slug } = await writableProject();
    await titleOf(content, slug);
    const failed = await postQuery(v2, { query: 'mutation { publishPost(where: { id: "no-such-entry" }, to: [DRAFT]) { id } }' });
    expect(((await failed.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    expect((await titleOf(content, slug)).cache).toBe("HIT");
  });
});

describe("stats", () => {
  it("counts what /content did", async () => {
    const { content, projectId } = await demoProject();
    await postQuery(content, { query: "{ pages { slug } }" });
    await postQuery(content, { query: "{ pages { slug } }" });
    await postQuery(content, { query: "{ pages { slug } }" });
    const response = await gateway(`/admin/projects/${projectId}/master/stats`, { headers: ADMIN });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ hits: 2, misses: 1, hitRatio: 2 / 3 });
  });
});
