/**
 * Types of `assets.js`, which `scripts/build-console.mjs` generates from `console/` (bundled with
 * esbuild) before the Worker is bundled; the generated file is not committed.
 */
export interface ConsoleAsset {
  /** File name with a content hash, e.g. `console-0123456789abcdef.js`: served as immutable. */
  name: string;
  body: string;
}

export declare const CONSOLE_ASSETS: {
  script: ConsoleAsset;
  style: ConsoleAsset;
};
