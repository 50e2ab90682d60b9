import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM scripts, no declarations
import { dryRun, LIMITS_KIB } from "../../scripts/bundle-size.mjs";
// @ts-expect-error: plain ESM scripts, no declarations
import { DEV_DEFAULT_ADMIN_TOKEN, parseDotenv, resolveAdminToken } from "../../scripts/admin-token.mjs";

/**
 * Deploy and local-run conventions a Workers user relies on (issue 14): what `wrangler deploy`
 * would upload for each environment, and where `npm start` takes the admin token from.
 */
type DryRun = { uploadKiB: number; gzipKiB: number; bindings: string };

describe("wrangler deploy --dry-run", () => {
  it("the default environment binds the config KV and the demo origin, well inside the Free plan", () => {
    const run = dryRun(["--env", ""]) as DryRun;
    expect(run.bindings).toMatch(/env\.CONFIG\s+KV Namespace/);
    expect(run.bindings).toContain("env.DEMO_ORIGIN");
    expect(run.gzipKiB).toBeLessThan(LIMITS_KIB.free);
  });

  it("production has no demo binding and no service origins", () => {
    const run = dryRun(["--env", "production"]) as DryRun;
    expect(run.bindings).toMatch(/env\.CONFIG\s+KV Namespace/);
    expect(run.bindings).not.toContain("DEMO_ORIGIN");
    expect(run.bindings).not.toContain("SERVICE_ORIGINS");
  });

  it("a deployed demo origin never has its instrumentation on", () => {
    const run = dryRun(["-c", "demo/wrangler.toml"]) as DryRun;
    expect(run.bindings).toContain("D1 Database");
    expect(run.bindings).not.toContain("ORIGIN_INSTRUMENTATION");
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
