import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import type { Actor, AuditAction } from "../../src/audit/event";
import { authorityName } from "../../src/authority/client";
import { DIRECTORY_NAME } from "../../src/authority/directory";
import { accessKey, publishAccessKeys, signAccess, type AccessKey } from "../support/access";
import {
  auditEvents,
  auditExport,
  auditLines,
  createOperator,
  DEPLOYMENT_LOG,
  leaked,
  projectLog,
  type IssuedOperator,
} from "../support/audit-api";
import { ADMIN, demoOrigin, demoProject, gateway, PUBLIC_READ, uniqueTag } from "../support/gateway";
import { issueToken, postToken, revokeToken } from "../support/tokens";

/**
 * Every admin route that changes state records one audit event (SPEC §5a), by whoever called it:
 * the break-glass ADMIN_TOKEN, an operator token, or a Cloudflare Access sign-in. The event is
 * read back the way an operator reads it (GET …/audit, GET /admin/audit) and as the log line
 * Workers Logs carries; no credential the request or the change involved appears in either.
 */

let owner: IssuedOperator;
let key: AccessKey;
/** Access maps owner@example.com to owner (test/vitest.gateway.config.ts); the e-mail is sent as the IdP spells it. */
const ACCESS_EMAIL = "Owner@Example.com";

beforeAll(async () => {
  owner = await createOperator(`owner-${uniqueTag()}@example.com`, "owner");
  key = await accessKey();
  await publishAccessKeys(key);
});

/** Who acts: how it authenticates, the actor the log must name, and the credentials it must never show. */
interface Caller {
  headers: () => Promise<Record<string, string>>;
  actor: () => Actor;
  via: string;
}

const CALLERS: Array<[string, Caller]> = [
  ["the break-glass ADMIN_TOKEN", { headers: async () => ADMIN, actor: () => ({ kind: "admin", role: "owner" }), via: "admin-token" }],
  [
    "an owner's operator token",
    {
      headers: async () => owner.headers,
      actor: () => ({ kind: "operator", id: owner.id, email: owner.email, role: "owner" }),
      via: "operator-token",
    },
  ],
  [
    "a Cloudflare Access sign-in",
    {
      headers: async () => ({ "cf-access-jwt-assertion": await signAccess(key, Math.floor(Date.now() / 1000), { email: ACCESS_EMAIL }) }),
      actor: () => ({ kind: "operator", email: "owner@example.com", role: "owner" }),
      via: "access",
    },
  ],
];

/** An event a route must have recorded: in which log, what, on what, with which details (`via` added per caller). */
interface Expected {
  log: "project" | "deployment";
  action: AuditAction;
  target: string;
  details: Record<string, unknown>;
}

/** What a route did: the answer's status, the events it must have recorded, and the secrets it involved. */
interface Done {
  status: number;
  /** The status the route answers a success with. */
  want: number;
  expected: Expected[];
  secrets: string[];
}

type Project = Awaited<ReturnType<typeof demoProject>>;
const refOf = (project: Project) => ({ projectId: project.projectId, environment: "master" });
const json = (headers: Record<string, string>) => ({ ...headers, "content-type": "application/json" });

const OLD_ORIGIN_TOKEN = "origin-token-before-0123456789";
const OLD_WEBHOOK_SECRET = "webhook-secret-before-0123456789";

