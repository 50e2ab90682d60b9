/** Where the tests look for Chromium, in order: CHROMIUM_PATH, then Debian's paths. */
export function chromiumCandidates(env?: Record<string, string | undefined>): string[];
/** The first candidate that exists, or undefined. */
export function findChromium(env?: Record<string, string | undefined>, exists?: (path: string) => boolean): string | undefined;
/** One line: what is missing and the exact command that installs it. */
export function missingChromiumMessage(env?: Record<string, string | undefined>, root?: boolean): string;
