import { defineConfig } from "vitest/config";

/**
 * Five projects: the gateway and the demo origin each run inside workerd (real KV, Cache API and
 * D1 through Miniflare); the end-to-end tests run in Node and drive the real `npm start` process
 * (and workerd over real sockets); the multi-location harness runs in Node and drives one
 * Miniflare with several gateway locations; the scripts' unit tests run in Node.
 */
export default defineConfig({
  test: {
    // Every audit event is also a log line (src/audit/log-line.ts): thousands in a run, which
    // test/admin/audit-events.test.ts reads with a spy; the reporter leaves them out.
    onConsoleLog: (log) => !log.includes('"type":"audit"'),
    projects: [
      "test/vitest.gateway.config.ts",
      "test/vitest.demo.config.ts",
      "test/vitest.e2e.config.ts",
      "test/vitest.locations.config.ts",
      "test/vitest.scripts.config.ts",
    ],
  },
});
