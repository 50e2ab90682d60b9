import { htmlPageHeaders } from "../http/page-headers";
import type { Handler } from "hono";
import { CONSOLE_ASSETS } from "./generated/assets.js";

/**
 * The console page's Content Security Policy: the gateway's own script and stylesheet (static
 * assets under `/admin/assets/`, same origin), requests to the Worker itself, nothing inline, no
 * eval, no other host, no framing, no form posting anywhere (every form is handled by the script),
 * no `<base>` rewriting.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers of the console page: its CSP and the usual hardening (no caching, sniffing, framing or referrer). */
export function consolePageHeaders(): Record<string, string> {
  return htmlPageHeaders(CONSOLE_CSP);
}

/** The page: a shell the console script fills in. It holds no data and no secret. */
function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Content Edge console</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="${CONSOLE_ASSETS.style}">
<script defer src="${CONSOLE_ASSETS.script}"></script>
</head>
<body>
<noscript>The Content Edge console needs JavaScript; the admin API works without it (docs/console.md).</noscript>
<div id="app"></div>
</body>
</html>
`;
}

/**
 * `GET /admin`: the operator console (issue 15). The page and its assets are public — they hold no
 * data; the console signs in with the admin token, kept in `sessionStorage` only, and sends it as
 * `Authorization: Bearer` to the admin API, where every data route requires it.
 *
 * @example app.get("/admin", consolePage());
 */
export function consolePage(): Handler {
  let html: string | undefined;
  return () => new Response((html ??= page()), { status: 200, headers: consolePageHeaders() });
}
