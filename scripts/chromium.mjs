#!/usr/bin/env node
// The Chromium that the browser tests drive (test/e2e/support/chromium.ts): the one CHROMIUM_PATH
// names, or Debian's package. Run as a script, it is `npm test`'s pretest: when no Chromium is
// found, root installs Debian's package (as CI runs, on a fresh machine), anyone else is told the
// exact command in one line and `npm test` goes on, so that only the browser tests fail, saying
// the same. It never fails `npm test` itself.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const APT_GET = "/usr/bin/apt-get";

/** The command that installs the browser on Debian. */
const CHROMIUM_INSTALL = "apt-get install -y chromium";

/**
 * Where the tests look for Chromium, in order.
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function chromiumCandidates(env = process.env) {
  return [env["CHROMIUM_PATH"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((path) => Boolean(path));
}

/**
 * The first candidate that exists, or undefined.
 * @param {Record<string, string | undefined>} env
 * @param {(path: string) => boolean} exists
 * @returns {string | undefined}
 */
export function findChromium(env = process.env, exists = existsSync) {
  return chromiumCandidates(env).find((path) => exists(path));
}

/**
 * One line: what is missing and the exact command that installs it.
 * @param {Record<string, string | undefined>} env
 * @param {boolean} root
 */
export function missingChromiumMessage(env = process.env, root = process.getuid?.() === 0) {
  return (
    `No Chromium for the browser tests (looked at ${chromiumCandidates(env).join(", ")}): ` +
    `install it with \`${root ? "" : "sudo "}${CHROMIUM_INSTALL}\`, or set CHROMIUM_PATH to a Chromium.`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.getuid?.() === 0;
  if (!findChromium() && root && existsSync(APT_GET)) {
    console.log(`npm test: no Chromium for the browser tests; installing Debian's (${CHROMIUM_INSTALL})`);
    try {
      const options = /** @type {const} */ ({
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
      execFileSync(APT_GET, ["update", "-qq"], options);
      execFileSync(APT_GET, ["install", "-y", "-qq", "chromium"], options);
    } catch {
      // Said below, in the same line as without root.
    }
  }
  const found = findChromium();
  if (found) {
    let version = "its version unknown";
    try {
      version = execFileSync(found, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      // The tests will say what is wrong with it.
    }
    console.log(`npm test: the browser tests use ${found} (${version})`);
  } else {
    console.error(`npm test: ${missingChromiumMessage(process.env, root)} The other tests run; the browser tests fail.`);
  }
}
