/**
 * Entry-level invalidation as an end-to-end property (issue 12): after any sequence of edits —
 * through `/v2` (by id or by slug, so the id is learned from the answer), through the origin and
 * a signed webhook, touching titles, publication (of posts and of the authors they reference),
 * references from either side, creations that a lookup was waiting for, and deletions — every
 * cached `/content` answer equals what the origin answers now (no stale answer), and the
 * entry-level project invalidates no more answers than a model-level one given the same edits
 * (and fewer overall).
 *
 * Each run builds two identical universes of fresh entries on the demo origin, one per project
 * (`cache.invalidation` "entry" and "model"), applies the same edits to both and compares every
 * query of a fixed set against the origin after each edit. Requests go to the app directly (not
 * through the pool's loopback, which slows down as a test makes many calls).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { signWebhook } from "../../src/webhooks/signature";
import { ADMIN, uniqueTag } from "../support/gateway";

const viteEnv = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {};
const RUNS = Number(viteEnv["VITE_FC_RUNS"] ?? 8);
const SEED = Number(viteEnv["VITE_FC_SEED"] ?? 12);
const SECRET = "a-property-test-webhook-secret";
const ORIGIN = "https://demo-origin.internal/graphql";
const RULES = [
  { action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" },
  { action: ["create", "update", "publish", "unpublish", "delete"], model: "*", stages: "*", locales: "*" },
];

async function call(path: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://gateway.test${path}`, init), env, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return new Response(text, { status: response.status, headers: response.headers });
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Straight to the origin: the oracle, and edits that bypass the gateway (announced by webhook). */
async function origin(query: string): Promise<string> {
  const response = await env.DEMO_ORIGIN.fetch(ORIGIN, json({ query }));
  return response.text();
}

/** One universe: its own project and entries with unique slugs. */
interface Universe {
  projectId: string;
  suffix: string;
  posts: string[]; // ids, P0..P3
  authors: string[]; // ids, A0..A1
  slug: (name: string) => string;
}

async function universe(mode: "entry" | "model", suffix: string): Promise<Universe> {
  const projectId = `prop-${suffix}-${mode}`;
  const put = await call(`/admin/projects/${projectId}/master`, {
    method: "PUT",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({
      origin: ORIGIN,
      publicPermissions: RULES,
      webhookSecret: SECRET,
      cache: { maxAge: 600, staleWhileRevalidate: 0, staleIfError: 0, invalidation: mode },
    }),
  });
  expect(put.status).toBe(200);
  const slug = (name: string) => `${name}-${suffix}-${mode}`;
  const data = async (query: string) =>
    ((await (await call(`/v2/${projectId}/master`, json({ query }))).json()) as { data: Record<string, { id: string }> }).data;
  const authors: string[] = [];
  for (const a of ["a0", "a1"]) {
    const id = (await data(`mutation { createAuthor(data: { name: "${a}", slug: "${slug(a)}" }) { id } }`)).createAuthor!.id;
    await data(`mutation { publishAuthor(where: { id: "${id}" }) { id } }`);
    authors.push(id);
  }
  const posts: string[] = [];
  const authorOf = [0, 0, 1, null];
  for (let i = 0; i < 4; i++) {
    const author = authorOf[i] === null ? "" : `, author: { connect: { id: "${authors[authorOf[i]!]}" } }`;
    const id = (await data(`mutation { createPost(data: { title: "p${i}", slug: "${slug(`p${i}`)}"${author} }) { id } }`)).createPost!.id;
    await data(`mutation { publishPost(where: { id: "${id}" }) { id } }`);
    posts.push(id);
  }
  return { projectId, suffix, posts, authors, slug };
}

