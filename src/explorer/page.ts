import type { Context, MiddlewareHandler } from "hono";
import { prefersHtml } from "../http/media-type";
import type { Endpoint, GatewayEnv } from "../pipeline/graphql-endpoint";
import type { ProjectConfig } from "../projects/types";
import { EXPLORER_ASSETS } from "./generated/assets.js";

/**
 * The explorer page's Content Security Policy: nothing but the gateway's own script, stylesheet,
 * fonts (static assets under `/_explorer/`, same origin) and endpoint; icons are data: URLs inside
 * the stylesheet. No inline script, no eval, no third-party host, no framing.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The status pages (no explorer) need nothing at all. */
const STATUS_PAGE_CSP = "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GraphQL-over-HTTP request parameters: a GET carrying any of them is a GraphQL request. */
const GRAPHQL_PARAMS = ["query", "extensions", "variables", "operationName"];

/**
 * Whether a request is a person opening the endpoint in a browser (SPEC §3b): a GET with none of
 * the GraphQL URL parameters whose `Accept` names `text/html` at least as highly as any JSON type
 * (a browser navigation sends `text/html,…,*\/*;q=0.8`; GraphQL clients send JSON types or `*\/*`).
 *
 * @example
 * wantsExplorer(new Request("https://gw/content/p/e", { headers: { accept: "text/html,*\/*;q=0.8" } })); // true
 * wantsExplorer(new Request("https://gw/content/p/e?query={__typename}", { headers: { accept: "text/html" } })); // false
 */
export function wantsExplorer(request: Request): boolean {
  if (request.method !== "GET" || !prefersHtml(request.headers.get("accept"))) return false;
  const params = new URL(request.url).searchParams;
  return !GRAPHQL_PARAMS.some((name) => params.has(name));
}

/**
 * Serves the explorer to a browser that opens `/content/{p}/{e}` or `/v2/{p}/{e}` (see
 * {@link wantsExplorer}); every other request goes on to the endpoint. Mount it after
 * `apiPolicies`, which loads the project and applies the IP firewall first.
 *
 * - project configured and `introspection` on → `200`, the GraphiQL page for this endpoint
 *   (assets from `/_explorer/…`, static assets the Worker does not serve; the endpoint in a data attribute, CSP {@link EXPLORER_CSP});
 * - `introspection: false` → `403`, a short page saying the explorer needs introspection and how
 *   to query the endpoint without it;
 * - no such project → `404`, a short page saying so.
 *
 * Pages are `Cache-Control: no-store` and `Vary: Accept` (the same URL answers JSON to clients).
 *
 * @example
 * app.use("/content/:projectId/:environment", explorerPage({ endpoint: "content" }));
 */
export function explorerPage(options: { endpoint: Endpoint }): MiddlewareHandler<GatewayEnv> {
  if (options.endpoint !== "content" && options.endpoint !== "v2") throw new Error("explorerPage: endpoint must be content or v2");
  const { endpoint } = options;
  return async (c, next) => {
    if (!wantsExplorer(c.req.raw)) return next();
    const projectId = c.req.param("projectId") ?? "";
    const environment = c.req.param("environment") ?? "";
    const label = `${projectId}/${environment}`;
    const project: ProjectConfig | null = c.get("project") ?? null;
    if (!project) {
      return page(
        c,
        404,
        STATUS_PAGE_CSP,
        `No project ${label}`,
        `<h1>No project ${escape(label)}</h1>
<p>No project <code>${escape(label)}</code> is configured on this gateway, so there is nothing to explore here.
An operator creates it with <code>PUT /admin/projects/${escape(label)}</code>.</p>`,
      );
    }
    const path = new URL(c.req.url).pathname;
    if (!project.introspection) {
      return page(
        c,
        403,
        STATUS_PAGE_CSP,
        `Explorer unavailable · ${label}`,
        `<h1>The explorer is not available for ${escape(label)}</h1>
<p>Introspection is disabled for this project (<code>"introspection": false</code>), and the GraphQL
explorer needs it to load the schema. The endpoint itself works: send queries with
<code>POST ${escape(path)}</code> and <code>Content-Type: application/json</code>, or
<code>GET ${escape(path)}?query=…</code>.</p>
<p>An operator can turn introspection on in the project's configuration.</p>`,
      );
    }
    const kind = endpoint === "content" ? "cached, read-only" : "queries and mutations";
    return page(
      c,
      200,
      EXPLORER_CSP,
      `GraphiQL · ${label} (${kind})`,
      `<noscript>The explorer needs JavaScript. Send queries with <code>POST ${escape(path)}</code> instead.</noscript>
<div id="content-edge-explorer" data-endpoint="${escape(path)}" data-label="${escape(`/${endpoint}/${label}`)}" data-kind="${endpoint}"></div>`,
      `<link rel="stylesheet" href="${EXPLORER_ASSETS.style}">
<script defer src="${EXPLORER_ASSETS.script}"></script>`,
    );
  };
}

function page(c: Context<GatewayEnv>, status: 200 | 403 | 404, csp: string, title: string, body: string, head = ""): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escape(title)} · Content Edge</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;
  return c.body(html, status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    vary: "accept",
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
}

/** HTML-escapes text for element content and double-quoted attribute values. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
