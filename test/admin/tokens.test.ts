import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../src/auth/authenticate";
import { patDigest, patIndexPrefix } from "../../src/auth/pat-store";
import type { ProjectRef } from "../../src/projects/types";
import { ADMIN, configureProject, demoOrigin, demoProject, errorCode, uniqueTag } from "../support/gateway";
import {
  authDeps,
  issueToken,
  listTokens,
  loadProject,
  postToken,
  rejection,
  requestWith,
  revokeToken,
  type IssuedToken,
} from "../support/tokens";

const DRAFT_POSTS = [{ action: "read", model: "Post", stages: ["DRAFT"], locales: "en" }];
const DRAFT_POSTS_NORMALIZED = [{ action: ["read"], model: ["Post"], stages: ["DRAFT"], locales: ["en"] }];

async function project(environment = "master"): Promise<ProjectRef> {
  const ref = { projectId: uniqueTag("tok"), environment };
  await configureProject(ref.projectId, environment, { origin: demoOrigin(uniqueTag()) });
  return ref;
}

async function use(ref: ProjectRef, token: string, now?: () => number) {
  return authenticate(requestWith(`Bearer ${token}`), await loadProject(ref), ref, authDeps(now ? { now } : {}));
}

/** Every KV key and value of the namespace (the test namespace is small). */
async function everyKvEntry(): Promise<[string, string][]> {
  const entries: [string, string][] = [];
  let cursor: string | undefined;
  do {
    const page = await env.CONFIG.list(cursor ? { cursor } : {});
    for (const key of page.keys) entries.push([key.name, (await env.CONFIG.get(key.name)) ?? ""]);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return entries;
}

/** Token keys (index and records) of a project and environment. */
async function writtenFor(ref: ProjectRef): Promise<string[]> {
  const index = await env.CONFIG.list({ prefix: patIndexPrefix(ref) });
  const records = await env.CONFIG.list({ prefix: `pat:${ref.projectId}:${ref.environment}:` });
  return [...index.keys, ...records.keys].map((k) => k.name);
}

describe("admin API: permanent auth tokens", () => {
  it("creates a token shown once (201, no-store), normalizes its rules, and lists it without the secret", async () => {
    const ref = await project();
    const response = await postToken(ref, { name: "preview", permissions: DRAFT_POSTS, defaultStage: "DRAFT" });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const issued = (await response.json()) as IssuedToken;
    expect(issued).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^cep_[A-Za-z0-9_-]{43}$/),
      name: "preview",
      permissions: DRAFT_POSTS_NORMALIZED,
      defaultStage: "DRAFT",
      createdAt: expect.any(String),
    });
    expect(Date.parse(issued.createdAt)).not.toBeNaN();

    const list = await listTokens(ref);
    expect(list.status).toBe(200);
    const text = await list.text();
    const { token, ...listed } = issued;
    expect(JSON.parse(text)).toEqual([listed]);
    expect(text).not.toContain(token);
    expect(text).not.toContain(await patDigest(token));
  });

  it("stores no KV key or value that contains the plaintext token", async () => {
    const ref = await project();
    const issued = await issueToken(ref, { name: "ci", permissions: DRAFT_POSTS, expiresAt: "2099-01-01T00:00:00Z" });
    const secret = issued.token.slice(4);
    const entries = await everyKvEntry();
    for (const [key, value] of entries) {
      expect(key).not.toContain(secret);
      expect(value).not.toContain(secret);
    }
    // …while the record is found under the token's digest.
    const digest = await patDigest(issued.token);
    expect(entries.filter(([key]) => key.endsWith(digest))).toHaveLength(1);
  });

  it("lists several tokens oldest first, and an empty list for a project without tokens", async () => {
    const ref = await project();
    expect(await (await listTokens(ref)).json()).toEqual([]);
    const a = await issueToken(ref, { name: "a", permissions: [] });
    const b = await issueToken(ref, { name: "b", permissions: DRAFT_POSTS });
    const listed = (await (await listTokens(ref)).json()) as { id: string; name: string }[];
    expect(listed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.stringify(listed)).not.toMatch(/cep_/);
  });

  it("authenticates with the issued token, as a PAT with its rules and default stage", async () => {
    const ref = await project();
    const issued = await issueToken(ref, { name: "preview", permissions: DRAFT_POSTS, defaultStage: "DRAFT" });
    expect(await use(ref, issued.token)).toEqual({ kind: "pat", rules: DRAFT_POSTS_NORMALIZED, defaultStage: "DRAFT", tokenId: issued.id });
  });

  it("revokes: 204, refused at once in this isolate (even right after a cached success), gone from the list, 404 the second time", async () => {
    const ref = await project();
    const keep = await issueToken(ref, { name: "keep", permissions: DRAFT_POSTS });
    const issued = await issueToken(ref, { name: "doomed", permissions: DRAFT_POSTS });
    expect((await use(ref, issued.token)).kind).toBe("pat"); // warms the isolate copy
    const response = await revokeToken(ref, issued.id);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const error = await rejection(use(ref, issued.token));
    expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED", reason: "revoked" });
    expect(error.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(JSON.stringify(error)).not.toContain(issued.token);
    const listed = (await (await listTokens(ref)).json()) as { id: string }[];
    expect(listed.map((t) => t.id)).toEqual([keep.id]);
    expect((await use(ref, keep.token)).kind).toBe("pat");
    expect((await revokeToken(ref, issued.id)).status).toBe(404);
  });

  it("expires with the injected clock: valid until expiresAt, then 401 expired", async () => {
    const ref = await project();
    const expiresAt = new Date(Date.now() + 3_600_000);
    const issued = await issueToken(ref, { name: "short", permissions: DRAFT_POSTS, expiresAt: expiresAt.toISOString() });
    expect(issued.expiresAt).toBe(expiresAt.toISOString());
    expect((await use(ref, issued.token, () => expiresAt.getTime() - 1)).kind).toBe("pat");
    expect(await rejection(use(ref, issued.token, () => expiresAt.getTime()))).toMatchObject({ status: 401, reason: "expired" });
    expect(await rejection(use(ref, issued.token, () => expiresAt.getTime() + 86_400_000))).toMatchObject({ reason: "expired" });
    // Still listed (with its expiry) so an operator can see and revoke it.
    expect(await (await listTokens(ref)).json()).toEqual([expect.objectContaining({ id: issued.id, expiresAt: expiresAt.toISOString() })]);
  });

  it("normalizes expiresAt given with an offset to UTC", async () => {
    const ref = await project();
    const issued = await issueToken(ref, { name: "tz", permissions: [], expiresAt: "2099-06-01T12:00:00+02:00" });
    expect(issued.expiresAt).toBe("2099-06-01T10:00:00.000Z");
  });

  it("scopes a token to its project and environment: elsewhere it is unknown", async () => {
    const a = await project();
    const b = await project();
    const preview = { projectId: a.projectId, environment: "preview" };
    await configureProject(preview.projectId, preview.environment, { origin: demoOrigin(uniqueTag()) });
    const issued = await issueToken(a, { name: "a-only", permissions: DRAFT_POSTS });
    expect((await use(a, issued.token)).kind).toBe("pat");
    expect(await rejection(use(b, issued.token))).toMatchObject({ status: 401, reason: "unknown-token" });
    expect(await rejection(use(preview, issued.token))).toMatchObject({ status: 401, reason: "unknown-token" });
    // Nor can another project revoke or list it.
    expect((await revokeToken(b, issued.id)).status).toBe(404);
    expect(await (await listTokens(b)).json()).toEqual([]);
    expect((await use(a, issued.token)).kind).toBe("pat");
  });

  it.each<[string, unknown, string]>([
    ["a missing name", { permissions: DRAFT_POSTS }, "name"],
    ["an empty name", { name: "  ", permissions: DRAFT_POSTS }, "name"],
    ["a name that is not a string", { name: 7, permissions: DRAFT_POSTS }, "name"],
    ["a very long name", { name: "x".repeat(201), permissions: DRAFT_POSTS }, "name"],
    ["missing permissions", { name: "n" }, "permissions"],
    ["permissions that are not a list", { name: "n", permissions: { action: "read" } }, "permissions"],
    ["a rule with an unknown action", { name: "n", permissions: [{ action: "explode", model: "Post" }] }, "permissions[0].action"],
    ["a rule without model", { name: "n", permissions: [{ action: "read" }] }, "permissions[0].model"],
    [
      "a rule with an unknown field",
      { name: "n", permissions: [{ action: "read", model: "Post", stage: "DRAFT" }] },
      "permissions[0].stage",
    ],
    [
      "a second rule with empty stages",
      { name: "n", permissions: [...DRAFT_POSTS, { action: "read", model: "Post", stages: [] }] },
      "permissions[1].stages",
    ],
    ["a defaultStage that is no stage name", { name: "n", permissions: [], defaultStage: "not a stage" }, "defaultStage"],
    ["an expiresAt in the past", { name: "n", permissions: [], expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt"],
    ["an expiresAt that is not a date", { name: "n", permissions: [], expiresAt: "tomorrow" }, "expiresAt"],
    ["an expiresAt without a zone", { name: "n", permissions: [], expiresAt: "2099-01-01T00:00:00" }, "expiresAt"],
    ["an expiresAt as a number", { name: "n", permissions: [], expiresAt: 4_000_000_000_000 }, "expiresAt"],
    ["an unknown field", { name: "n", permissions: [], token: "cep_mine" }, "token"],
    ["a body that is a list", [], "(body)"],
  ])("refuses %s with 400 naming the field, and writes nothing", async (_name, body, field) => {
    const ref = await project();
    const response = await postToken(ref, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(error.errors[0]?.extensions).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await writtenFor(ref)).toEqual([]);
  });

  it("refuses a body that is not JSON with 400", async () => {
    const ref = await project();
    const response = await postToken(ref, "{ nope");
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("BAD_REQUEST");
    expect(await writtenFor(ref)).toEqual([]);
  });

  it("answers 404 for a project that is not configured, on every token route, and writes nothing", async () => {
    const ref = { projectId: uniqueTag("none"), environment: "master" };
    const created = await postToken(ref, { name: "n", permissions: [] });
    expect(created.status).toBe(404);
    expect(await errorCode(created)).toBe("NOT_FOUND");
    expect((await listTokens(ref)).status).toBe(404);
    expect((await revokeToken(ref, "whatever")).status).toBe(404);
    expect(await writtenFor(ref)).toEqual([]);
  });

  it("answers 404 for an unknown token id", async () => {
    const ref = await project();
    expect((await revokeToken(ref, crypto.randomUUID())).status).toBe(404);
  });

  it.each([
    ["no Authorization", {}],
    ["a wrong admin token", { authorization: "Bearer not-the-admin-token" }],
    ["a PAT instead of the admin token", { authorization: `Bearer cep_${"A".repeat(43)}` }],
  ])("refuses %s with 401 on every token route", async (_name, headers) => {
    const ref = await project();
    const issued = await issueToken(ref, { name: "n", permissions: [] });
    for (const response of [
      await postToken(ref, { name: "m", permissions: [] }, headers),
      await listTokens(ref, headers),
      await revokeToken(ref, issued.id, headers),
    ]) {
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe("UNAUTHENTICATED");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    }
    // Nothing was created or revoked.
    expect(await (await listTokens(ref)).json()).toEqual([expect.objectContaining({ id: issued.id })]);
    expect((await use(ref, issued.token)).kind).toBe("pat");
  });

  it("accepts a PAT issued as admin, but a PAT never opens the admin API", async () => {
    const ref = await project();
    const issued = await issueToken(ref, { name: "n", permissions: [{ action: "*", model: "*" }] });
    expect((await listTokens(ref, { authorization: `Bearer ${issued.token}` })).status).toBe(401);
    expect((await listTokens(ref, ADMIN)).status).toBe(200);
  });
});

describe("token rules are checked against the origin's schema", () => {
  it.each([
    ["an unknown model", { permissions: [{ action: "read", model: "Postt" }] }, "permissions[0].model[0]"],
    ["an unknown stage", { permissions: [{ action: "read", model: "*", stages: ["LIVE"] }] }, "permissions[0].stages[0]"],
    ["an unknown locale", { permissions: [{ action: "read", model: "*", locales: ["fr"] }] }, "permissions[0].locales[0]"],
    ["an unknown default stage", { permissions: [{ action: "read", model: "*" }], defaultStage: "LIVE" }, "defaultStage"],
  ])("refuses %s with 400 naming the field and issues nothing", async (_name, body, field) => {
    const { projectId } = await demoProject();
    const ref = { projectId, environment: "master" };
    const response = await postToken(ref, { name: "checked", ...body });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(error.errors[0]?.extensions).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await (await listTokens(ref)).json()).toEqual([]);
  });

  it("issues a token whose rules could not be checked, with rulesUnchecked saying why (the origin's host does not resolve)", async () => {
    const ref = { projectId: uniqueTag("tok"), environment: "master" };
    await configureProject(ref.projectId, ref.environment, { origin: "https://no-such-host.invalid/graphql" });
    const response = await postToken(ref, { name: "unchecked", permissions: DRAFT_POSTS });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-rules-unchecked")).toBe("origin-schema-unavailable");
    expect(await response.json()).toMatchObject({ name: "unchecked", rulesUnchecked: { code: "ORIGIN_ERROR", reason: "dns" } });
  });
});
