import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { eventHash } from "../../src/audit/chain";
import type { AuditEvent, AuditRecord } from "../../src/audit/event";
import { AuditTable } from "../../src/audit/table";
import { accessKey, publishAccessKeys, signAccess } from "../support/access";
import {
  auditEvents,
  auditExport,
  auditPage,
  authorityStub,
  createOperator,
  DEPLOYMENT_LOG,
  projectLog,
  verifyLog,
  type IssuedOperator,
} from "../support/audit-api";
import { errorExtensions } from "../support/cache";
import { ADMIN, configureProject, demoOrigin, demoProject, gateway, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";
import { issueToken, type IssuedToken } from "../support/tokens";

/**
 * Reading the audit log (SPEC §5a): filters, strict parameters, cursor paging, the NDJSON export,
 * and the hash chain — verified as written, then after a direct tamper with the authority's
 * SQLite table, and across retention (the first kept event anchors the chain).
 */

const purge = (projectId: string, headers: Record<string, string>, body = "{}") =>
  gateway(`/admin/projects/${projectId}/master/purge`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });

/** One project with events by several actors: the break-glass token, an editor operator, an Access editor, a content token. */
let projectId = "";
let log = "";
let editor: IssuedOperator;
let pat: IssuedToken;
const ACCESS_EDITOR = `someone-${uniqueTag()}@editors.example`;
let all: AuditEvent[] = [];

beforeAll(async () => {
  const project = await demoProject();
  projectId = project.projectId;
  log = projectLog(projectId);
  editor = await createOperator(`Editor-${uniqueTag()}@Example.com`, "editor");
  const key = await accessKey();
  await publishAccessKeys(key);
  const access = { "cf-access-jwt-assertion": await signAccess(key, Math.floor(Date.now() / 1000), { email: ACCESS_EDITOR }) };
  const ref = { projectId, environment: "master" };
  // Each step is its own request, so the events' times advance (workerd's clock moves with I/O).
  pat = await issueToken(ref, { name: "writer", permissions: [{ action: ["create", "read"], model: "Post", stages: "*", locales: "*" }] });
  expect((await purge(projectId, editor.headers, '{"models":["Post"]}')).status).toBe(200);
  expect((await purge(projectId, access)).status).toBe(200);
  const created = await postQuery(
    project.v2,
    { query: `mutation Write { createPost(data: { title: "audit", slug: "audit-${project.tag}" }) { id } }` },
    { authorization: `Bearer ${pat.token}` },
  );
  expect(created.status).toBe(200);
  expect((await purge(projectId, ADMIN, '{"stages":["DRAFT"]}')).status).toBe(200);
  const refresh = await gateway(`/admin/projects/${projectId}/master/schema/refresh`, { method: "POST", headers: editor.headers });
  expect(refresh.status).toBe(200);
  expect((await purge(projectId, editor.headers)).status).toBe(200);
  all = await auditEvents(log);
  // config.update, token.create, 4 purges, mutation, schema.refresh.
  expect(all.map((e) => e.action).sort()).toEqual(
    ["config.update", "mutation", "purge", "purge", "purge", "purge", "schema.refresh", "token.create"].sort(),
  );
});

