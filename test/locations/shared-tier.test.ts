import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { ADMIN_TOKEN, startLocations, WEBHOOK_SECRET, type Locations } from "./harness";

/**
 * The shared answer tier (SPEC §3c, docs/shared-tier.md) across three locations, each its own
 * isolate and Cache API, all asking the same `AnswerTier` objects: a miss at one location is
 * answered from the tier at the others, and after a publish made at a, no location serves the
 * tier's older answer once the 2 s bound has passed.
 */
const BOUND_MS = 2_000;
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };

let world: Locations;

beforeAll(async () => {
  world = await startLocations({ kvDelayMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await world?.dispose();
});

async function query(location: string, path: string, q: string) {
  const response = await world.fetch(location, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: q }),
  });
  return {
    status: response.status,
    cache: response.headers.get("x-cache"),
    tier: response.headers.get("x-cache-tier"),
    body: await response.text(),
  };
}

/** A project configured at a, once b and c know it too (through the authority: their KV lags 60 s). */
async function project() {
  const projectId = `tier-${crypto.randomUUID().slice(0, 8)}`;
  const content = `/content/${projectId}/master`;
  const response = await world.fetch("a", `/admin/projects/${projectId}/master`, {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify({
      origin: "https://demo-origin.internal/graphql",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
      webhookSecret: WEBHOOK_SECRET,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  for (const location of ["b", "c"]) {
    const started = Date.now();
    while ((await query(location, content, "{ __typename }")).status === 404) {
      if (Date.now() - started > 15_000) throw new Error(`${location} does not know ${projectId}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { projectId, content };
}

async function publishedPost(slug: string, title: string): Promise<string> {
  const created = (await world.origin(`mutation { createPost(data: { title: "${title}", slug: "${slug}" }) { id } }`)) as {
    data: { createPost: { id: string } };
  };
  const id = created.data.createPost.id;
  await world.origin(`mutation { publishPost(where: { id: "${id}" }) { id } }`);
  return id;
}

/**
 * a's answer reaches the tier in the background (`waitUntil`, one local Durable Object call, a few
 * ms): give it time before another location asks, so that location is not the one that misses.
 */
function settled(): Promise<void> {
  return new Promise((r) => setTimeout(r, 500));
}

function signature(body: string): string {
  const t = Date.now();
  const message = JSON.stringify({ Body: body, EnvironmentName: "master", TimeStamp: t });
  return `sign=${createHmac("sha256", WEBHOOK_SECRET).update(message).digest("base64")}, env=master, t=${t}`;
}

describe("shared tier across locations", () => {
  it("a miss at a is answered from the tier at b and c (their own caches are empty): one origin request for three locations", async () => {
    const { content } = await project();
    const q = `{ posts(first: 2, orderBy: title_ASC) { title } }`;
    const first = await query("a", content, q);
    expect([first.cache, first.tier]).toEqual(["MISS", "MISS"]);
    await settled();
    const b = await query("b", content, q);
    expect([b.cache, b.tier, b.body]).toEqual(["HIT", "HIT", first.body]);
    const c = await query("c", content, q);
    expect([c.cache, c.tier, c.body]).toEqual(["HIT", "HIT", first.body]);
  });

  it("after a publish at a, neither b nor c serves the tier's older answer once the bound has passed", async () => {
    const { projectId, content } = await project();
    const slug = `tier-${crypto.randomUUID().slice(0, 8)}`;
    const id = await publishedPost(slug, "Old");
    const q = `{ post(where: { slug: "${slug}" }) { title } }`;
    // a and b hold "Old" (b from the tier); c has never asked: the tier's "Old" is all it could find.
    expect((await query("a", content, q)).body).toContain("Old");
    await settled();
    const b = await query("b", content, q);
    expect([b.tier, b.body.includes("Old")]).toEqual(["HIT", true]);

    await world.origin(`mutation { updatePost(where: { id: "${id}" }, data: { title: "New" }) { id } }`);
    await world.origin(`mutation { publishPost(where: { id: "${id}" }) { id } }`);
    const started = performance.now();
    const body = JSON.stringify({ operation: "publish", data: { __typename: "Post", id, stage: "PUBLISHED" } });
    const hook = await world.fetch("a", `/webhooks/${projectId}/master`, {
      method: "POST",
      headers: { "content-type": "application/json", "gcms-signature": signature(body) },
      body,
    });
    expect(hook.status).toBe(202);
    // Past the bound, every answer at b and c is the new one (whether from the origin or the tier).
    while (performance.now() - started < BOUND_MS) await new Promise((r) => setTimeout(r, 50));
    for (let round = 0; round < 5; round++) {
      for (const location of ["b", "c"]) {
        const answer = await query(location, content, q);
        expect([location, answer.body.includes("New")]).toEqual([location, true]);
      }
    }
  });
});
