import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM scripts, no declarations
import { BUDGET_KIB, dryRun, overBudget, parseDryRun } from "../../scripts/bundle-size.mjs";
// @ts-expect-error: plain ESM scripts, no declarations
import { DEV_DEFAULT_ADMIN_TOKEN, parseDotenv, resolveAdminToken } from "../../scripts/admin-token.mjs";

/**
 * Deploy and local-run conventions a Workers user relies on (issues 14, 20): what `npm run deploy`
 * and `wrangler deploy` would upload for each environment, without a warning, within the size
 * budget, and where `npm start` takes the admin token from.
 */
type DryRun = { uploadKiB: number; gzipKiB: number; bindings: string; assetFiles: number; warnings: string[]; outdir: string };

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run deploy", () => {
  it("builds the assets and deploys --env production: the gateway alone, no warning, within the budget, with its source map", () => {
    const outdir = mkdtempSync(join(tmpdir(), "content-edge-deploy-"));
    // npm appends arguments after `--` to the script's last command, `wrangler deploy --env production`.
    const run = spawnSync("npm", ["run", "deploy", "--", "--dry-run", "--outdir", outdir], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const printed = `${run.stdout}\n${run.stderr}`;
    expect(printed).toContain("wrangler deploy --env production --dry-run");
    const deploy = parseDryRun(printed) as Omit<DryRun, "outdir">;
    // Every var and binding is declared under [env.production]: nothing "is not inherited".
    expect(deploy.warnings).toEqual([]);
    expect(printed).not.toMatch(/not inherited/);
    expect(deploy.gzipKiB).toBeLessThanOrEqual(BUDGET_KIB);
    expect(deploy.assetFiles).toBeGreaterThan(0);
    expect(deploy.bindings).toMatch(/env\.CONFIG\s+KV Namespace/);
    expect(deploy.bindings).toMatch(/env\.AUTHORITY \(ProjectAuthority\)\s+Durable Object/);
    expect(deploy.bindings).not.toContain("DEMO_ORIGIN");
    expect(deploy.bindings).not.toContain("SERVICE_ORIGINS");
    // upload_source_maps: the map beside the bundle names the TypeScript sources.
    const map = JSON.parse(readFileSync(join(outdir, "index.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith("src/app.ts"))).toBe(true);
  });
});

describe("wrangler deploy --dry-run", () => {
  it("--env demo binds the config KV and the demo origin, without a warning, within the budget", () => {
    const run = dryRun(["--env", "demo"]) as DryRun;
    expect(run.bindings).toMatch(/env\.CONFIG\s+KV Namespace/);
    expect(run.bindings).toContain("env.DEMO_ORIGIN");
    expect(run.bindings).toContain('env.SERVICE_ORIGINS ("demo-origin.internal=DEMO_ORIGIN")');
    expect(run.warnings).toEqual([]);
    expect(run.gzipKiB).toBeLessThanOrEqual(BUDGET_KIB);
    expect(existsSync(join(run.outdir, "index.js.map"))).toBe(true);
  });

  it("a deployed demo origin never has its instrumentation on", () => {
    const run = dryRun(["-c", "demo/wrangler.toml", "--env", "demo"]) as DryRun;
    expect(run.bindings).toContain("D1 Database");
    expect(run.bindings).not.toContain("ORIGIN_INSTRUMENTATION");
    expect(run.warnings).toEqual([]);
    expect(run.gzipKiB).toBeLessThanOrEqual(BUDGET_KIB);
  });
});

describe("npm run size's budget: 250 KiB gzipped per Worker, which fails the command above it", () => {
  it("is 250 KiB", () => expect(BUDGET_KIB).toBe(250));

  it.each<[string, { name: string; gzipKiB: number }[], string[]]>([
    [
      "every Worker within it",
      [
        { name: "gateway", gzipKiB: 199.9 },
        { name: "demo", gzipKiB: BUDGET_KIB },
      ],
      [],
    ],
    [
      "one over it",
      [
        { name: "gateway", gzipKiB: 904.1 },
        { name: "demo", gzipKiB: 94.7 },
      ],
      ["gateway: 904.1 KiB"],
    ],
  ])("%s", (_name, results, over) => {
    expect(overBudget(results)).toEqual(over);
  });
});

describe("npm start's admin token", () => {
  const rootWith = (devVars?: string) => {
    const root = mkdtempSync(join(tmpdir(), "content-edge-root-"));
    if (devVars !== undefined) writeFileSync(join(root, ".dev.vars"), devVars);
    return root;
  };

  it.each([
    ["the environment wins over .dev.vars", { ADMIN_TOKEN: "from-env" }, "ADMIN_TOKEN=from-file\n", "from-env", "env"],
    [".dev.vars when the environment has none", {}, '# local secrets\nADMIN_TOKEN="from-file"\nOTHER=x\n', "from-file", ".dev.vars"],
    ["the dev default otherwise", {}, undefined, DEV_DEFAULT_ADMIN_TOKEN, "default"],
  ])("%s", (_name, env, devVars, token, source) => {
    const root = rootWith(devVars);
    const resolved = resolveAdminToken(root, env) as { token: string; source: string; envFiles: string[] };
    expect(resolved).toMatchObject({ token, source });
    // .dev.vars is always loaded first; a token not from it comes in a later, private env file.
    if (devVars !== undefined) expect(resolved.envFiles[0]).toBe(join(root, ".dev.vars"));
    if (source !== ".dev.vars") {
      const file = resolved.envFiles.at(-1)!;
      expect(readFileSync(file, "utf8")).toBe(`ADMIN_TOKEN=${JSON.stringify(token)}\n`);
      expect(statSync(file).mode & 0o077).toBe(0);
    } else expect(resolved.envFiles).toEqual([join(root, ".dev.vars")]);
  });

  it("reads .dev.vars as dotenv text", () => {
    expect(parseDotenv("A=1\n export B = 'two' \n# C=3\nD=four # note\nE=\"#x\"")).toEqual({ A: "1", B: "two", D: "four", E: "#x" });
  });
});
