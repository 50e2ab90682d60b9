import { defineProject } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineProject({
  root,
  test: {
    dir: root,
    name: "e2e",
    include: ["test/e2e/**/*.test.ts"],
    // Chromium for the browser tests: installed when missing (as root), else one line saying how.
    globalSetup: [`${root}test/e2e/support/chromium-setup.ts`],
    environment: "node",
    // Each file starts its own `npm start` (and the browser tests a Chromium): one at a time on 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
