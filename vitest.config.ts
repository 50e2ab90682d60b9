import { defineConfig } from "vitest/config";

/**
 * Three projects: the gateway and the demo origin each run inside workerd (real KV, Cache API and
 * D1 through Miniflare); the end-to-end tests run in Node and drive the real `npm start` process.
 */
export default defineConfig({
  test: {
    projects: ["test/vitest.gateway.config.ts", "test/vitest.demo.config.ts", "test/vitest.e2e.config.ts"],
  },
});