describe("GET …/audit filters", () => {
  /** A query and the events it must list, both from the log as written (`all`). */
  type Filter = () => [query: string, expected: (e: AuditEvent) => boolean];
  const at = (e: AuditEvent) => Date.parse(e.at);
  /** The first event later than the first one: a `since`/`until` that splits the log. */
  const middle = () => all.find((e) => at(e) > at(all[0]!))!;

  it.each<[string, Filter]>([
    ["one action", () => ["action=purge", (e) => e.action === "purge"]],
    ["a list of actions", () => ["action=purge,token.create", (e) => e.action === "purge" || e.action === "token.create"]],
    ["mutations", () => ["action=mutation", (e) => e.action === "mutation"]],
    [
      "an operator by e-mail, in any case",
      () => [`actor=${encodeURIComponent(editor.email.toUpperCase())}`, (e) => e.actor.email === editor.email],
    ],
    ["an operator by id", () => [`actor=${editor.id}`, (e) => e.actor.id === editor.id]],
    ["an Access sign-in by e-mail", () => [`actor=${encodeURIComponent(ACCESS_EDITOR)}`, (e) => e.actor.email === ACCESS_EDITOR]],
    ["a content token by id", () => [`actor=${pat.id}`, (e) => e.actor.id === pat.id]],
    ["the break-glass token by kind", () => ["actor=admin", (e) => e.actor.kind === "admin"]],
    ["content tokens by kind", () => ["actor=token", (e) => e.actor.kind === "token"]],
    ["since (inclusive)", () => [`since=${middle().at}`, (e) => at(e) >= at(middle())]],
    ["until (exclusive)", () => [`until=${middle().at}`, (e) => at(e) < at(middle())]],
    [
      "since, until, action and actor together",
      () => [
        `since=${all[0]!.at}&until=${new Date(Date.now() + 60_000).toISOString()}&action=purge&actor=${editor.id}`,
        (e) => e.action === "purge" && e.actor.id === editor.id,
      ],
    ],
  ])("%s", async (_label, filter) => {
    const [query, predicate] = filter();
    const expected = all.filter(predicate);
    // A filter that lists nothing or everything would prove nothing.
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(await auditPage(log, query)).toEqual({ events: expected });
  });

  it("an unknown project is 404 (its log is never created)", async () => {
    const response = await gateway(projectLog(`nope-${uniqueTag()}`), { headers: ADMIN });
    expect(response.status).toBe(404);
  });
});

describe("bad parameters are 400 BAD_REQUEST naming the parameter", () => {
  const bad: Array<[string, string]> = [
    ["since=yesterday", "since"],
    ["since=2026-13-45T00:00:00Z", "since"],
    ["until=1700000000", "until"],
    ["action=purge,nope", "action"],
    ["action=", "action"],
    ["action=purge&action=mutation", "action"],
    ["actor=", "actor"],
    [`actor=${"x".repeat(513)}`, "actor"],
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["limit=-1", "limit"],
    ["cursor=0", "cursor"],
    ["cursor=abc", "cursor"],
    ["cursor=01", "cursor"],
    ["after=3", "after"],
  ];
  const cases = bad.flatMap(([query, param]) => [
    ["project", query, param],
    ["deployment", query, param],
  ]);

  it.each(cases)("%s log: ?%s", async (which, query, param) => {
    const response = await gateway(`${which === "project" ? log : DEPLOYMENT_LOG}?${query}`, { headers: ADMIN });
    expect(response.status).toBe(400);
    expect(await errorExtensions(response)).toMatchObject({ code: "BAD_REQUEST", param });
  });
});

describe("paging and export", () => {
  it("pages with limit and cursor: three pages, oldest first, the last without next", async () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
    const limit = Math.ceil(all.length / 3);
    const first = await auditPage(log, `limit=${limit}`);
    const second = await auditPage(log, `limit=${limit}&cursor=${first.next}`);
    const third = await auditPage(log, `limit=${limit}&cursor=${second.next}`);
    expect([first.events.length, second.events.length]).toEqual([limit, limit]);
    expect(first.next).toBe(first.events.at(-1)!.id);
    expect(second.next).toBe(second.events.at(-1)!.id);
    expect(third.next).toBeUndefined();
    expect([...first.events, ...second.events, ...third.events]).toEqual(all);
    expect(all.map((e) => Number(e.id))).toEqual([...all.keys()].map((i) => Number(all[0]!.id) + i));
  });

  it.each<[string, string, (e: AuditEvent) => boolean]>([
    ["everything", "", () => true],
    ["everything, limit notwithstanding", "limit=2", () => true],
    ["a filter", "action=purge", (e) => e.action === "purge"],
    ["after a cursor", "cursor=3", (e) => Number(e.id) > 3],
  ])("NDJSON export of %s: one event per line, the JSON listing's events", async (_label, query, predicate) => {
    const { response, text } = await auditExport(log, query);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson\b/);
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines.map((line) => JSON.parse(line) as AuditEvent)).toEqual(all.filter(predicate));
  });

  it.each<[string, string]>([
    ["application/json, application/x-ndjson;q=0.5", "application/json"],
    ["application/x-ndjson;q=0.5, application/json;q=0.5", "application/json"],
    ["application/x-ndjson;q=0", "application/json"],
    ["application/x-ndjson, application/json;q=0.9", "application/x-ndjson"],
  ])("Accept: %s is answered in %s", async (accept, type) => {
    const response = await gateway(log, { headers: { ...ADMIN, accept } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(new RegExp(`^${type.replace("/", "\\/")}\\b`));
    await response.body?.cancel();
  });

  it("verify walks the chain as written: ok, with the count", async () => {
    expect(await verifyLog(log)).toEqual({ ok: true, count: all.length, first: all[0]!.id, last: all.at(-1)!.id });
  });
});

