import { describe, expect, it } from "vitest";
import { chromiumCandidates } from "./support/chromium";
import { ensureChromium, INSTALL_COMMAND, type ChromiumMachine } from "./support/chromium-setup";

/** A machine where Chromium is `present` (or appears once installed), with what happened recorded. */
function machine(options: { present: boolean; isRoot: boolean; hasAptGet: boolean; installWorks: boolean }) {
  let installed = options.present;
  const happened: string[] = [];
  const fake: ChromiumMachine = {
    find: () => (installed ? "/usr/bin/chromium" : undefined),
    isRoot: options.isRoot,
    hasAptGet: options.hasAptGet,
    install: () => {
      happened.push("install");
      installed = options.installWorks;
      return options.installWorks;
    },
    log: (line) => happened.push(line),
  };
  return { fake, happened };
}

describe("npm test without Chromium (issue 20, §7)", () => {
  it.each([
    ["present", { present: true, isRoot: false, hasAptGet: true, installWorks: false }, "ok", []],
    [
      "missing, as root with apt-get",
      { present: false, isRoot: true, hasAptGet: true, installWorks: true },
      "ok",
      ["installing", "install"],
    ],
    [
      "missing, as root, apt-get fails",
      { present: false, isRoot: true, hasAptGet: true, installWorks: false },
      "missing",
      ["installing", "install", "missing"],
    ],
    ["missing, not root", { present: false, isRoot: false, hasAptGet: true, installWorks: true }, "missing", ["missing"]],
    ["missing, as root without apt-get", { present: false, isRoot: true, hasAptGet: false, installWorks: true }, "missing", ["missing"]],
  ] as const)("%s: %s", (_name, options, outcome, steps) => {
    const { fake, happened } = machine(options);
    const missing = ensureChromium(fake);
    expect(missing === "" ? "ok" : "missing").toBe(outcome);
    expect(happened.map((line) => (line === "install" ? "install" : line.includes("installing") ? "installing" : "missing"))).toEqual(
      steps,
    );
    if (outcome === "missing") {
      // One line, with the exact command, printed and returned for the browser tests to fail with.
      expect(missing).not.toContain("\n");
      expect(missing).toContain(`\`${INSTALL_COMMAND}\``);
      expect(happened.at(-1)).toBe(missing);
    }
  });

  it.each([
    [{}, ["/usr/bin/chromium", "/usr/bin/chromium-browser"]],
    [{ CHROMIUM_PATH: "/opt/chrome/chrome" }, ["/opt/chrome/chrome"]],
  ])("looks for Chromium in %j: %j", (env, candidates) => {
    expect(chromiumCandidates(env)).toEqual(candidates);
  });
});
