import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { inject } from "vitest";

/** Where a Chromium is looked for: CHROMIUM_PATH alone when it is set, else Debian's and Ubuntu's paths. */
export function chromiumCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return env["CHROMIUM_PATH"] ? [env["CHROMIUM_PATH"]] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
}

/**
 * Debian's Chromium (`apt-get install -y chromium`; `npm test` installs it when missing and run as
 * root, as `.ci/run` does), or the browser named by CHROMIUM_PATH; `undefined` when none is there.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  return chromiumCandidates(env).find((path) => existsSync(path));
}

/**
 * Fails the calling test file, before it starts anything, with the one line the e2e project's
 * set-up printed when Chromium is missing (the install command). Only the browser tests call it,
 * so only they fail.
 */
export function requireChromium(): void {
  const missing = inject("chromiumMissing");
  if (missing) throw new Error(missing);
}

function chromiumPath(): string {
  const found = findChromium();
  if (!found)
    throw new Error(`No Chromium found (looked at ${chromiumCandidates().join(", ")}). Install it with: apt-get install -y chromium`);
  return found;
}

/** A headless Chromium with a fresh profile (no cache, no storage from earlier runs). */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "content-edge-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
