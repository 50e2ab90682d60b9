import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { onGatewayError } from "../../src/app";
import { ForwardGuardError } from "../../src/errors";
import { guardForwarded, type ForwardGuardInput } from "../../src/permissions/forward-guard";
import { graphqlEndpoint, type GatewayEnv } from "../../src/pipeline/graphql-endpoint";
import { demoProject, originRequests, postQuery } from "../support/gateway";
import { issueToken } from "../support/tokens";

/**
 * A `/v2` write that reached the origin (issue 19, finding 2): whatever fails after it, its
 * caches are invalidated, and the client is told the write was applied — never "nothing was
 * sent", which invites a retry that writes twice.
 */
const A1 = "clauth0000000000000000001";
type ErrorBody = { errors: { extensions: Record<string, unknown> }[] };

/** The issue's caller: read and update Post; read Author only under a condition (checked entry by entry). */
async function editor() {
  const project = await demoProject();
  const ref = { projectId: project.projectId, environment: "master" };
  const { token } = await issueToken(ref, {
    name: "editor",
    permissions: [
      { action: ["read", "update"], model: "Post", stages: "*", locales: "*" },
      { action: "read", model: "Author", stages: "*", locales: "*", condition: { id: A1 } },
    ],
  });
  const setup = await issueToken(ref, {
    name: "setup",
    permissions: [{ action: ["create", "read"], model: "*", stages: "*", locales: "*" }],
  });
  // A post of its own by A1 (the demo origin's data is shared between tests).
  const created = await postQuery(
    project.v2,
    { query: `mutation { createPost(data: { title: "Old", slug: "w-${project.tag}", author: { connect: { id: "${A1}" } } }) { id } }` },
    { authorization: `Bearer ${setup.token}` },
  );
  const id = ((await created.json()) as { data: { createPost: { id: string } } }).data.createPost.id;
  const auth = { authorization: `Bearer ${token}` };
  const read = async () => {
    const response = await postQuery(project.content, { query: `{ post(where: { id: "${id}" }, stage: DRAFT) { title } }` }, auth);
    return { cache: response.headers.get("x-cache"), body: await response.json() };
  };
  // Warm /content: the second read is a HIT of the old title.
  await read();
  expect(await read()).toEqual({ cache: "HIT", body: { data: { post: { title: "Old" } } } });
  const update = { query: `mutation { updatePost(where: { id: "${id}" }, data: { title: "X" }) { id author { name } } }` };
  return { ...project, id, auth, read, update };
}

/** The real `/v2` endpoint on the real bindings, its forward guard replaced by `guard`. */
async function callV2With(guard: (input: ForwardGuardInput) => void, path: string, body: unknown, headers: Record<string, string>) {
  const app = new Hono<GatewayEnv>().all("/v2/:projectId/:environment", graphqlEndpoint("v2", { guard }));
  app.onError(onGatewayError);
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://gateway.test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** A forward guard that lets the first `passing` requests through (checked for real) and refuses the rest. */
function guardRefusingAfter(passing: number) {
  let seen = 0;
  return (input: ForwardGuardInput) => {
    if (seen++ >= passing) throw new ForwardGuardError("The gateway refused to send a request it had not authorised (test).");
    guardForwarded(input);
  };
}

const sentMutations = async (tag: string) => (await originRequests(tag)).filter((r) => r.body.includes("updatePost"));
const sentChecks = async (tag: string) => (await originRequests(tag)).filter((r) => r.body.includes("g0: authors"));

describe("a /v2 write whose answer needs an entry check", () => {
  it("the issue's reproduction: answered with the checked author, and /content misses with the new title", async () => {
    const { tag, v2, auth, read, update } = await editor();
    const response = await postQuery(v2, update, auth);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { updatePost: { author: { name: "Ada Lovelace" } } } });
    expect(await sentMutations(tag)).toHaveLength(1);
    expect(await sentChecks(tag)).toHaveLength(1);
    expect(await read()).toEqual({ cache: "MISS", body: { data: { post: { title: "X" } } } });
  });

  it("a broken second step: the write is reported applied, not retried, and its caches are invalidated", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { tag, v2, auth, read, update } = await editor();
    const response = await callV2With(guardRefusingAfter(1), v2, update, auth);
    log.mockRestore();
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors[0]?.extensions).toEqual({ code: "WRITE_APPLIED_ANSWER_UNCHECKED", cause: "INTERNAL_GUARD_REJECTED" });
    expect(body).not.toHaveProperty("data");
    // The write reached the origin; the entry check never did.
    expect(await sentMutations(tag)).toHaveLength(1);
    expect(await sentChecks(tag)).toHaveLength(0);
    expect(await read()).toEqual({ cache: "MISS", body: { data: { post: { title: "X" } } } });
  });

  it("a guard refusal before the write still says nothing was sent, and invalidates nothing", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { tag, v2, auth, read, update } = await editor();
    const response = await callV2With(guardRefusingAfter(0), v2, update, auth);
    log.mockRestore();
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors[0]?.extensions).toEqual({ code: "INTERNAL_GUARD_REJECTED" });
    expect(await sentMutations(tag)).toHaveLength(0);
    expect(await read()).toEqual({ cache: "HIT", body: { data: { post: { title: "Old" } } } });
  });
});
