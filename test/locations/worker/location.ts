/**
 * One simulated Cloudflare location for the multi-location harness (test/locations): the real
 * gateway (src/index.ts) with
 * - its own Cache API (`caches.default` is this location's named cache, so locations never share entries);
 * - Workers KV as a distant location sees it (`delayed-kv.ts`: others' writes appear after `KV_DELAY_MS`);
 * - the shared `AUTHORITY` Durable Object namespace, which `POST /__harness/authority?reachable=0`
 *   makes unreachable from this location (every call fails) and `=1` restores.
 * `GET /__harness/kv?key=…` shows what this location's KV holds for a key.
 * Module state (the isolate's memory) is this worker's own: every location is a separate isolate.
 */
import gateway from "../../../src/index";
import { delayedKv } from "./delayed-kv";

interface HarnessEnv {
  LOCATION: string;
  KV_DELAY_MS: string;
  CONFIG: KVNamespace;
  AUTHORITY: DurableObjectNamespace;
  [binding: string]: unknown;
}

let reachable = true;
let wrapped: Record<string, unknown> | undefined;
let cachesReady: Promise<void> | undefined;

/** A namespace whose stubs fail while the location is cut off from the authority. */
function cuttable(namespace: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          const stub = target.get(id);
          return new Proxy(stub, {
            get(inner, method) {
              const value = Reflect.get(inner, method) as unknown;
              if (typeof value !== "function") return value;
              // Reflect.apply, not value.apply: any property of an RPC method (even `apply`) is a remote call.
              return (...args: unknown[]) =>
                reachable
                  ? Reflect.apply(value as (...a: unknown[]) => unknown, inner, args)
                  : Promise.reject(new Error("authority unreachable from this location"));
            },
          });
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function"
        ? (...args: unknown[]) => Reflect.apply(value as (...a: unknown[]) => unknown, target, args)
        : value;
    },
  });
}

function locationCaches(location: string): Promise<void> {
  cachesReady ??= (async () => {
    const real = caches;
    const own = await real.open(`location-${location}`);
    const shadow = { default: own, open: (name: string) => real.open(`location-${location}:${name}`) };
    Object.defineProperty(globalThis, "caches", { value: shadow, configurable: true, writable: true });
  })();
  return cachesReady;
}

export default {
  async fetch(request: Request, env: HarnessEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__harness/authority") {
      reachable = url.searchParams.get("reachable") !== "0";
      return Response.json({ location: env.LOCATION, reachable });
    }
    // One env object per isolate: the gateway parses its configuration once per env.
    wrapped ??= { ...env, CONFIG: delayedKv(env.CONFIG, env.LOCATION, Number(env.KV_DELAY_MS)), AUTHORITY: cuttable(env.AUTHORITY) };
    if (url.pathname === "/__harness/kv") {
      // What this location's KV holds for a key (to show that it lags).
      return Response.json({ value: await (wrapped["CONFIG"] as KVNamespace).get(url.searchParams.get("key") ?? "", "json") });
    }
    await locationCaches(env.LOCATION);
    return gateway.fetch(request as never, wrapped as never, ctx);
  },
};