/** The rows of a project's `audit_events` table, tampered with inside its authority object. */
type Sql = SqlStorage;
const tamper = (projectId: string, edit: (sql: Sql) => void) =>
  runInDurableObject(authorityStub(projectId), (_object, state) => {
    edit(state.storage.sql);
  });

function row(sql: Sql, n: number): { body: string; prev: string; hash: string } {
  return sql.exec<{ body: string; prev: string; hash: string }>("SELECT body, prev, hash FROM audit_events WHERE n = ?", n).one();
}

describe("a direct tamper with the table is found by verify", () => {
  /** A project whose log holds events 1 … 5: its configuration and four purges. */
  async function logOfFive(): Promise<string> {
    const { projectId } = await demoProject();
    for (const models of ["Post", "Author", "Post", "Author"])
      expect((await purge(projectId, ADMIN, JSON.stringify({ models: [models] }))).status).toBe(200);
    expect(await verifyLog(projectLog(projectId))).toMatchObject({ ok: true, count: 5 });
    return projectId;
  }

  it.each<[string, (sql: Sql) => void, { count: number; brokenAt: string | null; reason: string }]>([
    [
      "an event's details edited",
      (sql) => {
        const body = JSON.parse(row(sql, 3).body) as AuditEvent;
        sql.exec("UPDATE audit_events SET body = ? WHERE n = 3", JSON.stringify({ ...body, details: { ...body.details, models: "*" } }));
      },
      { count: 2, brokenAt: "3", reason: "hash-mismatch" },
    ],
    [
      "an event's actor edited",
      (sql) => {
        const body = JSON.parse(row(sql, 2).body) as AuditEvent;
        sql.exec(
          "UPDATE audit_events SET body = ? WHERE n = 2",
          JSON.stringify({ ...body, actor: { kind: "operator", email: "someone@else.example" } }),
        );
      },
      { count: 1, brokenAt: "2", reason: "hash-mismatch" },
    ],
    [
      "an event's time column moved",
      (sql) => sql.exec("UPDATE audit_events SET at = at - 3600000 WHERE n = 4"),
      { count: 3, brokenAt: "4", reason: "hash-mismatch" },
    ],
    [
      "an event's actor column edited (what the actor filter matches)",
      (sql) => sql.exec("UPDATE audit_events SET actor_email = 'someone@else.example' WHERE n = 2"),
      { count: 1, brokenAt: "2", reason: "hash-mismatch" },
    ],
    [
      "an event's action column edited",
      (sql) => sql.exec("UPDATE audit_events SET action = 'schema.refresh' WHERE n = 3"),
      { count: 2, brokenAt: "3", reason: "hash-mismatch" },
    ],
    [
      "an event edited and re-hashed",
      (sql) => {
        const { body, prev } = row(sql, 3);
        // The stored body is the event without its hash.
        const edited = { ...(JSON.parse(body) as Omit<AuditEvent, "hash">), target: "models=* stages=*" };
        sql.exec("UPDATE audit_events SET body = ?, hash = ? WHERE n = 3", JSON.stringify(edited), eventHash(prev, edited));
      },
      { count: 3, brokenAt: "4", reason: "link-broken" },
    ],
    [
      "a middle event deleted",
      (sql) => sql.exec("DELETE FROM audit_events WHERE n = 3"),
      { count: 2, brokenAt: "4", reason: "link-broken" },
    ],
    [
      "the oldest event deleted",
      (sql) => sql.exec("DELETE FROM audit_events WHERE n = 1"),
      { count: 0, brokenAt: "2", reason: "anchor-mismatch" },
    ],
    [
      "the newest event deleted",
      (sql) => sql.exec("DELETE FROM audit_events WHERE n = 5"),
      { count: 4, brokenAt: null, reason: "head-mismatch" },
    ],
    [
      "a forged event appended with a valid link",
      (sql) => {
        const last = row(sql, 5);
        const forged = { ...(JSON.parse(last.body) as AuditEvent), id: "6", details: { models: "*", stages: "*" } };
        sql.exec(
          `INSERT INTO audit_events (n, at, action, outcome, actor_kind, body, prev, hash) VALUES (6, ?, 'purge', 'ok', 'admin', ?, ?, ?)`,
          Date.parse(forged.at),
          JSON.stringify(forged),
          last.hash,
          eventHash(last.hash, forged),
        );
      },
      // Every link holds, but the log's head is still event 5's hash.
      { count: 6, brokenAt: null, reason: "head-mismatch" },
    ],
  ])("%s", async (_label, edit, verdict) => {
    const projectId = await logOfFive();
    await tamper(projectId, edit);
    expect(await verifyLog(projectLog(projectId))).toEqual({ ok: false, ...verdict });
  });
});

