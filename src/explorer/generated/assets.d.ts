/**
 * Types of `assets.js`, which `scripts/build-explorer.mjs` generates from `explorer/` (GraphiQL
 * bundled with esbuild) before the Worker is bundled; the generated file is not committed. The
 * files themselves are under `.build/assets/_explorer/`, served by Workers Static Assets.
 */
export declare const EXPLORER_ASSETS: {
  /** URL path with a content hash, e.g. `/_explorer/graphiql-0123456789abcdef.js`: served as immutable. */
  script: string;
  /** URL path of the stylesheet, e.g. `/_explorer/graphiql-0123456789abcdef.css`; its fonts are files beside it. */
  style: string;
};
