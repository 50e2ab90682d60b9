import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { AuthenticateDeps } from "../../src/auth/authenticate";
import { GatewayError } from "../../src/errors";
import { authorityFor } from "../../src/authority/client";
import { patStore, type PatStore } from "../../src/auth/pat-store";
import { appsRecorderFor } from "../../src/stats/apps-recorder";
import { projectStore } from "../../src/projects/store";
import type { ProjectConfig, ProjectRef } from "../../src/projects/types";
import { ADMIN, gateway } from "./gateway";

/** What `POST …/tokens` answers. */
export interface IssuedToken {
  id: string;
  token: string;
  name: string;
  permissions: unknown[];
  defaultStage?: string;
  expiresAt?: string;
  createdAt: string;
}

const tokensPath = (ref: ProjectRef) => `/admin/projects/${ref.projectId}/${ref.environment}/tokens`;

/** `POST …/tokens` with a JSON body (a string is sent as is). */
export function postToken(ref: ProjectRef, body: unknown, headers: Record<string, string> = ADMIN): Promise<Response> {
  return gateway(tokensPath(ref), {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Issues a token through the admin API; fails the test unless the answer is 201. */
export async function issueToken(ref: ProjectRef, body: Record<string, unknown>): Promise<IssuedToken> {
  const response = await postToken(ref, body);
  const text = await response.text();
  expect(response.status, text.replace(/cep_[A-Za-z0-9_-]+/g, "cep_…")).toBe(201);
  return JSON.parse(text) as IssuedToken;
}

export function listTokens(ref: ProjectRef, headers: Record<string, string> = ADMIN): Promise<Response> {
  return gateway(tokensPath(ref), { headers });
}

export function revokeToken(ref: ProjectRef, id: string, headers: Record<string, string> = ADMIN): Promise<Response> {
  return gateway(`${tokensPath(ref)}/${encodeURIComponent(id)}`, { method: "DELETE", headers });
}

/** The stored configuration of a project (as the pipeline would load it). */
export async function loadProject(ref: ProjectRef): Promise<ProjectConfig> {
  const config = await projectStore({ kv: env.CONFIG, authority: authorityFor(env.AUTHORITY), waitUntil: ignore }).get(ref);
  if (!config) throw new Error(`no project ${ref.projectId}/${ref.environment}`);
  return config;
}

/** The host of the demo origin, reached through the DEMO_ORIGIN service binding. */
export const DEMO_HOST = "demo-origin.internal";

const ignore = (promise: Promise<unknown>) => void promise.catch(() => undefined);

/** Dependencies of `authenticate()` as the gateway builds them (this isolate's authority handle), with overrides. */
export function authDeps(overrides: Partial<AuthenticateDeps> = {}): AuthenticateDeps {
  return {
    kv: env.CONFIG,
    authority: authorityFor(env.AUTHORITY),
    apps: appsRecorderFor(authorityFor(env.AUTHORITY)),
    waitUntil: ignore,
    serviceOrigins: new Map([[DEMO_HOST, env.DEMO_ORIGIN]]),
    ...overrides,
  };
}

/** The token store as the admin API builds it (this isolate's authority handle). */
export function tokenStore(kv: KVNamespace = env.CONFIG): PatStore {
  return patStore({ kv, authority: authorityFor(env.AUTHORITY), waitUntil: ignore });
}

/** A request carrying `Authorization: <value>` (none when `undefined`). */
export function requestWith(authorization?: string): Request {
  return new Request("http://gateway.test/content/p/master", authorization === undefined ? {} : { headers: { authorization } });
}

/** A KV namespace that counts reads and can be made to fail. */
export function spyKv(inner: KVNamespace = env.CONFIG, options: { fail?: boolean } = {}): { kv: KVNamespace; reads: () => number } {
  let reads = 0;
  const kv = new Proxy(inner, {
    get(target, prop) {
      if (prop === "get" || prop === "getWithMetadata" || prop === "list") {
        return (...args: unknown[]) => {
          reads += 1;
          if (options.fail) return Promise.reject(new Error("KV is down"));
          return (Reflect.get(target, prop) as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv, reads: () => reads };
}

/** The GatewayError a promise rejects with, flattened for assertions. */
export async function rejection(promise: Promise<unknown>): Promise<{
  status: number;
  code: string;
  reason: unknown;
  extensions: Record<string, unknown>;
  headers: Record<string, string>;
  message: string;
}> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw error;
  return {
    status: error.status,
    code: error.code,
    reason: error.extensions["reason"],
    extensions: error.extensions,
    headers: error.headers,
    message: error.message,
  };
}

/** The test JWKS server on the demo origin (demo/src/jwks.ts). */
export const jwksUrl = (name: string) => `https://${DEMO_HOST}/__origin/jwks/${name}`;

export async function putJwks(name: string, jwks: unknown): Promise<void> {
  const response = await env.DEMO_ORIGIN.fetch(jwksUrl(name), { method: "PUT", body: JSON.stringify(jwks) });
  expect(response.status).toBe(200);
}

/** How many times the JWKS `name` was fetched. */
export async function jwksHits(name: string): Promise<number> {
  const response = await env.DEMO_ORIGIN.fetch(`${jwksUrl(name)}/hits`);
  return ((await response.json()) as { hits: number }).hits;
}
