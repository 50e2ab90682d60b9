// What scripts/build-console.mjs and scripts/build-explorer.mjs share: both bundle a page's script
// and stylesheet with esbuild and write them as files with content-hashed names under
// .build/assets/ (wrangler.toml's [assets] directory: Workers Static Assets serve them, never the
// Worker), plus a small generated module naming their URLs, which the Worker imports to write its
// pages. Each skips the work when its inputs have not changed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** wrangler.toml's `[assets] directory`: generated, not committed. */
export const ASSETS_DIR = `${root}.build/assets`;

/**
 * Headers of every static asset (Workers Static Assets' `_headers` file; they apply to assets only,
 * never to the Worker's answers). Every file here has a content hash in its name, so it can be
 * cached for a year and never revalidated (RFC 8246); only the gateway's own pages load them.
 * The platform adds a strong `ETag` and answers `If-None-Match` with `304`.
 */
const HEADERS_FILE = `/*
  Cache-Control: public, max-age=31536000, immutable
  X-Content-Type-Options: nosniff
  Cross-Origin-Resource-Policy: same-origin
`;

/**
 * A fingerprint of what a page's assets depend on: the page's sources (the files of `dir` whose
 * names match `sources`), the build script, this module and the locked dependency versions.
 * @param {string} dir relative to the repository root @param {RegExp} sources @param {string} scriptUrl the build script's `import.meta.url`
 */
export function inputsFingerprint(dir, sources, scriptUrl) {
  const hash = createHash("sha256");
  for (const name of readdirSync(`${root}${dir}`).sort()) {
    if (sources.test(name)) hash.update(name).update(readFileSync(`${root}${dir}/${name}`));
  }
  hash.update(readFileSync(fileURLToPath(scriptUrl)));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(`${root}package-lock.json`));
  return hash.digest("hex").slice(0, 32);
}

/**
 * Whether the module at `output` was generated from inputs with this fingerprint and every file it
 * wrote is still in place (`.build/` may have been removed on its own).
 * @param {string} output @param {string} fingerprint
 */
export function isUpToDate(output, fingerprint) {
  if (!existsSync(output) || !existsSync(`${ASSETS_DIR}/_headers`)) return false;
  const [first, second] = readFileSync(output, "utf8").split("\n");
  const files = /^\/\/ files: (.*)$/.exec(second ?? "")?.[1]?.split(" ") ?? [];
  return first === `// inputs: ${fingerprint}` && files.length > 0 && files.every((url) => existsSync(`${ASSETS_DIR}${url}`));
}

/**
 * The page must work offline and under a strict CSP: nothing it loads may come from another host.
 * The stylesheet may name only data: URLs and the files the build writes beside it.
 * @param {string} label @param {string} script @param {string} style @param {string[]} siblings names of the files written beside the stylesheet
 */
export function assertSelfContained(label, script, style, siblings = []) {
  const remote = [...style.matchAll(/url\(\s*["']?(?!data:)([^"')]+)/g)].map((m) => m[1]).filter((url) => !siblings.includes(url));
  if (remote.length > 0) throw new Error(`${label}: the stylesheet loads ${remote.join(", ")}; assets must be bundled`);
  if (/@import\s/.test(style)) throw new Error(`${label}: the stylesheet @imports another stylesheet`);
  if (/\bimportScripts\(|<script[^>]+src=["']https?:/.test(script)) throw new Error(`${label}: the script loads remote code`);
}

/** `<prefix>-<16 hex of the content's SHA-256>.<extension>` @param {string} prefix @param {string | Uint8Array} content @param {string} extension */
function hashedName(prefix, content, extension) {
  return `${prefix}-${createHash("sha256").update(content).digest("hex").slice(0, 16)}.${extension}`;
}

/**
 * Takes the fonts a stylesheet carries inline (`url(data:font/woff2;base64,…)`) out into files of
 * their own, named by their content's hash, and points the stylesheet at them (relative URLs,
 * served beside it). Hand-written because esbuild inlines or copies only the files it resolves and
 * has no option to turn data: URLs back into files; GraphiQL's stylesheet ships its Roboto and
 * Fira Code subsets (one per `unicode-range`) inlined, 345 KiB that every page load would fetch.
 * As files, a browser fetches only the subsets the page's text uses.
 * @param {string} style @param {string} prefix
 * @returns {{ style: string, fonts: { name: string, bytes: Uint8Array }[] }}
 * @example extractInlineFonts("src:url(data:font/woff2;base64,d09GMg==)", "graphiql-font").style // "src:url(graphiql-font-….woff2)"
 */
export function extractInlineFonts(style, prefix) {
  /** @type {Map<string, { name: string, bytes: Uint8Array }>} */
  const fonts = new Map();
  const rewritten = style.replace(
    /url\(\s*(["']?)data:font\/(woff2?|ttf|otf);base64,([A-Za-z0-9+/=]+)\1\s*\)/g,
    (_match, _quote, extension, base64) => {
      const bytes = Buffer.from(base64, "base64");
      const name = hashedName(prefix, bytes, extension);
      fonts.set(name, { name, bytes });
      return `url(${name})`;
    },
  );
  return { style: rewritten, fonts: [...fonts.values()] };
}

/**
 * Writes one page's files under `.build/assets{path}/` (the directory is replaced: a stale hashed
 * file would be uploaded with every deploy), the `_headers` file, and the generated module
 * `export const <exportName> = { script: "{path}/<prefix>-<hash>.js", style: "…css" }` under two
 * lines holding the inputs' fingerprint and the URLs of every file written. Returns the URLs.
 * @param {{ output: string, fingerprint: string, generator: string, exportName: string, path: string, prefix: string, script: string, style: string, files?: { name: string, bytes: Uint8Array }[] }} options
 * @returns {{ script: string, style: string }}
 */
export function writePageAssets({ output, fingerprint, generator, exportName, path, prefix, script, style, files = [] }) {
  if (!path.startsWith("/") || path.endsWith("/")) throw new Error(`writePageAssets: path must start and not end with "/": ${path}`);
  const dir = `${ASSETS_DIR}${path}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${ASSETS_DIR}/_headers`, HEADERS_FILE);
  const written = [
    { name: hashedName(prefix, script, "js"), bytes: script },
    { name: hashedName(prefix, style, "css"), bytes: style },
    ...files,
  ];
  for (const file of written) writeFileSync(`${dir}/${file.name}`, file.bytes);
  const urls = { script: `${path}/${written[0].name}`, style: `${path}/${written[1].name}` };
  mkdirSync(new URL(".", `file://${output}`), { recursive: true });
  writeFileSync(
    output,
    `// inputs: ${fingerprint}\n` +
      `// files: ${written.map((file) => `${path}/${file.name}`).join(" ")}\n` +
      `// Generated by ${generator}; do not edit (not committed). The files are in .build/assets/.\n` +
      `export const ${exportName} = ${JSON.stringify(urls)};\n`,
  );
  return urls;
}

/** `12.3 KiB` @param {string | Uint8Array} content */
export function kib(content) {
  return `${((typeof content === "string" ? Buffer.byteLength(content) : content.byteLength) / 1024).toFixed(1)} KiB`;
}
