/** Builds `src/explorer/generated/assets.js` from `explorer/` unless it is up to date; returns its path. */
export function buildExplorer(options?: { force?: boolean; quiet?: boolean }): Promise<string>;
