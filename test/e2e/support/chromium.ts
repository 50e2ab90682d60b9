import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";

/**
 * Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it when missing), or the
 * browser named by CHROMIUM_PATH. A missing browser fails the tests that need it, loudly.
 */
function chromiumPath(): string {
  const candidates = [process.env["CHROMIUM_PATH"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((p): p is string =>
    Boolean(p),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`No Chromium found (looked at ${candidates.join(", ")}). Install it with: apt-get install -y chromium`);
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
