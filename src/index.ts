import { app } from "./app";
import { knownGatewayConfig, type GatewayConfig } from "./config/gateway-config";
import type { Bindings } from "./env";
import { declaredContentLength, drainUnreadBody } from "./http/body";
import { contentCacheRuntime } from "./pipeline/cache-runtime";
import { FastPath, fastKey } from "./pipeline/fast-path";

/** The project authority (a Durable Object class, bound as AUTHORITY). */
export { ProjectAuthority } from "./authority/object";
/** The shared answer tier (a Durable Object class, bound as TIER; docs/shared-tier.md). */
export { AnswerTier } from "./tier/object";

/** The isolate's fast path for repeated cache hits (pipeline/fast-path.ts), one per configuration. */
const fastPaths = new WeakMap<GatewayConfig, FastPath>();
/** One fatal decoder: a body that is not UTF-8 is never a fast path key (the full path refuses it). */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The Worker entry point. A repeat of a `/content` request the full pipeline answered with a fresh
 * HIT is answered by the fast path; everything else goes to the Hono app, and a fresh HIT there
 * primes the fast path for the next repeat. Any request body no route read is then discarded
 * (bounded) before the answer leaves, so the keep-alive connection it came on can carry the next
 * request (docs/http-edges.md).
 */
export default {
  async fetch(request, env, ctx) {
    let forward = request;
    let key: string | null = null;
    let fastPath: FastPath | undefined;
    const config = knownGatewayConfig(env);
    const method = request.method;
    const url = request.url;
    if (config && (method === "GET" || method === "POST") && isContentPath(url)) {
      const headers = request.headers;
      let body = "";
      let bytes: ArrayBuffer | null = null;
      if (method === "POST") {
        // Only a body whose declared length is within the limit is read here; the rest is the full path's.
        const declared = declaredContentLength(headers);
        if (declared !== null && declared <= config.limits.maxBodyBytes) {
          bytes = await request.arrayBuffer();
          try {
            body = utf8.decode(bytes);
          } catch {
            body = "";
          }
        }
      }
      if (method === "GET" || (bytes !== null && (body !== "" || bytes.byteLength === 0))) {
        key = fastKey(method, url, headers, body);
        fastPath = fastPaths.get(config);
        if (!fastPath)
          fastPaths.set(
            config,
            (fastPath = new FastPath({ authority: config.authority, stats: contentCacheRuntime(config.kv, config.stats).stats })),
          );
        const answer = fastPath.answer(key, request, ctx);
        if (answer) return answer;
      }
      // The body was read: the full path gets the same bytes.
      if (bytes !== null) forward = new Request(request, { body: bytes });
    }
    const response = await app.fetch(forward, env, ctx);
    if (key !== null) fastPath?.prime(key, forward, response);
    if (forward.body !== null) await drainUnreadBody(forward);
    return response;
  },
} satisfies ExportedHandler<Bindings>;

/** Whether a URL's path starts with `/content/`, judged on its text (no `URL` object on the hot path). */
function isContentPath(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path !== -1 && url.startsWith("/content/", path);
}
