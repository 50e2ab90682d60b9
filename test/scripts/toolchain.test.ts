import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * One toolchain (issue 20): the tests, `npm start` and `npx wrangler deploy` run on the Node that
 * package.json pins (npm puts node_modules/.bin first on PATH), and wrangler and the Vitest
 * plugin share one miniflare and so one workerd.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

/** The directory of the package `name` as code in the directory `from` finds it: the nearest node_modules/name up the tree. */
function resolvedFrom(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", name, "package.json"))) return join(dir, "node_modules", name);
    if (dir === dirname(dir)) throw new Error(`${name} is not installed for ${from}`);
  }
}

/** Every installed copy of the package `name` (unscoped) in `nodeModules` and the node_modules folders nested in it. */
function installedCopies(name: string, nodeModules = join(root, "node_modules")): string[] {
  const packages = readdirSync(nodeModules, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== ".bin")
    .flatMap((entry) =>
      entry.name.startsWith("@")
        ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true })
            .filter((scoped) => scoped.isDirectory())
            .map((scoped) => join(nodeModules, entry.name, scoped.name))
        : [join(nodeModules, entry.name)],
    );
  return packages.flatMap((path) => [
    ...(path === join(nodeModules, name) ? [path] : []),
    ...(existsSync(join(path, "node_modules")) ? installedCopies(name, join(path, "node_modules")) : []),
  ]);
}

describe("the toolchain", () => {
  it("runs on the Node that package.json pins", () => {
    expect(process.version).toBe(`v${packageJson.devDependencies["node"]}`);
  });

  it("wrangler, the Vitest plugin and the project share one miniflare", () => {
    const miniflare = resolvedFrom(root, "miniflare");
    expect(miniflare).toBe(join(root, "node_modules/miniflare"));
    expect(resolvedFrom(resolvedFrom(root, "wrangler"), "miniflare")).toBe(miniflare);
    expect(resolvedFrom(resolvedFrom(root, "@cloudflare/vitest-plugin"), "miniflare")).toBe(miniflare);
  });

  it("has one workerd under node_modules", () => {
    expect(installedCopies("workerd")).toEqual([join(root, "node_modules/workerd")]);
  });
});
