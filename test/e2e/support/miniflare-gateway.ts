import { buildSync } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDemoOrigin } from "../../build-demo-origin.ts";
import { buildConsole } from "../../../scripts/build-console.mjs";
import { WORKER_BUNDLE_OPTIONS } from "../../../scripts/worker-bundle.mjs";

/** The gateway served by workerd through Miniflare's API: one URL straight to the Worker, one through Miniflare's entry worker. */
export interface MiniflareGateway {
  /** workerd's socket bound to the gateway Worker itself (what production's runtime does). */
  direct: string;
  /** Miniflare's entry socket, which forwards to the gateway through its router worker. */
  entry: string;
  adminToken: string;
  /** workerd's socket bound to the demo origin (its instrumentation API, when it is on). */
  demo: string;
  dispose: () => Promise<void>;
}

export interface MiniflareGatewayOptions {
  /** More variables for the gateway (e.g. Cloudflare Access's). */
  bindings?: Record<string, string>;
  /** Variables for the demo origin (e.g. `ORIGIN_INSTRUMENTATION: "on"`, whose certs play an Access team's). */
  demoBindings?: Record<string, string>;
  /**
   * Serve .build/assets/ (the console's script and stylesheet) as wrangler.toml's `[assets]` does,
   * on the entry socket: what a browser test of the console needs.
   */
  assets?: boolean;
}

const root = fileURLToPath(new URL("../../..", import.meta.url));

function buildGateway(): string {
  buildConsole({ quiet: true });
  const outfile = `${root}.build/gateway.mjs`;
  buildSync({ ...WORKER_BUNDLE_OPTIONS, entryPoints: [`${root}src/index.ts`], outfile });
  return outfile;
}

/**
 * Builds src/index.ts and the demo origin and serves them in one Miniflare (KV, Cache API, D1,
 * the project authorities' Durable Object),
 * as `wrangler.toml` wires them, without `wrangler dev` in front.
 */
export async function startMiniflareGateway(options: MiniflareGatewayOptions = {}): Promise<MiniflareGateway> {
  const gateway = buildGateway();
  const demo = buildDemoOrigin();
  const adminToken = `mf-${Math.random().toString(36).slice(2)}`;
  // Miniflare 4's option shape, which wrangler and the Vitest plugin also hand to Miniflare 5 this way.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "content-edge",
          modules: true,
          scriptPath: gateway,
          modulesRoot: dirname(gateway),
          compatibilityDate: "2026-04-01",
          kvNamespaces: ["CONFIG"],
          // SQLite-backed, as wrangler.toml declares it (`new_sqlite_classes`).
          durableObjects: { AUTHORITY: { className: "ProjectAuthority", useSQLite: true } },
          cache: true,
          bindings: { ADMIN_TOKEN: adminToken, SERVICE_ORIGINS: "demo-origin.internal=DEMO_ORIGIN", ...options.bindings },
          ...(options.assets
            ? {
                assets: {
                  directory: `${root}.build/assets`,
                  run_worker_first: ["/*", "!/_explorer/*", "!/admin/assets/*"],
                  routerConfig: { has_user_worker: true },
                },
              }
            : {}),
          serviceBindings: { DEMO_ORIGIN: "content-edge-demo-origin" },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
        {
          name: "content-edge-demo-origin",
          modules: true,
          scriptPath: demo,
          modulesRoot: dirname(demo),
          compatibilityDate: "2026-04-01",
          d1Databases: { DB: "content-edge-demo-e2e" },
          bindings: { ...options.demoBindings },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    }),
  );
  const entry = (await mf.ready).href.replace(/\/$/, "");
  const direct = (await mf.unsafeGetDirectURL("content-edge")).href.replace(/\/$/, "");
  const demoUrl = (await mf.unsafeGetDirectURL("content-edge-demo-origin")).href.replace(/\/$/, "");
  return { direct, entry, demo: demoUrl, adminToken, dispose: () => mf.dispose() };
}
