import { beforeAll, describe, expect, it } from "vitest";
import { MAX_JWT_REVOCATIONS } from "../../src/authority/revocations";
import { ADMIN, gateway, postQuery, uniqueTag } from "../support/gateway";
import { errorExtensions } from "../support/cache";
import { identityProvider, jwtProject } from "../support/jwt-project";

/**
 * Revocations of third-party JWTs through the real admin routes and the real pipeline (SPEC §5a):
 * tokens signed by a test identity provider whose JWKS the demo origin serves. A revocation is an
 * event at the project's authority, merged into this location's view at once, so the very next
 * request here is refused; other locations are measured in test/locations/revocations.test.ts.
 */

let idp: Awaited<ReturnType<typeof identityProvider>>;

beforeAll(async () => {
  idp = await identityProvider();
});

interface Revocation {
  id: string;
  kind: string;
  value: string;
  createdAt: string;
}

/** A JWT request's status and (when refused) its code and reason. */
async function ask(content: string, token: string) {
  const response = await postQuery(content, { query: "{ posts(stage: DRAFT, first: 1) { stage } }" }, { authorization: `Bearer ${token}` });
  if (response.status === 200) return { status: 200 };
  const extensions = await errorExtensions(response);
  return { status: response.status, code: extensions?.["code"], reason: extensions?.["reason"] };
}

async function created(response: Response): Promise<Revocation> {
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Revocation;
}

describe("POST …/revocations: what is accepted", () => {
  const now = Date.now();
  it.each<[string, string, unknown]>([
    ["an unknown member", "reason", { app: "a", reason: "leak" }],
    ["an unknown member alone", "user", { user: "u" }],
    ["two kinds at once", "(body)", { app: "a", subject: "u" }],
    ["no kind", "(body)", {}],
    ["a list", "(body)", [{ app: "a" }]],
    ["a number as app", "app", { app: 42 }],
    ["an empty app", "app", { app: "" }],
    ["an app of 513 characters", "app", { app: "a".repeat(513) }],
    ["a control character in an app", "app", { app: "a\nb" }],
    ["a subject outside printable ASCII", "subject", { subject: "ü" }],
    ["an issuedBefore that is no time", "issuedBefore", { issuedBefore: "yesterday" }],
    ["an issuedBefore without a zone", "issuedBefore", { issuedBefore: "2030-01-01T00:00:00" }],
    ["an issuedBefore an hour ahead", "issuedBefore", { issuedBefore: new Date(now + 3_600_000).toISOString() }],
  ])("refuses %s: 400 INVALID_CONFIG naming %s", async (_name, field, body) => {
    const project = await jwtProject(idp);
    const response = await project.revoke(body);
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await (await project.revocations()).json()).toEqual({ revocations: [] });
  });

  it("answers 201 with id, kind, value and an ISO time, normalizes issuedBefore, and lists them oldest first", async () => {
    const project = await jwtProject(idp);
    const app = await created(await project.revoke({ app: "mobile" }));
    expect(app).toEqual({ id: expect.any(String), kind: "app", value: "mobile", createdAt: expect.any(String) });
    expect(Math.abs(Date.parse(app.createdAt) - Date.now())).toBeLessThan(60_000);
    const cut = await created(await project.revoke({ issuedBefore: "2020-01-01T01:00:00+01:00" }));
    expect(cut).toMatchObject({ kind: "issuedBefore", value: "2020-01-01T00:00:00.000Z" });
    const listed = await project.revocations();
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ revocations: [app, cut] });
  });

  it("a repeated revocation answers the existing one (200), not a copy", async () => {
    const project = await jwtProject(idp);
    const first = await created(await project.revoke({ subject: "user-9" }));
    const again = await project.revoke({ subject: "user-9" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(((await (await project.revocations()).json()) as { revocations: unknown[] }).revocations).toHaveLength(1);
  });

  it(`keeps at most ${MAX_JWT_REVOCATIONS} per project: the next is 400 LIMIT_EXCEEDED`, async () => {
    const project = await jwtProject(idp);
    for (let i = 0; i < MAX_JWT_REVOCATIONS; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => project.revoke({ subject: `s-${i + j}` })));
      expect(batch.map((r) => r.status)).toEqual(batch.map(() => 201));
    }
    const over = await project.revoke({ app: "one-more" });
    expect(over.status).toBe(400);
    expect(await errorExtensions(over)).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "revocations", max: MAX_JWT_REVOCATIONS });
  }, 60_000);

  it.each([
    ["POST", "/revocations", JSON.stringify({ app: "a" })],
    ["GET", "/revocations", undefined],
    ["DELETE", "/revocations/some-id", undefined],
  ])("%s %s of an unknown project is 404", async (method, path, body) => {
    const response = await gateway(`/admin/projects/${uniqueTag("nope")}/master${path}`, {
      method,
      headers: { ...ADMIN, "content-type": "application/json" },
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBe(404);
  });

  it("DELETE of an unknown or already lifted id is 404", async () => {
    const project = await jwtProject(idp);
    expect((await project.lift("no-such-id")).status).toBe(404);
    const { id } = await created(await project.revoke({ app: "web" }));
    expect((await project.lift(id)).status).toBe(204);
    expect((await project.lift(id)).status).toBe(404);
  });
});

