/**
 * Types of `assets.js`, which `scripts/build-console.mjs` generates from `console/` (bundled with
 * esbuild) before the Worker is bundled; the generated file is not committed. The files
 * themselves are under `.build/assets/admin/assets/`, served by Workers Static Assets.
 */
export declare const CONSOLE_ASSETS: {
  /** URL path with a content hash, e.g. `/admin/assets/console-0123456789abcdef.js`: served as immutable. */
  script: string;
  /** URL path of the stylesheet, e.g. `/admin/assets/console-0123456789abcdef.css`. */
  style: string;
};
