import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Unit tests of the Node scripts in scripts/ (what `npm start` and `npm run size` run), in Node. */
export default defineProject({
  root,
  test: {
    dir: root,
    name: "scripts",
    include: ["test/scripts/**/*.test.ts"],
    environment: "node",
    // `wrangler deploy --dry-run` bundles the gateway: a few seconds on 2 cores.
    testTimeout: 120_000,
  },
});
