/**
 * The headers of the gateway's own HTML pages that hold operator data or links (the console, the
 * landing page): their CSP, and the usual hardening — no caching, sniffing, framing or referrer,
 * and a browsing context of their own.
 *
 * @example
 * new Response(html, { headers: htmlPageHeaders("default-src 'none'") });
 */
export function htmlPageHeaders(csp: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
  };
}
