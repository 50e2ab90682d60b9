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
  return {
    cache: response.headers.get("x-cache"),
    title: ((await response.json()) as { data: { post: { title: string } | null } }).data.post?.title,
  };
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
      return {
        cache: response.headers.get("x-cache"),
        slugs: ((await response.json()) as { data: { posts: { slug: string }[] } }).data.posts.map((p) => p.slug),
      };
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

  it("a signed publish webhook for the entry makes its published answers stale; an unsigned one, or one for another entry, changes nothing", async () => {
    const { content, projectId, slug, tag, id } = await writableProject();
    await titleOf(content, slug);
    const send = async (entryId: string, signedWith: string | null) => {
      const body = JSON.stringify({ operation: "publish", data: { __typename: "Post", id: entryId, stage: "PUBLISHED" } });
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (signedWith)
        headers["gcms-signature"] = await signWebhook({ secret: signedWith, rawBody: body, environment: "master", timestamp: Date.now() });
      return gateway(`/webhooks/${projectId}/master`, { method: "POST", headers, body });
    };
    expect((await send(id, null)).status).toBe(401);
    expect((await titleOf(content, slug)).cache).toBe("HIT");
    // Entry-level: another entry of the model leaves this answer warm …
    expect((await send("some-other-entry", SECRET)).status).toBe(202);
    expect((await titleOf(content, slug)).cache).toBe("HIT");
    // … the entry itself does not.
    expect((await send(id, SECRET)).status).toBe(202);
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
