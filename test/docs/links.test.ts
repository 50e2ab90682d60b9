import { describe, expect, it } from "vitest";

/**
 * The README and docs/ must not point at files or headings that do not exist: every relative link
 * and image resolves to a file of the repository, and a `#fragment` into a Markdown page to one of
 * its headings (GitHub's anchors). Links to other sites are not checked (no network here).
 *
 * The pages and the file list come in at build time through Vite's `import.meta.glob` (the tests
 * run inside workerd, which has no file system).
 */
const PAGES = import.meta.glob(["../../README.md", "../../docs/*.md", "../../bench/README.md"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;
const FILES = new Set(
  Object.keys(
    import.meta.glob(["../../*", "../../{.ci,bench,console,demo,docs,explorer,scripts,src,test}/**/*", "!**/node_modules/**"]),
  ).map((key) => key.replace(/^\.\.\/\.\.\//, "")),
);
for (const page of Object.keys(PAGES)) FILES.add(page.replace(/^\.\.\/\.\.\//, ""));

/** The pages whose links are checked, by repository path. */
const CHECKED = Object.keys(PAGES)
  .map((key) => key.replace(/^\.\.\/\.\.\//, ""))
  .filter((path) => path === "README.md" || path.startsWith("docs/"))
  .sort();

/** Markdown without fenced code blocks and inline code, where `[x](y)` is not a link. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** Every link and image target of a page, as written. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of withoutCode(markdown).matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    targets.push(match[1]!);
  return targets;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of withoutHeadingCode(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = match[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/`/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(text) ?? 0;
    seen.set(text, count + 1);
    result.add(count === 0 ? text : `${text}-${count}`);
  }
  return result;
}

/** Fenced blocks removed (a `#` line inside one is not a heading); inline code kept for anchors. */
function withoutHeadingCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** Normalizes `a/b/../c` and `./x`; `undefined` for a path that climbs out of the repository. */
function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") out.push(part);
    else if (out.pop() === undefined) return undefined;
  }
  return out.join("/");
}

/** The targets of `page` (a repository path) that do not resolve. */
function brokenLinks(
  page: string,
  markdown: string,
  files: ReadonlySet<string> = FILES,
  pages: Record<string, string> = pagesByPath(),
): string[] {
  const dir = page.includes("/") ? page.slice(0, page.lastIndexOf("/") + 1) : "";
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [rawPath = "", fragment] = target.split("#", 2) as [string, string | undefined];
    const path = rawPath === "" ? page : normalize(dir + decodeURIComponent(rawPath));
    if (path === undefined) {
      broken.push(target);
      continue;
    }
    const isDirectory = [...files].some((file) => file.startsWith(`${path.replace(/\/$/, "")}/`));
    if (!files.has(path) && !isDirectory) {
      broken.push(target);
      continue;
    }
    if (fragment !== undefined && path.endsWith(".md")) {
      const text = pages[path];
      if (text === undefined || !anchors(text).has(fragment)) broken.push(target);
    }
  }
  return broken;
}

function pagesByPath(): Record<string, string> {
  return Object.fromEntries(Object.entries(PAGES).map(([key, text]) => [key.replace(/^\.\.\/\.\.\//, ""), text]));
}

describe("links in the README and docs/", () => {
  it("finds the pages and the repository's files", () => {
    expect(CHECKED).toContain("README.md");
    expect(CHECKED).toContain("docs/spec.md");
    expect(CHECKED).toContain("docs/README.md");
    expect(FILES.has("src/errors.ts")).toBe(true);
    expect(FILES.has("docs/console-traffic.png")).toBe(true);
  });

  it.each(CHECKED)("%s: every relative link and image resolves", (page) => {
    expect(brokenLinks(page, pagesByPath()[page]!)).toEqual([]);
  });

  it("docs/README.md indexes every page of docs/", () => {
    const index = pagesByPath()["docs/README.md"]!;
    const linked = new Set(linkTargets(index).map((target) => target.split("#")[0]));
    const pages = CHECKED.filter((path) => path.startsWith("docs/") && path !== "docs/README.md").map((path) => path.slice("docs/".length));
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it("the README links nowhere outside the repository but the web", () => {
    const outside = linkTargets(pagesByPath()["README.md"]!).filter(
      (target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && normalize(target.split("#")[0]!) === undefined,
    );
    expect(outside).toEqual([]);
  });
});

describe("the link checker itself", () => {
  const files = new Set(["README.md", "docs/a.md", "docs/pic.png", "src/x.ts"]);
  const pages = { "README.md": "# Title\n", "docs/a.md": "# A page\n## Some `code` — and (more)\n## Some code and more\n## A page\n" };

  it.each([
    ["a missing file", "[x](docs/missing.md)", ["docs/missing.md"]],
    ["a missing image", "![x](docs/nope.png)", ["docs/nope.png"]],
    ["a missing heading", "[x](docs/a.md#nowhere)", ["docs/a.md#nowhere"]],
    ["a path out of the repository", "[x](../shared/SPEC.md)", ["../shared/SPEC.md"]],
    [
      "a path out of the repository that lands on a repository file's name",
      "[x](../README.md) [y](docs/../../src/x.ts)",
      ["../README.md", "docs/../../src/x.ts"],
    ],
    [
      "existing files, a directory, headings, GitHub's anchors for repeats",
      "[a](docs/a.md) ![p](docs/pic.png) [d](src/) [h](docs/a.md#some-code--and-more) [r](docs/a.md#some-code-and-more) [s](#title) [again](docs/a.md#a-page-1)",
      [],
    ],
    ["web links and links inside code", "[w](https://example.com/x) `[c](nope.md)`\n```\n[d](nope.md)\n```", []],
  ])("%s", (_name, markdown, expected) => {
    expect(brokenLinks("README.md", markdown, files, pages)).toEqual(expected);
  });

  it("resolves links relative to the page", () => {
    expect(brokenLinks("docs/a.md", "[up](../README.md) [same](a.md) [pic](pic.png) [bad](README.md)", files, pages)).toEqual([
      "README.md",
    ]);
  });
});
