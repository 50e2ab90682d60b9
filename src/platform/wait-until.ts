import type { Context } from "hono";

/** Hands a promise to the runtime to finish after the response (`ExecutionContext.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * `waitUntil` of a request's execution context; outside a Worker (unit tests of the app) the
 * promise just runs, its failure ignored.
 *
 * @example const waitUntil = waitUntilOf(c); waitUntil(cache.put(url, response));
 */
export function waitUntilOf(c: Context): WaitUntil {
  try {
    const executionCtx = c.executionCtx;
    return (promise) => executionCtx.waitUntil(promise);
  } catch {
    return (promise) => void promise.catch(() => undefined);
  }
}
