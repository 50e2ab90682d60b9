// How a Worker module is bundled for workerd outside wrangler (the tests' auxiliary workers, the
// multi-location harness, the benchmark): the options wrangler's own esbuild step uses for a
// module Worker, so what runs there is built as `wrangler deploy` would build it.

/**
 * esbuild options for one ES-module Worker: workerd's export conditions, `cloudflare:*` left to
 * the runtime, `.graphql` and `.sql` files imported as text. Add `entryPoints` and `outfile`.
 * @type {import("esbuild").BuildOptions}
 * @example buildSync({ ...WORKER_BUNDLE_OPTIONS, entryPoints: ["src/index.ts"], outfile: ".build/gateway.mjs" });
 */
export const WORKER_BUNDLE_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  loader: { ".graphql": "text", ".sql": "text" },
  // Runtime modules workerd provides (the gateway's Durable Object base class).
  external: ["cloudflare:*"],
  logLevel: "warning",
};
