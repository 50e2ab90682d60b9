import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import type { AuditEvent } from "../../src/audit/event";
import type { ChainVerdict } from "../../src/audit/chain";
import { authorityName } from "../../src/authority/client";
import worker from "../../src/index";
import type { Role } from "../../src/operators/roles";
import { ADMIN, gateway } from "./gateway";

/**
 * The audit log as an operator reads it, through the real Worker (SPEC §5a): a project's log at
 * `/admin/projects/{p}/{e}/audit`, the deployment's at `/admin/audit`.
 */
export const projectLog = (projectId: string, environment = "master") => `/admin/projects/${projectId}/${environment}/audit`;
export const DEPLOYMENT_LOG = "/admin/audit";

/** One page of a log (`GET <log>?<query>`); fails the test unless the answer is 200. */
export async function auditPage(
  log: string,
  query = "",
  headers: Record<string, string> = ADMIN,
): Promise<{ events: AuditEvent[]; next?: string }> {
  const response = await gateway(`${log}${query ? `?${query}` : ""}`, { headers });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as { events: AuditEvent[]; next?: string };
}

/** Every event of a log matching `query`, following `next` (pages of 1,000). */
export async function auditEvents(log: string, query = ""): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", "1000");
    if (cursor) params.set("cursor", cursor);
    const page = await auditPage(log, params.toString());
    events.push(...page.events);
    cursor = page.next;
  } while (cursor);
  return events;
}

/** The NDJSON export of a log (`Accept: application/x-ndjson`): the raw text and its response. */
export async function auditExport(log: string, query = ""): Promise<{ response: Response; text: string }> {
  const response = await gateway(`${log}${query ? `?${query}` : ""}`, { headers: { ...ADMIN, accept: "application/x-ndjson" } });
  return { response, text: await response.text() };
}

/** `GET <log>/verify`. */
export async function verifyLog(log: string): Promise<ChainVerdict> {
  const response = await gateway(`${log}/verify`, { headers: ADMIN });
  expect(response.status).toBe(200);
  return (await response.json()) as ChainVerdict;
}

/** An operator issued through `POST /admin/operators` by the break-glass token. */
export interface IssuedOperator {
  id: string;
  token: string;
  email: string;
  role: Role;
  /** `Authorization` with its token. */
  headers: Record<string, string>;
}

export async function createOperator(email: string, role: Role, headers: Record<string, string> = ADMIN): Promise<IssuedOperator> {
  const response = await gateway("/admin/operators", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ email, role }),
  });
  const text = await response.text();
  expect(response.status, text.replace(/ceo_[A-Za-z0-9_-]+/g, "ceo_…")).toBe(201);
  const body = JSON.parse(text) as { id: string; token: string; email: string; role: Role };
  return { ...body, headers: { authorization: `Bearer ${body.token}` } };
}

/**
 * A request to the Worker's own entry point (src/index.ts, the real bindings) that returns once
 * every `waitUntil` of the request has settled. Refusals (a webhook with a bad signature, a `/v2`
 * mutation without a valid token) are recorded in the background, after the answer: this is how a
 * test knows the record was made, instead of polling.
 */
export async function fetchAndSettle(path: string, init?: RequestInit, vars: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  // `vars` override the test environment's variables (e.g. MAX_BATCH) for this request only.
  const bindings = Object.keys(vars).length === 0 ? env : { ...env, ...vars };
  const response = await worker.fetch!(new Request(new URL(path, "http://gateway.test"), init) as never, bindings as never, ctx);
  // The body is read before the context settles: a streamed answer may still be producing it.
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

/** The project's authority object, for a test that reads or tampers with its storage directly. */
export function authorityStub(projectId: string, environment = "master"): DurableObjectStub {
  return env.AUTHORITY.get(env.AUTHORITY.idFromName(authorityName({ projectId, environment })));
}

/** The secrets of `values` that occur in `text` (expected: none). */
export function leaked(text: string, values: readonly string[]): string[] {
  return values.filter((value) => value !== "" && text.includes(value));
}

/** The `{"type":"audit",…}` lines among console.log calls (src/audit/log-line.ts). */
export function auditLines(calls: readonly unknown[][]): Array<AuditEvent & { type: "audit"; authority: string | null }> {
  return calls
    .map((args) => String(args[0]))
    .filter((line) => line.startsWith('{"type":"audit"'))
    .map((line) => JSON.parse(line) as AuditEvent & { type: "audit"; authority: string | null });
}
