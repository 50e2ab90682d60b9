/** Shared helpers for the demo origin tests: call the worker and run GraphQL against it. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

/** The demo origin Worker under test (the `main` of the demo vitest project). */
const worker = (exports as unknown as { default: { fetch(req: Request | string, init?: RequestInit): Promise<Response> } }).default;

/** Sends a raw request to the worker. */
export const call = (path: string, init?: RequestInit) => worker.fetch(new Request(`http://demo-origin.internal${path}`, init));

/** The JSON result of a GraphQL request. */
export interface GqlResult<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs a GraphQL request; `headers` are added (e.g. gcms-stage). */
export async function gqlRaw<T = any>(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  path = "/graphql",
): Promise<GqlResult<T>> {
  const res = await call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** POSTs a GraphQL request and expects it to succeed without errors; returns `data`. */
export async function gql<T = any>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<T> {
  const r = await gqlRaw<T>(query, variables, headers);
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

/** A slug unique to this test run, so tests that write never collide. */
export const uniq = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

/** Seeded ids (migrations/0002_seed.sql). */
export const POST = (n: number) => `clpost000000000000000000${n}`;
export const AUTHOR = (n: number) => `clauth000000000000000000${n}`;
export const PAGE = (n: number) => `clpage000000000000000000${n}`;

/**
 * First request of a test file: loading the worker's modules (graphql-js) in the test runtime
 * takes seconds, so it is done once in `beforeAll` with a generous timeout instead of inside a test.
 */
export const WARM_UP_TIMEOUT = 60_000;
export const warmUp = () => call("/graphql?query=%7B__typename%7D").then((r) => r.text());
