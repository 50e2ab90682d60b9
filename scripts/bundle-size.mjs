#!/usr/bin/env node
// `npm run size`: `wrangler deploy --dry-run` for each deployable Worker, its bundle size against
// the Workers plans' limits (compressed: 3 MiB on Free, 10 MiB on Paid), and its bindings. Exits 1
// when a bundle is over the Free plan's limit. CI runs it after the tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const LIMITS_KIB = { free: 3 * 1024, paid: 10 * 1024 };
export const TARGETS = [
  { name: "gateway (with the demo binding)", args: ["--env", ""] },
  { name: "gateway, --env production", args: ["--env", "production"] },
  { name: "demo origin", args: ["-c", "demo/wrangler.toml"] },
];

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs one dry run; returns its sizes (KiB) and the bindings table wrangler printed. */
export function dryRun(args) {
  const outdir = mkdtempSync(join(tmpdir(), "content-edge-dry-"));
  const output = execFileSync(
    process.execPath,
    [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir, ...args],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const size = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!size) throw new Error(`no size in wrangler's output:\n${output}`);
  const bindings = output.slice(output.indexOf("Your Worker has access"), output.indexOf("--dry-run: exiting"));
  return { uploadKiB: Number(size[1]), gzipKiB: Number(size[2]), bindings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let over = false;
  console.log("bundle size (wrangler deploy --dry-run)");
  for (const target of TARGETS) {
    const { uploadKiB, gzipKiB } = dryRun(target.args);
    const share = ((gzipKiB / LIMITS_KIB.free) * 100).toFixed(1);
    console.log(
      `  ${target.name.padEnd(34)} ${uploadKiB.toFixed(1).padStart(8)} KiB, gzip ${gzipKiB.toFixed(1).padStart(7)} KiB = ${share}% of Free (3 MiB), ${((gzipKiB / LIMITS_KIB.paid) * 100).toFixed(1)}% of Paid (10 MiB)`,
    );
    if (gzipKiB > LIMITS_KIB.free) over = true;
  }
  if (over) {
    console.error("a bundle is over the Free plan's 3 MiB compressed limit");
    process.exit(1);
  }
}