describe("a revoked JWT is refused on the very next request at this location", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string, Record<string, unknown>]>([
    ["an app (azp)", { app: "mobile" }, { azp: "mobile" }, "APP_REVOKED", { azp: "web" }],
    ["an app named by client_id", { app: "cli-7" }, { client_id: "cli-7" }, "APP_REVOKED", { client_id: "cli-8" }],
    ["an app named by its issuer", { app: "https://login.example/" }, {}, "APP_REVOKED", { azp: "web" }],
    ["a user", { subject: "user-1" }, { sub: "user-1" }, "USER_REVOKED", { sub: "user-2" }],
  ])("%s: 401 with its reason; other tokens still work; lifted, it works again", async (_name, body, claims, reason, unaffected) => {
    const project = await jwtProject(idp);
    const token = await idp.sign(claims);
    const other = await idp.sign(unaffected);
    expect(await ask(project.content, token)).toEqual({ status: 200 });
    const { id } = await created(await project.revoke(body));
    expect(await ask(project.content, token)).toEqual({ status: 401, code: "UNAUTHENTICATED", reason });
    expect(await ask(project.content, other)).toEqual({ status: 200 });
    // /v2 refuses it the same way, before the origin.
    const v2 = await postQuery(project.v2, { query: "{ posts(first: 1) { id } }" }, { authorization: `Bearer ${token}` });
    expect([v2.status, (await errorExtensions(v2))?.["reason"]]).toEqual([401, reason]);
    expect((await project.lift(id)).status).toBe(204);
    expect(await ask(project.content, token)).toEqual({ status: 200 });
  });

  it("issuedBefore: a token issued before the cut is 401 TOKEN_REVOKED, one issued after it works, and so does every token once lifted", async () => {
    const project = await jwtProject(idp);
    const now = Math.floor(Date.now() / 1000);
    const before = await idp.sign({ iat: now - 60 });
    const noIat = await idp.sign({ iat: undefined });
    const after = await idp.sign({ iat: now - 10 });
    const { id } = await created(await project.revoke({ issuedBefore: new Date((now - 30) * 1000).toISOString() }));
    expect(await ask(project.content, before)).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    // A token that cannot show when it was issued is refused under a cut (fail closed).
    expect(await ask(project.content, noIat)).toEqual({ status: 401, code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    expect(await ask(project.content, after)).toEqual({ status: 200 });
    expect((await project.lift(id)).status).toBe(204);
    expect(await ask(project.content, before)).toEqual({ status: 200 });
    expect(await ask(project.content, noIat)).toEqual({ status: 200 });
  });

  it("a revocation in one project leaves another project's tokens alone", async () => {
    const [one, two] = await Promise.all([jwtProject(idp), jwtProject(idp)]);
    const token = await idp.sign({ azp: "shared-app" });
    await created(await one.revoke({ app: "shared-app" }));
    expect((await ask(one.content, token)).status).toBe(401);
    expect(await ask(two.content, token)).toEqual({ status: 200 });
  });

  it("answers the refusal with WWW-Authenticate, as every 401", async () => {
    const project = await jwtProject(idp);
    await created(await project.revoke({ subject: "user-1" }));
    const response = await postQuery(project.content, { query: "{ posts { id } }" }, { authorization: `Bearer ${await idp.sign()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
  });
});

describe("the audit log records each revocation change in the same event", () => {
  it("app.revoke, user.revoke (subject and issuedBefore), revocation.lift; a repeat and an unknown id record nothing", async () => {
    const project = await jwtProject(idp);
    const app = await created(await project.revoke({ app: "mobile" }));
    await created(await project.revoke({ subject: "user-1" }));
    const cut = await created(await project.revoke({ issuedBefore: "2020-01-01T00:00:00Z" }));
    expect((await project.revoke({ app: "mobile" })).status).toBe(200);
    expect((await project.lift(app.id)).status).toBe(204);
    expect((await project.lift("no-such-id")).status).toBe(404);
    const response = await gateway(`/admin/projects/${project.projectId}/master/audit`, { headers: ADMIN });
    const { events } = (await response.json()) as {
      events: Array<{ action: string; target?: string; outcome: string; actor: { kind: string }; details: Record<string, unknown> }>;
    };
    const changes = events.filter((e) => e.action !== "config.update");
    expect(changes.map((e) => [e.action, e.target, e.outcome, e.actor.kind])).toEqual([
      ["app.revoke", "mobile", "ok", "admin"],
      ["user.revoke", "user-1", "ok", "admin"],
      ["user.revoke", "2020-01-01T00:00:00.000Z", "ok", "admin"],
      ["revocation.lift", app.id, "ok", "admin"],
    ]);
    expect(changes[0]!.details).toMatchObject({ kind: "app", value: "mobile", id: app.id });
    expect(changes[2]!.details).toMatchObject({ kind: "issuedBefore", id: cut.id });
    expect(changes[3]!.details).toMatchObject({ kind: "app", value: "mobile" });
  });
});
