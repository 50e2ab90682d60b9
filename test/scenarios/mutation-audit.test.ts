import { env } from "cloudflare:workers";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/audit/event";
import { schemaKey } from "../../src/schema/store";
import { auditEvents, fetchAndSettle, projectLog } from "../support/audit-api";
import { configureProject, demoOrigin, demoProject, originRequests, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";
import { issueToken, jwksUrl, putJwks } from "../support/tokens";

/**
 * Every `/v2` mutation is audited (SPEC §5a): who (a content token by id, a JWT by iss/sub/azp, the
 * public), which operation (name, root fields, models, actions), and how it ended (outcome and the
 * origin's status) — refused ones included, folded into one event a minute per kind so a stranger
 * cannot grow the log.
 */

const WRITE_POSTS = [{ action: ["create", "read"], model: "Post", stages: "*", locales: "*" }];
const mutations = (projectId: string) => auditEvents(projectLog(projectId), "action=mutation");

/** A demo project and a content token that may create and read posts. */
async function writer(config: Record<string, unknown> = {}) {
  const project = await demoProject(config);
  const pat = await issueToken({ projectId: project.projectId, environment: "master" }, { name: "writer", permissions: WRITE_POSTS });
  return { ...project, pat, auth: { authorization: `Bearer ${pat.token}` } };
}

/** A `/v2` POST through the Worker that returns once its background work (the refusal's record) is done. */
const settledV2 = (path: string, body: unknown, headers: Record<string, string>) =>
  fetchAndSettle(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  });

