import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import { WORKER_BUNDLE_OPTIONS } from "../scripts/worker-bundle.mjs";

/**
 * Bundles the demo origin Worker into one ES module so Miniflare can run it as an auxiliary
 * worker beside the gateway under test (auxiliary workers are not bundled by Vite).
 * Returns the path of the bundle.
 */
export function buildDemoOrigin(): string {
  const outfile = fileURLToPath(new URL("../.build/demo-origin.mjs", import.meta.url));
  buildSync({ ...WORKER_BUNDLE_OPTIONS, entryPoints: [fileURLToPath(new URL("../demo/src/index.ts", import.meta.url))], outfile });
  return outfile;
}
