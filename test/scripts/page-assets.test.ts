import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM scripts, no declarations
import { ASSETS_DIR, assertSelfContained, extractInlineFonts } from "../../scripts/page-assets.mjs";
import { buildConsole } from "../../scripts/build-console.mjs";
import { buildExplorer } from "../../scripts/build-explorer.mjs";

/**
 * How the pages' files reach .build/assets/ (wrangler.toml's [assets] directory), which Workers
 * Static Assets serve: content-hashed names, fonts as files of their own, nothing from another host.
 */
type Fonts = { style: string; fonts: { name: string; bytes: Uint8Array }[] };
const WOFF2 = Buffer.from("wOF2 font bytes").toString("base64");

describe("extractInlineFonts", () => {
  it.each<[string, string, RegExp, number]>([
    [
      "an unquoted woff2",
      `src:url(data:font/woff2;base64,${WOFF2}) format('woff2')`,
      /^src:url\(f-[0-9a-f]{16}\.woff2\) format\('woff2'\)$/,
      1,
    ],
    ["a quoted woff", `src:url("data:font/woff;base64,${WOFF2}")`, /^src:url\(f-[0-9a-f]{16}\.woff\)$/, 1],
    [
      "the same font twice is one file",
      `a{src:url(data:font/woff2;base64,${WOFF2})}b{src:url(data:font/woff2;base64,${WOFF2})}`,
      /^a\{src:url\((f-\w+\.woff2)\)\}b\{src:url\(\1\)\}$/,
      1,
    ],
    [
      "an inline image stays inline",
      'i{background:url("data:image/png;base64,iVBO")}',
      /^i\{background:url\("data:image\/png;base64,iVBO"\)\}$/,
      0,
    ],
  ])("%s", (_name, style, expected, files) => {
    const result = extractInlineFonts(style, "f") as Fonts;
    expect(result.style).toMatch(expected);
    expect(result.fonts).toHaveLength(files);
    for (const font of result.fonts) expect(Buffer.from(font.bytes).toString()).toBe("wOF2 font bytes");
  });
});

describe("assertSelfContained", () => {
  it.each<[string, string, string, string[], RegExp | null]>([
    [
      "data: URLs and the files written beside the stylesheet",
      "x()",
      "a{src:url(f-1.woff2)}b{background:url(data:,)}",
      ["f-1.woff2"],
      null,
    ],
    ["a font from a CDN", "x()", "a{src:url(https://fonts.example/x.woff2)}", [], /loads https:\/\/fonts\.example/],
    ["a relative file the build did not write", "x()", "a{src:url(other.woff2)}", ["f-1.woff2"], /loads other\.woff2/],
    ["an @import", "x()", '@import "https://cdn.example/a.css";', [], /@imports/],
    ["a remote script", `el.innerHTML = "<script src='https://cdn.example/a.js'></script>"`, "", [], /remote code/],
  ])("%s", (_name, script, style, siblings, refusal) => {
    const check = () => assertSelfContained("test", script, style, siblings);
    if (refusal) expect(check).toThrow(refusal);
    else expect(check).not.toThrow();
  });
});

describe("the built pages", () => {
  const modules = async () => {
    buildConsole({ quiet: true });
    await buildExplorer({ quiet: true });
    return {
      console: readFileSync(new URL("../../src/console/generated/assets.js", import.meta.url), "utf8"),
      explorer: readFileSync(new URL("../../src/explorer/generated/assets.js", import.meta.url), "utf8"),
    };
  };

  it("are files under .build/assets named by their content, which the Worker's modules only name", async () => {
    const { console, explorer } = await modules();
    const urls = (module: string) => JSON.parse(/= (\{.*\});$/m.exec(module)![1]!) as { script: string; style: string };
    expect(urls(console)).toEqual({
      script: expect.stringMatching(/^\/admin\/assets\/console-[0-9a-f]{16}\.js$/),
      style: expect.stringMatching(/^\/admin\/assets\/console-[0-9a-f]{16}\.css$/),
    });
    expect(urls(explorer)).toEqual({
      script: expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.js$/),
      style: expect.stringMatching(/^\/_explorer\/graphiql-[0-9a-f]{16}\.css$/),
    });
    for (const url of [...Object.values(urls(console)), ...Object.values(urls(explorer))])
      expect(existsSync(`${ASSETS_DIR}${url}`)).toBe(true);
    // The Worker's modules are a few hundred bytes: no page is inside the Worker any more.
    expect(console.length + explorer.length).toBeLessThan(5_000);
    expect(readFileSync(`${ASSETS_DIR}/_headers`, "utf8")).toContain("Cache-Control: public, max-age=31536000, immutable");
  });

  it("give the explorer's fonts files of their own, and leave no stale file behind", async () => {
    await modules();
    const files = readdirSync(`${ASSETS_DIR}/_explorer`);
    const style = readFileSync(`${ASSETS_DIR}/_explorer/${files.find((name) => name.endsWith(".css"))}`, "utf8");
    expect(style).not.toContain("data:font/");
    const fonts = [...style.matchAll(/url\((graphiql-font-[0-9a-f]{16}\.woff2?)\)/g)].map((m) => m[1]);
    expect(fonts.length).toBeGreaterThan(10);
    expect(new Set([...fonts, ...files.filter((name) => !name.includes("-font-"))])).toEqual(new Set(files));
  });
});
