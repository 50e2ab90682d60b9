/**
 * A project's custom origin policy (`allowedOrigins`, SPEC §3b): which web origins' pages may call
 * its `/content` and `/v2` endpoints from a browser — Hygraph's "custom origin policy".
 *
 * Entries are `"*"` (any origin, the default), a serialized origin (RFC 6454 §6.2:
 * `scheme://host[:port]`, lower case, no path) or a subdomain wildcard `https://*.example.com`
 * (any host with at least one more label in front of `example.com`, same scheme and port).
 *
 * This is a browser policy, not authentication: it decides what the `Origin` request header may
 * be, and a non-browser client can send any `Origin` (or none). Requests without `Origin` — curl,
 * servers, same-origin GETs — are not subject to it. Use `ipRules` or tokens to keep others out.
 */

/** A project's origin policy, compiled once. */
export interface OriginPolicy {
  /** True when every origin is allowed (`"*"`): answers do not vary by `Origin`. */
  readonly any: boolean;
  /** Whether a request carrying `Origin: origin` may be answered. */
  allows(origin: string): boolean;
}

/** The default: any origin, like Hygraph's and GraphQL Yoga's defaults. */
export const ANY_ORIGIN: readonly string[] = ["*"];

const ORIGIN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?$/;

/**
 * Checks one `allowedOrigins` entry and returns it in canonical form, or throws `RangeError`
 * saying what is wrong (the admin API turns it into `400 INVALID_CONFIG`).
 *
 * @example
 * canonicalOriginEntry("https://Example.com:443"); // "https://example.com"
 * canonicalOriginEntry("https://*.example.com"); // "https://*.example.com"
 * canonicalOriginEntry("https://example.com/app"); // throws: an origin has no path
 */
export function canonicalOriginEntry(entry: string): string {
  if (entry === "*") return entry;
  const wildcard = /^(https?:\/\/)\*\.(.+)$/.exec(entry);
  const text = wildcard ? `${wildcard[1]}${wildcard[2]}` : entry;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`"${entry}" is not an origin (scheme://host[:port])`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RangeError(`"${entry}": only http and https origins can be allowed`);
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    !/^[a-z]+:\/\/[^/]+\/?$/i.test(text) ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new RangeError(`"${entry}" is not an origin: write scheme://host[:port], without path, query or credentials`);
  }
  if (text.endsWith("/")) throw new RangeError(`"${entry}" is not an origin: remove the trailing slash`);
  if (!/^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/.test(url.hostname)) {
    throw new RangeError(`"${entry}": the host may only have letters, digits, hyphens and dots ("*." only in front)`);
  }
  if (wildcard && (url.hostname.startsWith("[") || /^[0-9.]+$/.test(url.hostname) || !url.hostname.includes("."))) {
    throw new RangeError(`"${entry}": a wildcard needs a domain with at least two labels after "*."`);
  }
  return wildcard ? `${url.protocol}//*.${url.host}` : url.origin;
}

/**
 * Compiles a project's `allowedOrigins` (absent: `["*"]`).
 *
 * @example
 * const policy = originPolicy(["https://www.example.com", "https://*.preview.example.com"]);
 * policy.allows("https://www.example.com"); // true
 * policy.allows("https://pr-7.preview.example.com"); // true
 * policy.allows("https://evil.example"); // false
 */
export function originPolicy(allowedOrigins: readonly string[] | undefined): OriginPolicy {
  const entries = allowedOrigins ?? ANY_ORIGIN;
  if (entries.includes("*")) return { any: true, allows: () => true };
  const exact = new Set<string>();
  const wildcards: { scheme: string; suffix: string; port: string }[] = [];
  for (const entry of entries) {
    const match = /^(https?):\/\/\*\.([^:]+)(?::([0-9]+))?$/.exec(entry);
    if (match) wildcards.push({ scheme: match[1]!, suffix: `.${match[2]!}`, port: match[3] ?? "" });
    else exact.add(entry);
  }
  return {
    any: false,
    allows(origin) {
      if (exact.has(origin)) return true;
      if (wildcards.length === 0) return false;
      const parsed = ORIGIN.exec(origin);
      if (!parsed) return false;
      const [, scheme, host, port = ""] = parsed;
      return wildcards.some((w) => w.scheme === scheme && w.port === port && host!.length > w.suffix.length && host!.endsWith(w.suffix));
    },
  };
}
