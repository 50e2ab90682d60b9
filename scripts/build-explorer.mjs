#!/usr/bin/env node
// Bundles the in-browser explorer (explorer/main.tsx: GraphiQL, React, CodeMirror and their CSS)
// with esbuild into one script, one stylesheet and its fonts, written under
// .build/assets/_explorer/ with content-hashed names: Workers Static Assets serve them, from the
// gateway's own host, never a CDN. src/explorer/generated/assets.js (generated, not committed;
// typed by assets.d.ts) names the script's and stylesheet's URLs for the Worker's page.
//
// Runs before `npm start` and `npm test`, and as wrangler's [build] command for `wrangler dev` and
// `wrangler deploy`. Skips the work when its inputs have not changed since the last build.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { assertSelfContained, extractInlineFonts, inputsFingerprint, isUpToDate, kib, root, writePageAssets } from "./page-assets.mjs";

const output = `${root}src/explorer/generated/assets.js`;

/**
 * Builds the explorer's assets and their module unless they are up to date. Returns the module's path.
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
  const inlined = result.outputFiles.find((file) => file.path.endsWith(".css"))?.text;
  if (!script || !inlined) throw new Error("build-explorer: esbuild produced no script or no stylesheet");
  const { style, fonts } = extractInlineFonts(inlined, "graphiql-font");
  assertSelfContained(
    "build-explorer",
    script,
    style,
    fonts.map((font) => font.name),
  );

  const urls = writePageAssets({
    output,
    fingerprint,
    generator: "scripts/build-explorer.mjs from explorer/",
    exportName: "EXPLORER_ASSETS",
    path: "/_explorer",
    prefix: "graphiql",
    script,
    style,
    files: fonts,
  });
  if (!options.quiet) {
    const fontBytes = fonts.reduce((sum, font) => sum + font.bytes.byteLength, 0);
    console.log(
      `explorer: ${urls.script} ${kib(script)}, ${urls.style} ${kib(style)}, ${fonts.length} fonts ${kib(new Uint8Array(fontBytes))} (${Date.now() - started} ms)`,
    );
  }
  return output;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildExplorer({ force: process.argv.includes("--force") });
}
