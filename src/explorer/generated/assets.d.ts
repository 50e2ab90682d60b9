/**
 * Types of `assets.js`, which `scripts/build-explorer.mjs` generates from `explorer/` (GraphiQL
 * bundled with esbuild) before the Worker is bundled; the generated file is not committed.
 */
export interface ExplorerAsset {
  /** File name with a content hash, e.g. `graphiql-0123456789abcdef.js`: served as immutable. */
  name: string;
  body: string;
}

export declare const EXPLORER_ASSETS: {
  script: ExplorerAsset;
  style: ExplorerAsset;
};
