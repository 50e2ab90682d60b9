import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineProject({
  // Instrumentation (request recording, faults, test JWKS) is off in demo/wrangler.toml; tests ask for it.
  plugins: [
    cloudflareTest({ wrangler: { configPath: `${root}/demo/wrangler.toml` }, miniflare: { bindings: { ORIGIN_INSTRUMENTATION: "on" } } }),
  ],
  root,
  test: {
    dir: root,
    name: "demo",
    include: ["test/demo/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
