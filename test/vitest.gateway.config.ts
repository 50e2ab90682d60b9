import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { createServer } from "node:net";

const root = fileURLToPath(new URL("..", import.meta.url));
import { buildDemoOrigin } from "./build-demo-origin.ts";
import { buildConsole } from "../scripts/build-console.mjs";
import { buildExplorer } from "../scripts/build-explorer.mjs";

const demoOrigin = buildDemoOrigin();
// The gateway imports the URLs of the console's and the explorer's assets, and Workers Static
// Assets serve their files from .build/assets/ (both generated, not committed).
buildConsole({ quiet: true });
await buildExplorer({ quiet: true });

// A port that accepts TCP and answers in plain HTTP: an origin `https://127.0.0.1:{port}/` fails
// its TLS handshake (test/scenarios/origin-failures.test.ts). unref(): it never holds the run open.
const plainHttp = createServer((socket) => socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n")));
await new Promise<void>((listening) => plainHttp.listen(0, "127.0.0.1", listening));
plainHttp.unref();
const plainHttpPort = (plainHttp.address() as { port: number }).port;

export default defineProject({
  plugins: [
    cloudflareTest({
      // `--env demo`: the gateway with the demo origin behind its DEMO_ORIGIN service binding.
      wrangler: { configPath: `${root}/wrangler.toml`, environment: "demo" },
      miniflare: {
        // wrangler.toml's [assets] plus a binding the deployed Worker does not have: the pool's
        // SELF is the Worker itself, not the assets router in front of it, so tests of the static
        // assets (test/support/static-assets.ts) fetch them through env.ASSETS.
        assets: { directory: `${root}/.build/assets`, binding: "ASSETS" },
        // FC_RUNS / FC_SEED reach property tests as bindings: workerd has no process.env.
        bindings: {
          ADMIN_TOKEN: "test-admin-token",
          // Cloudflare Access for the admin API: the demo origin plays the Access team and serves
          // its certs (test/support/access.ts); the roles are test/admin/access-sign-in.test.ts's.
          ACCESS_TEAM_DOMAIN: "demo-origin.internal",
          ACCESS_AUD: "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2",
          ACCESS_ROLES: "owner@example.com=owner,*@editors.example=editor,group:content-readers=viewer,service:ci.access=viewer",
          ORIGIN_TIMEOUT_MS: "1000",
          // A Durable Object's first call here (two busy cores) can take longer than the default 250 ms.
          TIER_TIMEOUT_MS: "5000",
          FC_RUNS: process.env["FC_RUNS"] ?? "",
          FC_SEED: process.env["FC_SEED"] ?? "",
        },
        workers: [
          {
            name: "content-edge-demo-origin",
            modules: true,
            scriptPath: demoOrigin,
            modulesRoot: dirname(demoOrigin),
            compatibilityDate: "2026-04-01",
            d1Databases: { DB: "content-edge-demo-test" },
            bindings: { ORIGIN_INSTRUMENTATION: "on" },
          },
        ],
      },
    }),
  ],
  root,
  test: {
    dir: root,
    name: "gateway",
    // Two cores shared with workerd and the demo origin: give slow first requests room.
    testTimeout: 30_000,
    include: ["test/**/*.test.ts"],
    exclude: ["test/demo/**", "test/e2e/**", "test/locations/**", "test/scripts/**"],
    // workerd has no process.env: replay knobs of the fuzz test reach it through inject().
    provide: { fuzzSeed: process.env.FUZZ_SEED ?? "", fuzzRuns: process.env.FUZZ_RUNS ?? "", plainHttpPort },
  },
});
