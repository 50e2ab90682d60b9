/** Builds src/console/generated/assets.js from console/ unless it is up to date; returns its path. */
export function buildConsole(options?: { force?: boolean; quiet?: boolean }): string;
