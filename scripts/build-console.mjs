#!/usr/bin/env node
// Bundles the operator console (console/: plain TypeScript and CSS, no dependencies) with esbuild
// into one script and one stylesheet, written under .build/assets/admin/assets/ with
// content-hashed names: Workers Static Assets serve them, from the gateway's own host, never a
// CDN. src/console/generated/assets.js (generated, not committed; typed by assets.d.ts) names
// their URLs for the Worker's page.
//
// Runs before `npm start`, the tests and the benchmark, and as wrangler's [build] command for
// `wrangler dev` and `wrangler deploy`. Synchronous (esbuild's buildSync) so that any build step
// can call it; skips the work when its inputs have not changed since the last build.
import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";
import { assertSelfContained, inputsFingerprint, isUpToDate, kib, root, writePageAssets } from "./page-assets.mjs";

const output = `${root}src/console/generated/assets.js`;

/**
 * Builds the console's assets and their module unless they are up to date. Returns the module's path.
 * @param {{ force?: boolean, quiet?: boolean }} [options]
 */
export function buildConsole(options = {}) {
  const fingerprint = inputsFingerprint("console", /\.(ts|css)$/, import.meta.url);
  if (!options.force && isUpToDate(output, fingerprint)) return output;

  const started = Date.now();
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: ["console/main.ts"],
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: ["chrome111", "firefox113", "safari16.4"],
    outdir: "console-build",
    write: false,
    logLevel: "warning",
  });
  const script = result.outputFiles.find((file) => file.path.endsWith(".js"))?.text;
  const style = result.outputFiles.find((file) => file.path.endsWith(".css"))?.text;
  if (!script || !style) throw new Error("build-console: esbuild produced no script or no stylesheet");
  assertSelfContained("build-console", script, style);

  const urls = writePageAssets({
    output,
    fingerprint,
    generator: "scripts/build-console.mjs from console/",
    exportName: "CONSOLE_ASSETS",
    path: "/admin/assets",
    prefix: "console",
    script,
    style,
  });
  if (!options.quiet) console.log(`console: ${urls.script} ${kib(script)}, ${urls.style} ${kib(style)} (${Date.now() - started} ms)`);
  return output;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildConsole({ force: process.argv.includes("--force") });
}
