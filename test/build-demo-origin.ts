import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

/**
 * Bundles the demo origin Worker into one ES module so Miniflare can run it as an auxiliary
 * worker beside the gateway under test (auxiliary workers are not bundled by Vite).
 * Returns the path of the bundle.
 */
export function buildDemoOrigin(): string {
  const outfile = fileURLToPath(new URL("../.build/demo-origin.mjs", import.meta.url));
  buildSync({
    entryPoints: [fileURLToPath(new URL("../demo/src/index.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    loader: { ".sql": "text" },
    outfile,
    logLevel: "warning",
  });
  return outfile;
}
