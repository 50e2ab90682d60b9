import { env, exports } from "cloudflare:workers";

/** The gateway under test (the `main` worker), called like a client would over HTTP. */
export function gateway(path: string, init?: RequestInit): Promise<Response> {
  const worker = (exports as unknown as { default: Fetcher }).default;
  return worker.fetch(new Request(new URL(path, "http://gateway.test"), init));
}

export const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

/** A unique tag per test, so records in the shared demo origin can be told apart. */
export function uniqueTag(prefix = "t"): string {
  return `${prefix}${crypto.randomUUID().slice(0, 8)}`;
}

/** The demo origin URL that records requests under `/t/{tag}` (see demo/src instrumentation). */
export function demoOrigin(tag: string, faults = ""): string {
  return `https://demo-origin.internal/t/${tag}/${faults}graphql`;
}

/** Creates or replaces a project through the admin API; fails the test if the API refuses. */
export async function configureProject(projectId: string, environment: string, config: Record<string, unknown>): Promise<void> {
  const response = await gateway(`/admin/projects/${projectId}/${environment}`, {
    method: "PUT",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (response.status !== 200) throw new Error(`PUT project failed: ${response.status} ${await response.text()}`);
}

/** Public read of published content in every locale: what `npm start` gives project demo. */
export const PUBLIC_READ = [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }];

/** A fresh project whose origin is the demo origin under a unique tag. */
export async function demoProject(config: Record<string, unknown> = {}, faults = "") {
  const tag = uniqueTag();
  const projectId = `p-${tag}`;
  await configureProject(projectId, "master", { origin: demoOrigin(tag, faults), publicPermissions: PUBLIC_READ, ...config });
  return { tag, projectId, content: `/content/${projectId}/master`, v2: `/v2/${projectId}/master` };
}

export interface OriginRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * What reached the demo origin under `tag`: the client's operations. The gateway's own
 * introspection requests (how it learns the schema) are left out unless asked for.
 */
export async function originRequests(tag: string, options: { introspection?: boolean } = {}): Promise<OriginRecord[]> {
  const response = await env.DEMO_ORIGIN.fetch(`https://demo-origin.internal/__origin/requests?prefix=/t/${tag}/`);
  const records = (await response.json()) as OriginRecord[];
  return options.introspection ? records : records.filter((record) => !record.body?.includes("query IntrospectionQuery"));
}

/** POSTs a GraphQL request as JSON. */
export function postQuery(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return gateway(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  });
}

/** GETs a GraphQL request with URL parameters. */
export function getQuery(path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return gateway(`${path}?${new URLSearchParams(params)}`, { headers: { accept: "application/graphql-response+json", ...headers } });
}

/** The `extensions.code` of a GraphQL error response's first error. */
export async function errorCode(response: Response): Promise<unknown> {
  const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return body.errors?.[0]?.extensions?.code;
}

/** The `extensions` of a GraphQL error answer's first error (code, reason, …). */
export async function errorExtensions(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return body.errors?.[0]?.extensions ?? {};
}