describe("retention: old events go at the next append, and the first kept event anchors the chain", () => {
  const DAY = 86_400_000;
  const OLD: AuditRecord = {
    actor: { kind: "admin", role: "owner" },
    action: "purge",
    outcome: "ok",
    details: { models: "*", stages: "*" },
  };

  it("events older than audit.retentionDays are deleted by the next append; verify passes from the anchor; deleting the first kept event is found", async () => {
    const tag = uniqueTag();
    const projectId = `p-${tag}`;
    const path = projectLog(projectId);
    // Three events written three days ago (the authority's log, with its clock set back), before the project's configuration.
    await runInDurableObject(authorityStub(projectId), (_object, state) => {
      const past = new AuditTable(state.storage.sql, () => Date.now() - 3 * DAY);
      for (let i = 0; i < 3; i++) past.append(OLD);
    });
    // The default retention (90 days) keeps them.
    await configureProject(projectId, "master", { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ });
    const kept = await auditEvents(path);
    expect(kept.map((e) => [e.id, e.action])).toEqual([
      ["1", "purge"],
      ["2", "purge"],
      ["3", "purge"],
      ["4", "config.update"],
    ]);
    expect(Date.now() - Date.parse(kept[0]!.at)).toBeGreaterThan(3 * DAY - 60_000);
    expect(await verifyLog(path)).toEqual({ ok: true, count: 4, first: "1", last: "4" });

    // A retention of one day: the change that sets it is the next append, and it deletes them.
    await configureProject(projectId, "master", { origin: demoOrigin(tag), publicPermissions: PUBLIC_READ, audit: { retentionDays: 1 } });
    const after = await auditEvents(path);
    expect(after.map((e) => [e.id, e.action])).toEqual([
      ["4", "config.update"],
      ["5", "config.update"],
    ]);
    expect(after[1]!.details).toMatchObject({ fields: ["audit"] });
    // Event 4 follows event 3, which is gone: the chain verifies from the anchor retention kept.
    expect(await verifyLog(path)).toEqual({ ok: true, count: 2, first: "4", last: "5" });
    expect((await purge(projectId, ADMIN)).status).toBe(200);
    expect(await verifyLog(path)).toEqual({ ok: true, count: 3, first: "4", last: "6" });

    // Deleting the first kept event by hand is not retention: the anchor says so.
    await tamper(projectId, (sql) => sql.exec("DELETE FROM audit_events WHERE n = 4"));
    expect(await verifyLog(path)).toEqual({ ok: false, count: 0, brokenAt: "5", reason: "anchor-mismatch" });
  });
});
