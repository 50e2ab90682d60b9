#!/usr/bin/env node
// Bundles the in-browser explorer (explorer/main.tsx: GraphiQL, React, CodeMirror and their CSS)
// with esbuild into one script and one stylesheet, and writes them as strings into
// src/explorer/generated/assets.js, which the Worker imports: the explorer's assets are served by
// the Worker itself, from its bundle, never from a CDN. The file is generated (not committed);
// src/explorer/generated/assets.d.ts types it.
//
// Runs before `npm start` and `npm test`, and as wrangler's [build] command for `wrangler dev` and
// `wrangler deploy`. Skips the work when its inputs have not changed since the last build.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { assertSelfContained, inputsFingerprint, isUpToDate, kib, root, writeAssetsModule } from "./page-assets.mjs";

const output = `${root}src/explorer/generated/assets.js`;

/**
 * Builds the explorer assets module unless it is up to date. Returns its path.
 * @param {{ force?: boolean, quiet?: boolean }} [options]
 */
export async function buildExplorer(options = {}) {
  const fingerprint = inputsFingerprint("explorer", /\.(tsx?|css)$/, import.meta.url);
  if (!options.force && isUpToDate(output, fingerprint)) return output;

  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["explorer/main.tsx"],
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: ["chrome111", "firefox113", "safari16.4"],
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    // Licence comments of the bundled packages stay in the files, at their end.
    legalComments: "eof",
    outdir: "explorer-build",
    write: false,
    logLevel: "warning",
  });
  const script = result.outputFiles.find((file) => file.path.endsWith(".js"))?.text;
  const style = result.outputFiles.find((file) => file.path.endsWith(".css"))?.text;
  if (!script || !style) throw new Error("build-explorer: esbuild produced no script or no stylesheet");
  assertSelfContained("build-explorer", script, style);

  const assets = writeAssetsModule({
    output,
    fingerprint,
    generator: "scripts/build-explorer.mjs from explorer/",
    exportName: "EXPLORER_ASSETS",
    prefix: "graphiql",
    script,
    style,
  });
  if (!options.quiet)
    console.log(`explorer: ${assets.script.name} ${kib(script)}, ${assets.style.name} ${kib(style)} (${Date.now() - started} ms)`);
  return output;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildExplorer({ force: process.argv.includes("--force") });
}