/** Each state-changing admin route, run by `headers` against a fresh demo project. */
const ROUTES: Array<[string, (project: Project, headers: Record<string, string>) => Promise<Done>]> = [
  [
    "PUT an existing project: config.update names the changed fields, not their values",
    async (project, headers) => {
      const originToken = `origin-token-${uniqueTag()}-after`;
      const webhookSecret = `webhook-secret-${uniqueTag()}-after`;
      const response = await gateway(`/admin/projects/${project.projectId}/master`, {
        method: "PUT",
        headers: json(headers),
        body: JSON.stringify({
          origin: demoOrigin(project.tag),
          publicPermissions: PUBLIC_READ,
          defaultStage: "DRAFT",
          originToken,
          webhookSecret,
        }),
      });
      return {
        status: response.status,
        want: 200,
        expected: [
          {
            log: "project",
            action: "config.update",
            target: `${project.projectId}/master`,
            details: { fields: ["defaultStage", "originToken", "webhookSecret"], created: false },
          },
        ],
        secrets: [originToken, webhookSecret, OLD_ORIGIN_TOKEN, OLD_WEBHOOK_SECRET],
      };
    },
  ],
  [
    "PUT a new project: project.create in the deployment's log, config.update in the project's",
    async (project, headers) => {
      // `project` is unused: the new project is this one's sibling environment.
      const originToken = `origin-token-${uniqueTag()}-new`;
      const response = await gateway(`/admin/projects/${project.projectId}/staging`, {
        method: "PUT",
        headers: json(headers),
        body: JSON.stringify({ origin: demoOrigin(project.tag), originToken }),
      });
      const target = `${project.projectId}/staging`;
      return {
        status: response.status,
        want: 200,
        expected: [
          { log: "deployment", action: "project.create", target, details: {} },
          {
            log: "project",
            action: "config.update",
            target,
            details: {
              created: true,
              fields: [
                "allowedOrigins",
                "cache",
                "defaultLocale",
                "defaultStage",
                "introspection",
                "origin",
                "originToken",
                "publicPermissions",
                "roles",
              ],
            },
          },
        ],
        secrets: [originToken],
      };
    },
  ],
  [
    "PATCH a project: config.update names the patched field (an origin token rotation), not its value",
    async (project, headers) => {
      const originToken = `origin-token-${uniqueTag()}-patched`;
      const response = await gateway(`/admin/projects/${project.projectId}/master`, {
        method: "PATCH",
        headers: { ...headers, "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ originToken }),
      });
      return {
        status: response.status,
        want: 200,
        expected: [
          {
            log: "project",
            action: "config.update",
            target: `${project.projectId}/master`,
            details: { fields: ["originToken"], created: false },
          },
        ],
        secrets: [originToken, OLD_ORIGIN_TOKEN, OLD_WEBHOOK_SECRET],
      };
    },
  ],
  [
    "POST webhook-secret: webhook-secret.rotate with the grace period and field names, neither secret",
    async (project, headers) => {
      const response = await gateway(`/admin/projects/${project.projectId}/master/webhook-secret`, {
        method: "POST",
        headers: json(headers),
        body: JSON.stringify({ graceSeconds: 3600 }),
      });
      const body = (await response.json()) as { webhookSecret: string };
      return {
        status: response.status,
        want: 201,
        expected: [
          {
            log: "project",
            action: "webhook-secret.rotate",
            target: `${project.projectId}/master`,
            details: { graceSeconds: 3600, fields: ["webhookSecret", "webhookSecretPrevious"], created: false },
          },
        ],
        secrets: [body.webhookSecret, OLD_WEBHOOK_SECRET, OLD_ORIGIN_TOKEN],
      };
    },
  ],
  [
    "POST tokens: token.create with the token's id",
    async (project, headers) => {
      const name = `reader ${uniqueTag()}`;
      const response = await postToken(refOf(project), { name, permissions: PUBLIC_READ }, headers);
      const body = (await response.json()) as { id: string; token: string };
      return {
        status: response.status,
        want: 201,
        expected: [{ log: "project", action: "token.create", target: body.id, details: { name } }],
        secrets: [body.token],
      };
    },
  ],
  [
    "DELETE a token: token.revoke with its id",
    async (project, headers) => {
      const issued = await issueToken(refOf(project), { name: "to revoke", permissions: PUBLIC_READ });
      const response = await revokeToken(refOf(project), issued.id, headers);
      return {
        status: response.status,
        want: 204,
        expected: [{ log: "project", action: "token.revoke", target: issued.id, details: {} }],
        secrets: [issued.token],
      };
    },
  ],
  [
    "POST purge: purge with its scope",
    async (project, headers) => {
      const response = await gateway(`/admin/projects/${project.projectId}/master/purge`, {
        method: "POST",
        headers: json(headers),
        body: JSON.stringify({ models: ["Post"], stages: ["DRAFT"] }),
      });
      return {
        status: response.status,
        want: 200,
        expected: [
          { log: "project", action: "purge", target: "models=Post stages=DRAFT", details: { models: ["Post"], stages: ["DRAFT"] } },
        ],
        secrets: [],
      };
    },
  ],
  [
    "POST schema/refresh: schema.refresh says whether it changed",
    async (project, headers) => {
      const response = await gateway(`/admin/projects/${project.projectId}/master/schema/refresh`, { method: "POST", headers });
      const body = (await response.json()) as { changed: boolean; schemaHash: string };
      expect(typeof body.changed).toBe("boolean");
      return {
        status: response.status,
        want: 200,
        // No target: the project is the log's own.
        expected: [
          { log: "project", action: "schema.refresh", target: "", details: { changed: body.changed, schemaHash: body.schemaHash } },
        ],
        secrets: [],
      };
    },
  ],
  [
    "POST /admin/operators: operator.create in the deployment's log",
    async (_project, headers) => {
      const email = `new-${uniqueTag()}@example.com`;
      const response = await gateway("/admin/operators", {
        method: "POST",
        headers: json(headers),
        body: JSON.stringify({ email, role: "editor" }),
      });
      const body = (await response.json()) as { id: string; token: string };
      return {
        status: response.status,
        want: 201,
        expected: [{ log: "deployment", action: "operator.create", target: body.id, details: { email, role: "editor" } }],
        secrets: [body.token],
      };
    },
  ],
  [
    "DELETE /admin/operators/{id}: operator.revoke in the deployment's log",
    async (_project, headers) => {
      const revoked = await createOperator(`gone-${uniqueTag()}@example.com`, "viewer");
      const response = await gateway(`/admin/operators/${revoked.id}`, { method: "DELETE", headers });
      return {
        status: response.status,
        want: 204,
        expected: [{ log: "deployment", action: "operator.revoke", target: revoked.id, details: { email: revoked.email, role: "viewer" } }],
        secrets: [revoked.token],
      };
    },
  ],
];

describe("every state-changing admin route records one audit event, by its caller, without a secret", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => {
    log.mockRestore();
  });

  const cases = CALLERS.flatMap(([who, caller]) => ROUTES.map(([route, run]) => [route, who, caller, run] as const));

  it.each(cases)("%s — by %s", async (route, _who, caller, run) => {
    const project = await demoProject({ originToken: OLD_ORIGIN_TOKEN, webhookSecret: OLD_WEBHOOK_SECRET });
    const started = new Date(Date.now() - 2_000).toISOString();
    // Only what this route recorded: the project's events after the last one of its set-up.
    const setUp = await auditEvents(projectLog(project.projectId));
    const headers = await caller.headers();
    const done = await run(project, headers);
    expect(done.status).toBe(done.want);

    // The credentials of the caller, the break-glass token and the route's own secrets.
    const secrets = [env.ADMIN_TOKEN, owner.token, headers["cf-access-jwt-assertion"] ?? "", ...done.secrets];
    const texts: string[] = [];
    for (const expected of done.expected) {
      const path =
        expected.log === "project"
          ? projectLog(project.projectId, expected.target.endsWith("/staging") ? "staging" : "master")
          : DEPLOYMENT_LOG;
      // The deployment's log is shared by every test file: only this test's window of it.
      const query =
        expected.log === "deployment" ? `since=${started}` : path === projectLog(project.projectId) ? `cursor=${setUp.at(-1)!.id}` : "";
      const events = await auditEvents(path, query);
      const matching = events.filter((e) => e.action === expected.action && (e.target ?? "") === expected.target);
      expect(matching, `${expected.action} ${expected.target}`).toHaveLength(1);
      const event = matching[0]!;
      expect(event.actor).toEqual(caller.actor());
      expect(event.outcome).toBe("ok");
      expect(event.details).toEqual({ ...expected.details, via: caller.via });
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);

      // Logged once, as the event itself with its authority (src/audit/log-line.ts).
      const authority =
        expected.log === "project" ? authorityName({ projectId: project.projectId, environment: path.split("/")[4]! }) : DIRECTORY_NAME;
      const lines = auditLines(log.mock.calls).filter((line) => line.authority === authority && line.id === event.id);
      expect(lines).toEqual([{ type: "audit", authority, ...event }]);

      // The whole listing and the whole export, as a SIEM would ingest them.
      const listing = await gateway(`${path}${query ? `?${query}` : ""}`, { headers: ADMIN });
      texts.push(await listing.text(), (await auditExport(path, query)).text);
    }
    texts.push(...log.mock.calls.map((args) => args.map(String).join(" ")));
    expect(leaked(texts.join("\n"), secrets)).toEqual([]);
  });
});

