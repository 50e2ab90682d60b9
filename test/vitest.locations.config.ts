import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The multi-location harness (issue 12): Node drives one Miniflare with several gateway workers
 * acting as separate locations (test/locations/harness.ts).
 */
export default defineProject({
  root,
  test: {
    dir: root,
    name: "locations",
    include: ["test/locations/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