describe("a mutation by a content token", () => {
  it.each<[string, (tag: string) => string, string | null, string[]]>([
    [
      "a named operation",
      (tag) => `mutation CreateOne { createPost(data: { title: "a", slug: "a-${tag}" }) { id } }`,
      "CreateOne",
      ["createPost"],
    ],
    [
      "an anonymous operation with two root fields",
      (tag) =>
        `mutation { one: createPost(data: { title: "b", slug: "b-${tag}" }) { id } two: createPost(data: { title: "c", slug: "c-${tag}" }) { id } }`,
      null,
      ["createPost"],
    ],
  ])("%s: one event naming the token, the operation and the origin's 200", async (_label, query, operationName, rootFields) => {
    const project = await writer();
    const response = await postQuery(project.v2, { query: query(project.tag) }, project.auth);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const events = await mutations(project.projectId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { kind: "token", id: project.pat.id },
      action: "mutation",
      outcome: "ok",
      details: { operationName, rootFields, models: ["Post"], actions: ["create"], originStatus: 200, result: "ok" },
    });
    expect(events[0]!.actor).toEqual({ kind: "token", id: project.pat.id });
    expect(events[0]!.target).toBe(operationName ?? undefined);
    expect(JSON.stringify(events)).not.toContain(project.pat.token);
  });

  it("each mutation of a batch is its own event, and a query is none", async () => {
    const project = await writer();
    expect((await postQuery(project.v2, { query: "{ posts(first: 1) { id } }" }, project.auth)).status).toBe(200);
    // Batching is off in the test environment (MAX_BATCH unset): on for this request.
    const batch = await fetchAndSettle(
      project.v2,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...project.auth },
        body: JSON.stringify([
          { query: `mutation First { createPost(data: { title: "d", slug: "d-${project.tag}" }) { id } }` },
          { query: `mutation Second { createPost(data: { title: "e", slug: "e-${project.tag}" }) { id } }` },
        ]),
      },
      { MAX_BATCH: "2" },
    );
    expect(batch.status).toBe(200);
    const events = await mutations(project.projectId);
    expect(events.map((e) => [e.target, e.outcome]).sort()).toEqual([
      ["First", "ok"],
      ["Second", "ok"],
    ]);
  });

  it("an origin that answers with GraphQL errors (a duplicate slug): outcome error, result partial, status 200", async () => {
    const project = await writer();
    const query = `mutation Twice { createPost(data: { title: "f", slug: "f-${project.tag}" }) { id } }`;
    expect((await postQuery(project.v2, { query }, project.auth)).status).toBe(200);
    const again = await postQuery(project.v2, { query }, project.auth);
    expect(((await again.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    const events = await mutations(project.projectId);
    expect(events.map((e) => [e.outcome, e.details["result"], e.details["originStatus"]])).toEqual([
      ["ok", "ok", 200],
      ["error", "partial", 200],
    ]);
  });
});

describe("a mutation by a JWT user", () => {
  const ISSUER = "https://login.example/";
  let privateKey: CryptoKey;
  let jwks = "";
  beforeAll(async () => {
    const pair = await generateKeyPair("ES256", { extractable: true });
    privateKey = pair.privateKey;
    const name = uniqueTag("jwks");
    await putJwks(name, { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }] });
    jwks = jwksUrl(name);
  });
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: ISSUER, aud: "content-edge", roles: ["editor"], exp: Math.floor(Date.now() / 1000) + 600, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .sign(privateKey);
  const jwtProject = () =>
    demoProject({
      jwt: { jwksUrl: jwks, issuer: ISSUER, audience: "content-edge", rolesClaim: "roles", algorithms: ["ES256"] },
      roles: { editor: WRITE_POSTS },
    });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["with azp", { sub: "editor-42", azp: "reporting-app" }, { kind: "jwt", iss: ISSUER, sub: "editor-42", azp: "reporting-app" }],
    ["without azp", { sub: "editor-43" }, { kind: "jwt", iss: ISSUER, sub: "editor-43" }],
  ])("%s: the actor is the JWT's iss, sub and azp, and the origin saw gcms-user-id = sub", async (_label, claims, actor) => {
    const project = await jwtProject();
    const token = await sign(claims);
    const response = await postQuery(
      project.v2,
      { query: `mutation ByJwt { createPost(data: { title: "j", slug: "j-${project.tag}" }) { id } }` },
      { authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(200);
    const [reached] = await originRequests(project.tag);
    expect(reached?.headers["gcms-user-id"]).toBe(claims["sub"]);
    const events = await mutations(project.projectId);
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toEqual(actor);
    expect(events[0]).toMatchObject({
      target: "ByJwt",
      outcome: "ok",
      details: { rootFields: ["createPost"], models: ["Post"], originStatus: 200 },
    });
    expect(JSON.stringify(events)).not.toContain(token);
  });
});