/** The fixed query set over a universe (lists restricted to its own entries). */
function queries(u: Universe): string[] {
  const ours = JSON.stringify([0, 1, 2, 3, "ghost"].map((i) => u.slug(typeof i === "number" ? `p${i}` : i)));
  return [
    `{ post(where: { slug: "${u.slug("p0")}" }) { title author { name } } }`,
    `{ post(where: { slug: "${u.slug("p1")}" }) { title } }`,
    `{ post(where: { id: "${u.posts[2]}" }) { title slug author { name } } }`,
    `{ post(where: { slug: "${u.slug("ghost")}" }) { title } }`,
    `{ author(where: { slug: "${u.slug("a0")}" }) { name posts(where: { slug_in: ${ours} }, orderBy: slug_ASC) { title } } }`,
    `{ posts(where: { slug_in: ${ours} }, orderBy: slug_ASC) { slug title author { name } } }`,
    `{ a: post(where: { slug: "${u.slug("p0")}" }) { title } b: post(where: { slug: "${u.slug("p3")}" }) { title author { name } } }`,
    `{ post(where: { slug: "${u.slug("p2")}" }, stage: DRAFT) { title author { name } } }`,
    `{ node(id: "${u.posts[1]}") { ... on Post { title } } }`,
    `{ posts(where: { author: { slug: "${u.slug("a1")}" }, slug_in: ${ours} }, orderBy: slug_ASC) { slug } }`,
    `{ author(where: { id: "${u.authors[1]}" }, stage: DRAFT) { name } }`,
    `{ author(where: { slug: "${u.slug("a0")}" }, stage: DRAFT) { name posts(where: { slug_in: ${ours} }, orderBy: slug_ASC) { slug } } }`,
  ];
}

/** An edit, applied to one universe. */
type Edit =
  | { kind: "title"; post: number; by: "id" | "slug"; publish: boolean }
  | { kind: "unpublish"; post: number }
  | { kind: "authorName"; author: number; publish: boolean }
  | { kind: "unpublishAuthor"; author: number }
  | { kind: "connectFromPost"; post: number; author: number; publish: boolean }
  | { kind: "connectFromAuthor"; post: number; author: number }
  | { kind: "ghost" }
  | { kind: "delete"; post: number }
  | { kind: "webhook"; post: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("title" as const),
    post: fc.nat(3),
    by: fc.constantFrom("id" as const, "slug" as const),
    publish: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("unpublish" as const), post: fc.nat(3) }),
  fc.record({ kind: fc.constant("authorName" as const), author: fc.nat(1), publish: fc.boolean() }),
  fc.record({ kind: fc.constant("unpublishAuthor" as const), author: fc.nat(1) }),
  fc.record({ kind: fc.constant("connectFromPost" as const), post: fc.nat(3), author: fc.nat(1), publish: fc.boolean() }),
  fc.record({ kind: fc.constant("connectFromAuthor" as const), post: fc.nat(3), author: fc.nat(1) }),
  fc.constant({ kind: "ghost" as const }),
  fc.record({ kind: fc.constant("delete" as const), post: fc.nat(3) }),
  fc.record({ kind: fc.constant("webhook" as const), post: fc.nat(3) }),
);

