import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `npm test`'s lint step while `npm start` runs (issue 20, §7): wrangler writes its bundles under
 * every config's `.wrangler/tmp/`, the demo origin's included, and those are not ours to lint.
 */
describe("eslint.config.js", () => {
  const eslint = new ESLint({ cwd: root });

  it.each([
    [".wrangler/tmp/dev-abc/index.js", true],
    ["demo/.wrangler/tmp/dev-abc/index.js", true],
    ["src/console/generated/assets.js", true],
    ["src/app.ts", false],
    ["demo/src/index.ts", false],
    ["scripts/start.mjs", false],
  ])("%s ignored: %s", async (path, ignored) => {
    expect(await eslint.isPathIgnored(`${root}${path}`)).toBe(ignored);
  });
});
