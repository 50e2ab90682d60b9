import { spawnSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { findChromium } from "./chromium";

/** What {@link ensureChromium} needs from the machine (replaced in its unit test). */
export interface ChromiumMachine {
  find: () => string | undefined;
  isRoot: boolean;
  hasAptGet: boolean;
  /** Runs apt-get; true when it succeeded. */
  install: () => boolean;
  log: (line: string) => void;
}

/** The command a person runs to get the browser tests going. */
export const INSTALL_COMMAND = "sudo apt-get install -y chromium";

/**
 * Makes sure the browser tests have a Chromium before any test runs: found → nothing to do;
 * missing and running as root with apt-get → installed, as `.ci/run` does; otherwise one line
 * with the exact command, returned so that only the browser tests fail with it (the rest of
 * `npm test` runs). Returns "" when Chromium is there.
 *
 * @example
 * ensureChromium({ find: () => undefined, isRoot: false, hasAptGet: true, install, log });
 * // "npm test: the browser tests need Chromium, which is not installed: run `sudo apt-get install -y chromium` …"
 */
export function ensureChromium(machine: ChromiumMachine): string {
  if (machine.find()) return "";
  if (machine.isRoot && machine.hasAptGet) {
    machine.log("npm test: Chromium is missing; installing it (apt-get install -y chromium, as .ci/run does) …");
    if (machine.install() && machine.find()) return "";
  }
  const missing =
    `npm test: the browser tests need Chromium, which is not installed: run \`${INSTALL_COMMAND}\` ` +
    "(or set CHROMIUM_PATH to a Chromium or Chrome binary); test/e2e/browser.test.ts and test/e2e/console.test.ts fail until then.";
  machine.log(missing);
  return missing;
}

function aptGetInstall(): boolean {
  const quiet = { stdio: "ignore" as const, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  return (
    spawnSync("apt-get", ["update", "-qq"], quiet).status === 0 &&
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], quiet).status === 0
  );
}

/** The e2e project's global set-up (test/vitest.e2e.config.ts). */
export default function setup(project: TestProject): void {
  const missing = ensureChromium({
    find: findChromium,
    // A CHROMIUM_PATH that names a missing file is not fixed by installing Debian's package.
    isRoot: process.getuid?.() === 0 && !process.env["CHROMIUM_PATH"],
    hasAptGet: spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0,
    install: aptGetInstall,
    log: (line) => console.error(line),
  });
  project.provide("chromiumMissing", missing);
}
