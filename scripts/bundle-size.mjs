#!/usr/bin/env node
// `npm run size`: `wrangler deploy --dry-run` for each deployable Worker, its bundle size against
// this repository's budget (250 KiB gzipped: the explorer's and the console's files are static
// assets, not part of the Worker) and the Workers plans' limits (compressed: 3 MiB on Free, 10 MiB
// on Paid), and its bindings. Exits 1 when a Worker is over the budget. CI runs it after the tests.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const LIMITS_KIB = { free: 3 * 1024, paid: 10 * 1024 };
/** The most a Worker's upload may weigh, gzipped (issue 20: 897 KiB while it carried GraphiQL). */
export const BUDGET_KIB = 250;
export const TARGETS = [
  { name: "gateway, --env production", args: ["--env", "production"] },
  { name: "gateway, --env demo", args: ["--env", "demo"] },
  { name: "demo origin, --env demo", args: ["-c", "demo/wrangler.toml", "--env", "demo"] },
];

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs one dry run; returns what {@link parseDryRun} reads from it and the directory it wrote the
 * bundle (and its source map) to.
 * @param {string[]} args
 */
export function dryRun(args) {
  const outdir = mkdtempSync(join(tmpdir(), "content-edge-dry-"));
  const run = spawnSync(
    process.execPath,
    [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir, ...args],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`wrangler deploy --dry-run ${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  return { ...parseDryRun(`${run.stdout}\n${run.stderr}`), outdir };
}

/**
 * What `wrangler deploy --dry-run` printed: the upload's sizes (KiB), the bindings table, the
 * number of entries it read from the assets directory (files and directories), and the text of
 * each warning (ANSI colours removed).
 * @param {string} printed its stdout and stderr
 */
export function parseDryRun(printed) {
  // eslint-disable-next-line no-control-regex -- wrangler colours its output
  const output = printed.replace(/\x1b\[[\d;]*m/g, "");
  const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!size) throw new Error(`no size in wrangler's output:\n${output}`);
  const bindings = output.slice(output.indexOf("Your Worker has access"), output.indexOf("--dry-run: exiting"));
  const assetFiles = Number(/Read (\d+) files? from the assets directory/.exec(output)?.[1] ?? 0);
  // A warning is a block that starts at the beginning of a line and goes on with indented or blank lines.
  const warnings = output.split(/\n(?=\S)/).filter((block) => block.includes("[WARNING]"));
  return { uploadKiB: Number(size[1]), gzipKiB: Number(size[2]), bindings, assetFiles, warnings };
}

/**
 * The Workers over the budget, as "name: size" lines; empty when every one fits.
 * @param {{ name: string, gzipKiB: number }[]} results @param {number} [budget]
 * @example overBudget([{ name: "gateway", gzipKiB: 251 }]) // ["gateway: 251.0 KiB"]
 */
export function overBudget(results, budget = BUDGET_KIB) {
  return results.filter((result) => result.gzipKiB > budget).map((result) => `${result.name}: ${result.gzipKiB.toFixed(1)} KiB`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`bundle size (wrangler deploy --dry-run), budget ${BUDGET_KIB} KiB gzipped`);
  const results = TARGETS.map((target) => {
    const { uploadKiB, gzipKiB, assetFiles, warnings } = dryRun(target.args);
    const share = (limit) => `${((gzipKiB / limit) * 100).toFixed(1)}%`;
    console.log(
      `  ${target.name.padEnd(28)} ${uploadKiB.toFixed(1).padStart(8)} KiB, gzip ${gzipKiB.toFixed(1).padStart(6)} KiB = ${share(BUDGET_KIB)} of the budget, ${share(LIMITS_KIB.free)} of Free (3 MiB)` +
        (assetFiles > 0 ? "; static assets beside it" : ""),
    );
    for (const warning of warnings) console.log(`    ${warning.trim().replaceAll("\n", "\n    ")}`);
    return { name: target.name, gzipKiB };
  });
  const over = overBudget(results);
  if (over.length > 0) {
    console.error(`over the ${BUDGET_KIB} KiB gzipped budget: ${over.join(", ")}`);
    process.exit(1);
  }
}