describe("a change that did not happen is not recorded", () => {
  it.each<{ label: string; status: number; act: (project: Project) => Promise<Response> }>([
    {
      label: "a PUT with an invalid field",
      status: 400,
      act: (p) =>
        gateway(`/admin/projects/${p.projectId}/master`, {
          method: "PUT",
          headers: json(ADMIN),
          body: JSON.stringify({ origin: demoOrigin(p.tag), webhookSecret: "short" }),
        }),
    },
    { label: "a token without a name", status: 400, act: (p) => postToken(refOf(p), { permissions: PUBLIC_READ }) },
    { label: "revoking an unknown token", status: 404, act: (p) => revokeToken(refOf(p), crypto.randomUUID()) },
    {
      label: "a purge with a typo",
      status: 400,
      act: (p) =>
        gateway(`/admin/projects/${p.projectId}/master/purge`, { method: "POST", headers: json(ADMIN), body: '{"model":["Post"]}' }),
    },
    {
      label: "a purge by a viewer",
      status: 403,
      act: async (p) =>
        gateway(`/admin/projects/${p.projectId}/master/purge`, {
          method: "POST",
          headers: json((await createOperator(`v-${uniqueTag()}@example.com`, "viewer")).headers),
          body: "{}",
        }),
    },
    {
      label: "revoking an unknown operator",
      status: 404,
      act: () => gateway(`/admin/operators/op_${"0".repeat(20)}`, { method: "DELETE", headers: ADMIN }),
    },
  ])("$label ($status): the logs are unchanged", async ({ act, status }) => {
    const project = await demoProject();
    const since = `since=${new Date(Date.now() - 1_000).toISOString()}`;
    const before = await auditEvents(projectLog(project.projectId));
    expect((await act(project)).status).toBe(status);
    expect(await auditEvents(projectLog(project.projectId))).toEqual(before);
    // Nothing about this project or the refused operator in the deployment's log either.
    const deployment = await auditEvents(DEPLOYMENT_LOG, `${since}&action=operator.revoke`);
    expect(deployment.filter((e) => e.target === `op_${"0".repeat(20)}`)).toEqual([]);
  });
});
