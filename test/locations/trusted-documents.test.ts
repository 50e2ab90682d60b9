import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startLocations, timeToConverge, type Locations } from "./harness";

/**
 * The trusted documents' bound (SPEC §3c, docs/trusted-documents.md), simulated as the other
 * authority bounds are (convergence.test.ts, revocations.test.ts): three locations (a, b, c),
 * Workers KV delayed by 60 s between them. A document uploaded at a must be accepted by every
 * location within 2 s, and refused everywhere within the same bound once deleted. Each change is
 * measured from its start until the last location answers the new way (polled every 25 ms); the
 * median and maximum are printed.
 */
const BOUND_MS = 2_000;
const ROUNDS = 3;
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };

let world: Locations;
const measured: Record<string, number[]> = {};

beforeAll(async () => {
  world = await startLocations({ kvDelayMs: 60_000 });
}, 120_000);

afterAll(async () => {
  const summary = Object.fromEntries(
    Object.entries(measured).map(([name, runs]) => {
      const sorted = [...runs].sort((x, y) => x - y);
      return [name, { runs: sorted.length, medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted.at(-1) }];
    }),
  );
  console.log(`Trusted documents (ms, change at a → every location): ${JSON.stringify(summary)}`);
  await world?.dispose();
});

/** An anonymous request for `query` at `location`: its status. */
async function status(location: string, content: string, query: string): Promise<number> {
  const response = await world.fetch(location, content, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** {@link timeToConverge} at a, keeping every run's time. */
async function convergence(name: string, change: () => Promise<void>, done: (location: string) => Promise<boolean>): Promise<number> {
  const last = await timeToConverge(world, name, change, done);
  (measured[name] ??= []).push(Math.round(last));
  return last;
}

describe('trustedDocuments "public": a change at one location holds everywhere within 2 s (KV delayed by 60 s)', () => {
  it("an uploaded document is served at a, b and c within the bound; deleted, refused within it", async () => {
    const projectId = `td-${crypto.randomUUID().slice(0, 8)}`;
    const base = `/admin/projects/${projectId}/master`;
    const configured = await world.fetch("a", base, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({
        origin: "https://demo-origin.internal/graphql",
        publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
        trustedDocuments: "public",
      }),
    });
    expect(configured.status, await configured.clone().text()).toBe(200);
    const content = `/content/${projectId}/master`;
    const probe = "{ posts(first: 1) { title } } # probe";
    // Every location serves the project (and refuses what is not trusted) before the rounds start.
    const started = performance.now();
    for (const location of world.names)
      while ((await status(location, content, probe)) !== 403) {
        expect(performance.now() - started, `${location} never enforced the mode`).toBeLessThan(10_000);
        await new Promise((r) => setTimeout(r, 50));
      }

    for (let round = 0; round < ROUNDS; round++) {
      const query = `{ posts(first: 1) { title } } # round ${round}`;
      const sha256 = createHash("sha256").update(query).digest("hex");
      for (const location of world.names) expect([location, await status(location, content, query)]).toEqual([location, 403]);
      const added = await convergence(
        "uploaded",
        async () => {
          const response = await world.fetch("a", `${base}/documents`, {
            method: "PUT",
            headers: ADMIN,
            body: JSON.stringify({ documents: [{ sha256, query }] }),
          });
          expect(response.status, await response.clone().text()).toBe(200);
        },
        async (location) => (await status(location, content, query)) === 200,
      );
      expect(added).toBeLessThanOrEqual(BOUND_MS);
      const removed = await convergence(
        "deleted",
        async () => {
          const response = await world.fetch("a", `${base}/documents/${sha256}`, { method: "DELETE", headers: ADMIN });
          expect(response.status).toBe(204);
        },
        async (location) => (await status(location, content, query)) === 403,
      );
      expect(removed).toBeLessThanOrEqual(BOUND_MS);
    }
  });
});
