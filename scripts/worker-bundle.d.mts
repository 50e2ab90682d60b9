import type { BuildOptions } from "esbuild";

/** esbuild options for one ES-module Worker, as wrangler builds it; add `entryPoints` and `outfile`. */
export const WORKER_BUNDLE_OPTIONS: BuildOptions;
