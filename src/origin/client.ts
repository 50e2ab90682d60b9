import { OriginError, OriginTimeoutError } from "../errors";
import { FAILURE_MESSAGES, probeConnection, reasonOfThrown } from "./failure";

/** What a call to the origin gave back: the bytes, never a live Response (they may be shared). */
export interface OriginAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** Milliseconds from sending the request to reading the whole body. */
  elapsedMs: number;
}

/** Anything with `fetch`: the global fetch, or a service binding. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface OriginCall {
  url: string;
  body: string;
  headers: Headers;
  timeoutMs: number;
  fetch: FetchLike;
}

/**
 * POSTs a GraphQL request to the origin with a deadline. Expiry is an `OriginTimeoutError` (504)
 * and a network failure an `OriginError` (502) whose `reason` names the cause (`dns`, `connect`,
 * `tls`: origin/failure.ts) — never a hang, never a stack trace or the runtime's words to the client.
 * `cache: "no-store"` keeps Cloudflare's fetch cache out of it: caching is this gateway's job and
 * is keyed on permissions, which a URL-keyed cache cannot see.
 *
 * @example
 * const answer = await callOrigin({ url, body, headers, timeoutMs: 10_000, fetch: globalFetch });
 */
export async function callOrigin(call: OriginCall): Promise<OriginAnswer> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  try {
    const response = await call.fetch(call.url, {
      method: "POST",
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
      cache: "no-store",
      redirect: "manual",
    });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body, elapsedMs: performance.now() - started };
  } catch (error) {
    if (error instanceof OriginError) throw error;
    if (controller.signal.aborted) throw timeout(call.timeoutMs);
    const reason = reasonOfThrown(error) ?? (await probeConnection(call.url, call.timeoutMs - (performance.now() - started)));
    if (controller.signal.aborted) throw timeout(call.timeoutMs);
    throw new OriginError(FAILURE_MESSAGES[reason], { reason });
  } finally {
    clearTimeout(timer);
  }
}

function timeout(timeoutMs: number): OriginTimeoutError {
  return new OriginTimeoutError(`The origin did not answer within ${timeoutMs} ms.`, { reason: "timeout", timeoutMs });
}

/** The global fetch, bound so it can be passed around. */
export const globalFetch: FetchLike = (input, init) => fetch(input, init);

/**
 * The fetch a project's origin URL is reached through: a service binding for its host, else the
 * network. Under `wrangler dev`, a binding whose Worker is not running answers 503 "Worker … not
 * found"; that becomes an `OriginError` saying how to start it, instead of a bare 503. A binding
 * whose Worker throws is `service-binding-failed`: no network was involved, so nothing to probe.
 */
export function fetcherFor(url: string, serviceOrigins: ReadonlyMap<string, Fetcher>): FetchLike {
  const host = new URL(url).hostname.toLowerCase();
  const binding = serviceOrigins.get(host);
  if (!binding) return globalFetch;
  return async (input, init) => {
    let response: Response;
    try {
      response = await binding.fetch(input, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new OriginError(FAILURE_MESSAGES["service-binding-failed"], { reason: "service-binding-failed", host });
    }
    if (response.status === 503 && NOT_RUNNING.test(await response.clone().text())) {
      throw new OriginError(
        `The origin ${host} is a Worker reached through a service binding, and that Worker is not running. ` +
          "Start the gateway and the demo origin together with `npm start` (or `npx wrangler dev -c wrangler.toml -c demo/wrangler.toml --env demo`).",
        { reason: "service-binding-not-running", host },
      );
    }
    return response;
  };
}

/** What Miniflare's dev registry answers for a service binding whose Worker is not running locally. */
const NOT_RUNNING = /^Worker "[^"]*" not found\. Make sure it is running locally\.$/;
