/**
 * The servers under test, each in its own Miniflare instance (its own workerd process, so its
 * RSS can be read on its own): the gateway with its origin behind a service binding, the origin
 * alone (direct latency), and the floor (a bare worker returning fixed bytes).
 */
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { dirname } from "node:path";
import { workerdPids } from "./proc.mjs";

export const COMPATIBILITY_DATE = "2026-04-01";
export const ORIGIN_SERVICE = "bench-origin";
export const GATEWAY_WORKER = "content-edge";

/** Keeps the last lines workerd logged (its structured logs), so a failure can say why. */
function tail(limit = 30) {
  const lines = [];
  /** @param {{ level: string, message: string }} log workerd's structured log line */
  const handle = (log) => {
    for (const line of log.message.split("\n")) if (line.trim()) lines.push(`${log.level}: ${line}`.slice(0, 400));
    if (lines.length > limit) lines.splice(0, lines.length - limit);
  };
  return { lines, handle };
}

/**
 * Starts one Miniflare instance. The first worker is served on its own direct socket (workerd
 * straight to the worker, without Miniflare's entry worker in front), so every workerd server is
 * measured the same way, as close to the runtime as Miniflare allows.
 */
async function start(label, { workers, inspector = false, exposeSecond = false }) {
  const before = new Set(workerdPids());
  const logs = tail();
  const [first, second, ...rest] = workers;
  const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
  // Miniflare 4's option shape, which wrangler and the Vitest plugin also hand to Miniflare 5 this way.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      handleStructuredLogs: logs.handle,
      ...(inspector ? { inspectorPort: 0 } : {}),
      workers: [{ ...first, ...direct }, ...(second ? [exposeSecond ? { ...second, ...direct } : second] : []), ...rest],
    }),
  );
  await mf.ready;
  const url = process.env.BENCH_VIA_ENTRY ? await mf.ready : await mf.unsafeGetDirectURL(first.name);
  const secondUrl = exposeSecond ? (await mf.unsafeGetDirectURL(second.name)).href.replace(/\/$/, "") : undefined;
  const pid = workerdPids().find((p) => !before.has(p)) ?? null;
  return {
    label,
    url: url.href.replace(/\/$/, ""),
    secondUrl,
    pid,
    logs: logs.lines,
    inspectorUrl: inspector ? (await mf.getInspectorURL()).href : undefined,
    dispose: () => mf.dispose(),
  };
}

/** Worker options for the origin: the fixed graphql-js origin, the demo origin on D1, or the site origin (bench/site). */
export function originWorker(bundles, mode, { delayMs = 0 } = {}) {
  if (mode === "site") {
    return {
      modules: true,
      scriptPath: bundles.site,
      modulesRoot: dirname(bundles.site),
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { ORIGIN_DELAY_MS: String(delayMs) },
    };
  }
  if (mode === "demo") {
    return {
      modules: true,
      scriptPath: bundles.demo,
      modulesRoot: dirname(bundles.demo),
      compatibilityDate: COMPATIBILITY_DATE,
      d1Databases: { DB: "bench-demo" },
      bindings: { ORIGIN_INSTRUMENTATION: "off" },
    };
  }
  return {
    modules: true,
    scriptPath: bundles.origin,
    modulesRoot: dirname(bundles.origin),
    compatibilityDate: COMPATIBILITY_DATE,
  };
}

/**
 * The gateway (src/index.ts) with KV, the Cache API, its project authorities (the Durable Object)
 * and its origin behind `DEMO_ORIGIN`; `exposeOrigin` also gives that origin its own socket
 * (`secondUrl`), so the site benchmark can change content behind the gateway's back.
 */
export function startGateway(bundles, { adminToken, originMode, inspector = false, exposeOrigin = false, originDelayMs = 0 }) {
  return start("gateway", {
    inspector,
    exposeSecond: exposeOrigin,
    workers: [
      {
        name: GATEWAY_WORKER,
        modules: true,
        scriptPath: bundles.gateway,
        modulesRoot: dirname(bundles.gateway),
        compatibilityDate: COMPATIBILITY_DATE,
        kvNamespaces: ["CONFIG"],
        // SQLite-backed, as wrangler.toml declares it (`new_sqlite_classes`).
        durableObjects: { AUTHORITY: { className: "ProjectAuthority", useSQLite: true } },
        cache: true,
        bindings: { ADMIN_TOKEN: adminToken, SERVICE_ORIGINS: "demo-origin.internal=DEMO_ORIGIN" },
        serviceBindings: { DEMO_ORIGIN: ORIGIN_SERVICE },
      },
      { name: ORIGIN_SERVICE, ...originWorker(bundles, originMode, { delayMs: originDelayMs }) },
    ],
  });
}

/** The origin on its own, to measure what calling it directly costs. */
export function startOrigin(bundles, { originMode, originDelayMs = 0 }) {
  return start("origin", { workers: [{ name: ORIGIN_SERVICE, ...originWorker(bundles, originMode, { delayMs: originDelayMs }) }] });
}

// The request body is drained: workerd resets a keep-alive connection whose POST body was left
// unread, so a floor that skipped it would measure reconnects, not the runtime.
const FLOOR_SCRIPT = `
let bytes;
export default {
  async fetch(request, env) {
    bytes ??= new TextEncoder().encode(env.BODY);
    if (request.body) await request.arrayBuffer();
    return new Response(bytes, { headers: { "content-type": "application/json" } });
  },
};
`;

/** The floor: a bare worker on the same runtime answering every request with `body`, no logic. */
export function startFloor(body) {
  return startBareWorker("floor", FLOOR_SCRIPT, body);
}

/**
 * A bare worker (a module `script` reading its answer from the `BODY` binding) in its own
 * Miniflare instance, served like the floor: what `bench/floor-variants.mjs` adds one piece of
 * the gateway's work to.
 * @param {string} name @param {string} script @param {string} body
 */
export function startBareWorker(name, script, body) {
  return start(name, {
    workers: [{ name, modules: true, script, compatibilityDate: COMPATIBILITY_DATE, bindings: { BODY: body } }],
  });
}
