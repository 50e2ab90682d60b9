/**
 * Bundles the Workers the benchmark runs (the gateway from src/, the fixed origin, optionally the
 * demo origin) into single ES modules under bench/.tmp/, the way wrangler would for workerd.
 */
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildConsole } from "../scripts/build-console.mjs";
import { WORKER_BUNDLE_OPTIONS } from "../scripts/worker-bundle.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const TMP = here("./.tmp/");

/** @type {import("esbuild").BuildOptions} */
const common = {
  ...WORKER_BUNDLE_OPTIONS,
  logLevel: "silent",
  minify: false,
  // What `wrangler deploy` defines (wrangler also sets it for `global.` and `globalThis.`).
  define: {
    "process.env.NODE_ENV": '"production"',
    "global.process.env.NODE_ENV": '"production"',
    "globalThis.process.env.NODE_ENV": '"production"',
  },
};

// The fixed origin should cost as little as it can: graphql-js only drops its development-mode
// checks when it sees `globalThis.process`, which workerd without nodejs_compat lacks.
const ORIGIN_BANNER = 'globalThis.process ??= { env: { NODE_ENV: "production" } };';

async function bundle(entry, name, extra = {}) {
  mkdirSync(TMP, { recursive: true });
  const outfile = `${TMP}${name}.mjs`;
  await build({ ...common, ...extra, entryPoints: [entry], outfile });
  return outfile;
}

/**
 * Builds every bundle; returns their paths. `gatewayEntry` replaces src/index.ts (to compare
 * builds). A gateway build failure is reported, not thrown. */
export async function buildAll(
  /** @type {{ demo?: boolean; gatewayEntry?: string; site?: boolean; locations?: boolean }} */ {
    demo = false,
    gatewayEntry,
    site = false,
    locations = false,
  } = {},
) {
  // The gateway imports the console's generated assets module.
  buildConsole({ quiet: true });
  const out = { origin: await bundle(here("./origin/worker.mjs"), "origin", { banner: { js: ORIGIN_BANNER } }) };
  if (site) out.site = await bundle(here("./site/origin.mjs"), "site-origin", { banner: { js: ORIGIN_BANNER } });
  try {
    out.gateway = await bundle(gatewayEntry ?? here("../src/index.ts"), "gateway");
  } catch (error) {
    out.gatewayError = `esbuild: ${String(error.message ?? error).slice(0, 500)}`;
  }
  // A gateway acting as one location of several (bench/site-locations.mjs).
  if (locations) out.location = await bundle(here("./site/location.mjs"), "site-location");
  if (demo) {
    try {
      out.demo = await bundle(here("../demo/src/index.ts"), "demo-origin");
    } catch (error) {
      out.demoError = `esbuild: ${String(error.message ?? error).slice(0, 500)}`;
    }
  }
  return out;
}
