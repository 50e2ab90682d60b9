import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { schemaKey } from "../../src/schema/store";
import { configureProject, demoOrigin, demoProject, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";

/**
 * An origin failure names its cause in `extensions.reason` (issue 20): a newcomer whose origin URL
 * has a typo, a wrong port or a wrong path reads `dns`, `connect`, `tls`, `http-status`,
 * `invalid-json` or `not-graphql`, not `{"reason":"Error"}`. Each cause is produced for real:
 * a `.invalid` host (no name resolves there), a closed port, a port speaking plain HTTP to an
 * `https:` URL (test/vitest.gateway.config.ts opens it), and the demo origin's injected faults.
 */
const TOKEN = "hygraph-permanent-auth-token-not-to-be-shown";
const PORT = inject("plainHttpPort");

const UNREACHABLE = [
  ["dns", "https://no-such-host.invalid/v2/x/master"],
  ["connect", "http://127.0.0.1:1/graphql"],
  ["tls", `https://127.0.0.1:${PORT}/graphql`],
] as const;

const ANSWERED = [
  ["http-status", "__status/500/", 502, 500],
  ["http-status", "__status/302/", 502, 302],
  ["invalid-json", "__body/html/", 502, 200],
  ["not-graphql", "__body/json/", 502, 200],
  ["timeout", "__delay/3000/", 504, undefined],
] as const;

interface ErrorBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/** A project whose schema was learned from the healthy demo origin, then pointed at `origin` (as when an origin fails later). */
async function learnedThenPointedAt(origin: (tag: string) => string) {
  const project = await demoProject({ originToken: TOKEN });
  expect((await postQuery(project.content, { query: "{ __typename }" })).status).toBe(200);
  const ref = { projectId: project.projectId, environment: "master" };
  const learned = (await env.CONFIG.get<{ origin: string }>(schemaKey(ref), "json"))!;
  const failing = origin(project.tag);
  await env.CONFIG.put(schemaKey(ref), JSON.stringify({ ...learned, origin: failing }));
  await configureProject(project.projectId, "master", { origin: failing, originToken: TOKEN, publicPermissions: PUBLIC_READ });
  return project;
}

async function failure(response: Response, status: number) {
  expect(response.status).toBe(status);
  const text = await response.text();
  // Neither the origin's credential nor its URL, nor the runtime's own words or a stack.
  expect(text).not.toContain(TOKEN);
  expect(text).not.toMatch(/127\.0\.0\.1|no-such-host|demo-origin|internal error|reference =|at .*\.(ts|js):\d+/);
  return (JSON.parse(text) as ErrorBody).errors[0]!;
}

describe("an origin that cannot be reached: 502 ORIGIN_ERROR names why", () => {
  it.each(UNREACHABLE)("%s (%s), while learning the schema", async (reason, origin) => {
    const projectId = `p-${uniqueTag()}`;
    await configureProject(projectId, "master", { origin, originToken: TOKEN, publicPermissions: PUBLIC_READ });
    const error = await failure(await postQuery(`/content/${projectId}/master`, { query: "{ __typename }" }), 502);
    expect(error.extensions).toEqual({ code: "ORIGIN_ERROR", reason });
  });

  it.each(UNREACHABLE)("%s (%s), on a query once the schema is known", async (reason, origin) => {
    const { content } = await learnedThenPointedAt(() => origin);
    const started = Date.now();
    const error = await failure(await postQuery(content, { query: "{ posts(first: 1) { title } }" }), 502);
    expect(error.extensions).toEqual({ code: "ORIGIN_ERROR", reason });
    expect(Date.now() - started).toBeLessThan(1_500); // within ORIGIN_TIMEOUT_MS (1 s here), probe included
  });
});

describe("an origin that answers wrongly: its status and the cause", () => {
  it.each(ANSWERED)("%s (%s): %i", async (reason, fault, status, originStatus) => {
    const { content } = await learnedThenPointedAt((tag) => demoOrigin(tag, fault));
    const error = await failure(await postQuery(content, { query: "{ posts(first: 1) { title } }" }), status);
    expect(error.extensions).toMatchObject({ code: status === 504 ? "ORIGIN_TIMEOUT" : "ORIGIN_ERROR", reason });
    expect(error.extensions["originStatus"]).toBe(originStatus);
  });

  it("an introspection the origin refuses (a wrong token: 401) is http-status with that status", async () => {
    const { content } = await demoProject({}, "__status/401/");
    const error = await failure(await postQuery(content, { query: "{ __typename }" }), 502);
    expect(error.extensions).toEqual({ code: "ORIGIN_ERROR", reason: "http-status", originStatus: 401 });
  });
});
