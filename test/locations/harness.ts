/**
 * The multi-location harness (issue 12): one Miniflare with three gateway workers acting as
 * separate Cloudflare locations — each its own isolate, its own Cache API, and a view of Workers
 * KV in which the other locations' writes appear only after `kvDelayMs` (60 s) — sharing the
 * Durable Object namespaces (the project authorities and the shared answer tier, defined by a
 * fourth worker) and the demo origin on D1. Tests talk to each location as a client in that location would.
 */
import { buildSync } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKER_BUNDLE_OPTIONS } from "../../scripts/worker-bundle.mjs";
import { buildDemoOrigin } from "../build-demo-origin.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const COMPATIBILITY_DATE = "2026-04-01";
export const ADMIN_TOKEN = "locations-admin-token";
export const WEBHOOK_SECRET = "a-multi-location-webhook-secret";

function bundle(entry: string, name: string): string {
  const outfile = `${root}.build/${name}.mjs`;
  buildSync({ ...WORKER_BUNDLE_OPTIONS, entryPoints: [`${root}${entry}`], outfile });
  return outfile;
}

/** A worker as Miniflare hands it out (only `fetch` is used). */
interface WorkerFetcher {
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

export interface Locations {
  names: readonly string[];
  /** A request to the gateway at one location. */
  fetch(location: string, path: string, init?: RequestInit): Promise<Response>;
  /** A request straight to the origin (a change behind the gateway's back). */
  origin(query: string): Promise<unknown>;
  /** What a location's (delayed) KV holds for a key. */
  kv(location: string, key: string): Promise<unknown>;
  /** Cuts a location off from the authority (`false`) or reconnects it. */
  reachable(location: string, value: boolean): Promise<void>;
  dispose(): Promise<void>;
}

export interface LocationOptions {
  names?: readonly string[];
  kvDelayMs?: number;
  /** How long a location decides with its last view while the authority is unreachable. */
  staleLimitMs?: number;
  /** `STATS_FLUSH_MS` of every location (the gateway's default, 5 s, when unset). */
  statsFlushMs?: number;
}

export async function startLocations(options: LocationOptions = {}): Promise<Locations> {
  const names = options.names ?? ["a", "b", "c"];
  const gateway = bundle("src/index.ts", "locations-gateway");
  const location = bundle("test/locations/worker/location.ts", "locations-location");
  const demo = buildDemoOrigin();
  // Miniflare 4's option shape, which wrangler and the Vitest plugin also hand to Miniflare 5 this way.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        ...names.map((name) => ({
          name: `location-${name}`,
          modules: true,
          scriptPath: location,
          modulesRoot: dirname(location),
          compatibilityDate: COMPATIBILITY_DATE,
          kvNamespaces: { CONFIG: "shared-config" },
          // The shared answer tier is one namespace too: every location asks the same objects (docs/shared-tier.md).
          durableObjects: {
            AUTHORITY: { className: "ProjectAuthority", scriptName: "authority" },
            TIER: { className: "AnswerTier", scriptName: "authority" },
          },
          serviceBindings: { DEMO_ORIGIN: "demo-origin" },
          bindings: {
            LOCATION: name,
            KV_DELAY_MS: String(options.kvDelayMs ?? 60_000),
            ADMIN_TOKEN,
            SERVICE_ORIGINS: "demo-origin.internal=DEMO_ORIGIN",
            AUTHORITY_STALE_LIMIT_MS: String(options.staleLimitMs ?? 10_000),
            // A Durable Object's first call on this shared machine can take longer than the default 250 ms.
            TIER_TIMEOUT_MS: "5000",
            ...(options.statsFlushMs === undefined ? {} : { STATS_FLUSH_MS: String(options.statsFlushMs) }),
          },
        })),
        {
          // Defines the shared namespace; it serves no requests of its own.
          name: "authority",
          modules: true,
          scriptPath: gateway,
          modulesRoot: dirname(gateway),
          compatibilityDate: COMPATIBILITY_DATE,
          // SQLite-backed, as wrangler.toml declares it (`new_sqlite_classes`): the stats live in its SQL table.
          durableObjects: {
            AUTHORITY: { className: "ProjectAuthority", useSQLite: true },
            TIER: { className: "AnswerTier", useSQLite: true },
          },
        },
        {
          name: "demo-origin",
          modules: true,
          scriptPath: demo,
          modulesRoot: dirname(demo),
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: { DB: "locations-demo" },
          bindings: { ORIGIN_INSTRUMENTATION: "on" },
        },
      ],
    }),
  );
  await mf.ready;
  const worker = async (name: string) => (await mf.getWorker(name)) as unknown as WorkerFetcher;
  const workers = new Map(await Promise.all(names.map(async (name) => [name, await worker(`location-${name}`)] as const)));
  const originWorker = await worker("demo-origin");
  return {
    names,
    async fetch(name, path, init) {
      return workers.get(name)!.fetch(`http://gateway.test${path}`, init);
    },
    async origin(query) {
      const response = await originWorker.fetch("https://demo-origin.internal/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return response.json();
    },
    async kv(name, key) {
      const response = await workers.get(name)!.fetch(`http://gateway.test/__harness/kv?key=${encodeURIComponent(key)}`);
      return ((await response.json()) as { value: unknown }).value;
    },
    async reachable(name, value) {
      const response = await workers
        .get(name)!
        .fetch(`http://gateway.test/__harness/authority?reachable=${value ? 1 : 0}`, { method: "POST" });
      await response.text();
    },
    dispose: () => mf.dispose(),
  };
}

/**
 * Runs `change`, then polls every location (every 25 ms, as a busy location's traffic would) until
 * `done` holds there; answers the milliseconds from the start of the change until the last one.
 *
 * @throws Error naming the locations that still answer the old way after `timeoutMs`.
 * @example const ms = await timeToConverge(world, "purge", () => purgeAt("a"), (l) => servesNew(l));
 */
export async function timeToConverge(
  world: Pick<Locations, "names">,
  name: string,
  change: () => Promise<void>,
  done: (location: string) => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<number> {
  const started = performance.now();
  await change();
  const pending = new Set(world.names);
  let last = 0;
  while (pending.size) {
    for (const location of [...pending]) {
      if (await done(location)) {
        pending.delete(location);
        last = performance.now() - started;
      }
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`${name}: ${[...pending]} still answer the old way after ${timeoutMs / 1000} s`);
    if (pending.size) await new Promise((r) => setTimeout(r, 25));
  }
  return last;
}