describe("a refused mutation is recorded, by whom it is known to be", () => {
  const CREATE = (tag: string) => ({ query: `mutation Sneaky { createPost(data: { title: "r", slug: "r-${tag}" }) { id } }` });

  it.each<[string, (ref: { projectId: string; environment: string }) => Promise<Record<string, string>>, number, string, string | null]>([
    [
      "a content token without the write permission",
      async (ref) => ({ authorization: `Bearer ${(await issueToken(ref, { name: "reader", permissions: PUBLIC_READ })).token}` }),
      403,
      "FORBIDDEN",
      "token",
    ],
    ["no token, and the public may not write", async () => ({}), 403, "FORBIDDEN", null],
    ["a token that is no token", async () => ({ authorization: "Bearer cep_not-a-real-token" }), 401, "UNAUTHENTICATED", null],
  ])("%s: refused with the code, by the actor known, and nothing reached the origin", async (_label, headers, status, code, kind) => {
    const project = await demoProject();
    const ref = { projectId: project.projectId, environment: "master" };
    const h = await headers(ref);
    const response = await settledV2(project.v2, CREATE(project.tag), h);
    expect(response.status).toBe(status);
    expect(await originRequests(project.tag)).toEqual([]);
    const events = await mutations(project.projectId);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      target: "Sneaky",
      outcome: "refused",
      details: { operationName: "Sneaky", rootFields: ["createPost"], result: "refused", code },
    });
    expect(event.details["reason"]).toEqual(expect.any(String));
    if (kind === "token") expect(event.actor).toEqual({ kind: "token", id: expect.any(String) });
    else expect(event.actor).toEqual({ kind: "public" });
    // Only an unauthenticated request says so (a public request is a principal of its own).
    expect(event.details["authenticated"]).toBe(status === 401 ? false : undefined);
    const authorization = h["authorization"];
    if (authorization) expect(JSON.stringify(event)).not.toContain(authorization.slice("Bearer ".length));
  });

  it("a JWT whose signature does not verify is the public actor, never its claims", async () => {
    const project = await demoProject();
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ iss: "https://login.example/", sub: "mallory", azp: "evil-app" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .sign(privateKey);
    const response = await settledV2(project.v2, CREATE(project.tag), { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    const events = await mutations(project.projectId);
    expect(events.map((e) => [e.actor, e.outcome, e.details["authenticated"]])).toEqual([[{ kind: "public" }, "refused", false]]);
    expect(JSON.stringify(events)).not.toMatch(/mallory|evil-app/);
  });

  it("twenty refusals in a row are one or two events, and another kind of refusal still has its own", async () => {
    const project = await demoProject();
    const ref = { projectId: project.projectId, environment: "master" };
    for (let i = 0; i < 20; i++) {
      const response = await settledV2(project.v2, CREATE(project.tag), { authorization: `Bearer cep_attempt-${i}` });
      expect(response.status).toBe(401);
    }
    const unauthenticated = await mutations(project.projectId);
    expect(unauthenticated.length).toBeGreaterThanOrEqual(1);
    expect(unauthenticated.length).toBeLessThanOrEqual(2);
    expect(unauthenticated.every((e) => e.outcome === "refused" && e.details["code"] === "UNAUTHENTICATED")).toBe(true);
    // A refusal of another kind (a known token without the permission) is not folded into those.
    const reader = await issueToken(ref, { name: "reader", permissions: PUBLIC_READ });
    expect((await settledV2(project.v2, CREATE(project.tag), { authorization: `Bearer ${reader.token}` })).status).toBe(403);
    const all = await mutations(project.projectId);
    expect(all.filter((e) => e.details["code"] === "FORBIDDEN").map((e) => e.actor)).toEqual([{ kind: "token", id: reader.id }]);
  });
});

describe("an origin that fails a mutation: outcome error with the origin's status", () => {
  /** A writer whose project learned the schema from the healthy origin, then is pointed at a failing one. */
  async function failingWriter(fault: string) {
    const project = await writer();
    const ref = { projectId: project.projectId, environment: "master" };
    const learned = (await env.CONFIG.get<{ origin: string }>(schemaKey(ref), "json"))!;
    const failing = demoOrigin(project.tag, fault);
    await env.CONFIG.put(schemaKey(ref), JSON.stringify({ ...learned, origin: failing }));
    await configureProject(project.projectId, "master", { origin: failing, publicPermissions: PUBLIC_READ });
    return project;
  }

  it.each<[string, number, string, number | null]>([
    ["__status/500/", 502, "ORIGIN_ERROR", 500],
    ["__body/html/", 502, "ORIGIN_ERROR", 200],
    ["__delay/3000/", 504, "ORIGIN_TIMEOUT", null],
  ])("%s: %i", async (fault, status, code, originStatus) => {
    const project = await failingWriter(fault);
    const response = await postQuery(
      project.v2,
      { query: `mutation Fails { createPost(data: { title: "o", slug: "o-${project.tag}" }) { id } }` },
      project.auth,
    );
    expect(response.status).toBe(status);
    const events: AuditEvent[] = await mutations(project.projectId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { kind: "token", id: project.pat.id },
      target: "Fails",
      outcome: "error",
      details: { result: "origin-failed", code, originStatus, models: ["Post"], actions: ["create"] },
    });
  });
});
