import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { findChromium, missingChromiumMessage } from "../../../scripts/chromium.mjs";

/**
 * Debian's Chromium (`apt-get install -y chromium`; `npm test` installs it when missing and run as
 * root: scripts/chromium.mjs), or the browser named by CHROMIUM_PATH. A missing browser fails the
 * tests that need it, with the command that installs it.
 */
function chromiumPath(): string {
  const found = findChromium();
  if (!found) throw new Error(missingChromiumMessage());
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