async function apply(u: Universe, edit: Edit, step: number): Promise<void> {
  const v2 = (query: string) => call(`/v2/${u.projectId}/master`, json({ query }));
  const post = (i: number) => (edit.kind !== "ghost" && "post" in edit ? `{ id: "${u.posts[i]}" }` : "");
  switch (edit.kind) {
    case "title": {
      const where = edit.by === "id" ? post(edit.post) : `{ slug: "${u.slug(`p${edit.post}`)}" }`;
      await v2(`mutation { updatePost(where: ${where}, data: { title: "p${edit.post}-${step}" }) { title } }`);
      if (edit.publish) await v2(`mutation { publishPost(where: ${where}) { title } }`);
      return;
    }
    case "unpublish":
      await v2(`mutation { unpublishPost(where: ${post(edit.post)}) { id } }`);
      return;
    case "authorName":
      await v2(
        `mutation { updateAuthor(where: { slug: "${u.slug(`a${edit.author}`)}" }, data: { name: "a${edit.author}-${step}" }) { name } }`,
      );
      if (edit.publish) await v2(`mutation { publishAuthor(where: { id: "${u.authors[edit.author]}" }) { name } }`);
      return;
    case "unpublishAuthor":
      await v2(`mutation { unpublishAuthor(where: { id: "${u.authors[edit.author]}" }) { id } }`);
      return;
    case "connectFromPost":
      await v2(
        `mutation { updatePost(where: ${post(edit.post)}, data: { author: { connect: { id: "${u.authors[edit.author]}" } } }) { id } }`,
      );
      if (edit.publish) await v2(`mutation { publishPost(where: ${post(edit.post)}) { id } }`);
      return;
    case "connectFromAuthor":
      await v2(
        `mutation { updateAuthor(where: { id: "${u.authors[edit.author]}" }, data: { posts: { connect: [{ id: "${u.posts[edit.post]}" }] } }) { id } }`,
      );
      return;
    case "ghost": {
      const created = await v2(`mutation { createPost(data: { title: "ghost-${step}", slug: "${u.slug("ghost")}" }) { id } }`);
      const id = ((await created.json()) as { data?: { createPost?: { id: string } | null } }).data?.createPost?.id;
      if (id) await v2(`mutation { publishPost(where: { id: "${id}" }) { id } }`);
      return;
    }
    case "delete":
      await v2(`mutation { deletePost(where: ${post(edit.post)}) { id } }`);
      return;
    case "webhook": {
      // Edited at the origin behind the gateway's back, then announced by the origin's webhooks.
      const id = u.posts[edit.post]!;
      await origin(`mutation { updatePost(where: { id: "${id}" }, data: { title: "hook-${step}" }) { id } }`);
      await origin(`mutation { publishPost(where: { id: "${id}" }) { id } }`);
      for (const [operation, stage] of [
        ["update", "DRAFT"],
        ["publish", "PUBLISHED"],
      ] as const) {
        const body = JSON.stringify({ operation, data: { __typename: "Post", id, stage } });
        const signature = await signWebhook({ secret: SECRET, rawBody: body, environment: "master", timestamp: Date.now() });
        const response = await call(`/webhooks/${u.projectId}/master`, {
          method: "POST",
          headers: { "content-type": "application/json", "gcms-signature": signature },
          body,
        });
        expect(response.status).toBe(202);
      }
    }
  }
}

/** Asks every query through the gateway and the origin; returns how many were not served from the cache. */
async function check(u: Universe, label: string): Promise<number> {
  let misses = 0;
  for (const query of queries(u)) {
    const response = await call(`/content/${u.projectId}/master`, json({ query }));
    const body = await response.text();
    const truth = await origin(query);
    expect(body, `${label}: ${query}`).toBe(truth);
    if (response.headers.get("x-cache") !== "HIT") misses++;
  }
  return misses;
}

describe("entry-level invalidation: no stale answer after any sequence of edits, and fewer invalidations than model-level", () => {
  it("holds for random edit sequences", { timeout: 600_000 }, async () => {
    let entryTotal = 0;
    let modelTotal = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 3, maxLength: 7 }), async (edits) => {
        const suffix = uniqueTag("u");
        const entry = await universe("entry", suffix);
        const model = await universe("model", suffix);
        await check(entry, "warm-up");
        await check(model, "warm-up");
        let entryMisses = 0;
        let modelMisses = 0;
        for (const [step, edit] of edits.entries()) {
          await apply(entry, edit, step);
          await apply(model, edit, step);
          const label = `after ${JSON.stringify(edits.slice(0, step + 1))}`;
          entryMisses += await check(entry, label);
          modelMisses += await check(model, label);
        }
        expect(entryMisses).toBeLessThanOrEqual(modelMisses);
        entryTotal += entryMisses;
        modelTotal += modelMisses;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`entry-level invalidations: ${entryTotal}, model-level: ${modelTotal} (${RUNS} runs)`);
    expect(entryTotal).toBeLessThan(modelTotal);
  });
});
