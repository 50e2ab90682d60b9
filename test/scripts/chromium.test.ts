import { describe, expect, it } from "vitest";
import { chromiumCandidates, findChromium, missingChromiumMessage } from "../../scripts/chromium.mjs";

/** Where `npm test` (its pretest, scripts/chromium.mjs) and the browser tests look for Chromium, and what they say when it is missing. */
describe("the browser tests' Chromium", () => {
  it("CHROMIUM_PATH comes first, then Debian's paths", () => {
    expect(chromiumCandidates({ CHROMIUM_PATH: "/opt/chrome" })).toEqual(["/opt/chrome", "/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    expect(chromiumCandidates({})).toEqual(["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
  });

  it("finds the first candidate that exists, or nothing", () => {
    expect(findChromium({ CHROMIUM_PATH: "/opt/chrome" }, (path) => path !== "/opt/chrome")).toBe("/usr/bin/chromium");
    expect(findChromium({}, () => false)).toBeUndefined();
  });

  it("a missing Chromium is one line with the exact command (sudo unless root)", () => {
    const user = missingChromiumMessage({}, false);
    expect(user).toContain("`sudo apt-get install -y chromium`");
    expect(user).toContain("CHROMIUM_PATH");
    expect(user).not.toContain("\n");
    expect(missingChromiumMessage({}, true)).toContain("`apt-get install -y chromium`");
  });
});
