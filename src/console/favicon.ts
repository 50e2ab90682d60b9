import type { Handler } from "hono";

/**
 * The gateway's icon: an SVG (every current browser takes one as a favicon, whatever the path's
 * extension, when the type says so). Self-contained: no font, no external reference, no script.
 */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#2f5bd3"/>' +
  '<path d="M21.5 10a8 8 0 1 0 0 12" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>' +
  '<circle cx="22" cy="16" r="2.6" fill="#fff"/>' +
  "</svg>";

/**
 * `GET /favicon.ico`: browsers ask for it on every page of the host (the console, the landing
 * page, the explorer), so it is answered instead of a 404, cacheable for a day, and unable to
 * run anything (`sandbox` CSP, `nosniff`).
 *
 * @example app.get("/favicon.ico", favicon());
 */
export function favicon(): Handler {
  return () =>
    new Response(FAVICON_SVG, {
      status: 200,
      headers: {
        "content-type": "image/svg+xml",
        "cache-control": "public, max-age=86400",
        "content-security-policy": "default-src 'none'; sandbox",
        "x-content-type-options": "nosniff",
      },
    });
}
