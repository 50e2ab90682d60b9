import type { Context, Env, Handler } from "hono";
import { prefersHtml } from "../http/media-type";
import { htmlPageHeaders } from "../http/page-headers";
import { toBase64 } from "../platform/base64";

/** At most this many projects are listed; the rest are counted. */
export const MAX_LISTED_PROJECTS = 200;

/** The page's only style, inline: its CSP admits exactly this text by its SHA-256 ({@link landingCsp}). */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}
code{font:.9em ui-monospace,monospace;background:#f3f4f6;padding:.1em .3em;border-radius:4px}
ul{padding-left:1.25rem}li{margin:.3rem 0}a{color:#0b57d0}
.muted{color:#59636e}`;

/** A project's `<projectId>/<environment>` as the project directory names it. */
export type ProjectName = string;

/** What the page lists: every configured project, or `null` when the list could not be read. */
export interface LandingInput {
  projects: readonly ProjectName[] | null;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** `/content/a/b` from `a/b`, each segment URL-encoded (valid ids need none; the directory could hold older names). */
const path = (endpoint: "content" | "v2", name: ProjectName) => `/${endpoint}/${name.split("/").map(encodeURIComponent).join("/")}`;

function projectList(projects: LandingInput["projects"]): string {
  if (projects === null) {
    return `<p class="muted">The project list cannot be read right now; the explorer of a project is at <code>/content/{projectId}/{environment}</code>.</p>`;
  }
  if (projects.length === 0) {
    return `<p>No project is configured yet. Configure one with <code>PUT /admin/projects/{projectId}/{environment}</code> (the admin API, with the admin token): <code>docs/connect-hygraph.md</code> walks through it for a Hygraph project.</p>`;
  }
  const items = projects
    .slice(0, MAX_LISTED_PROJECTS)
    .map(
      (name) =>
        `<li><code>${escape(name)}</code>: <a href="${escape(path("content", name))}">Content API explorer</a> (cached, read-only) · ` +
        `<a href="${escape(path("v2", name))}">Regular API explorer</a></li>`,
    )
    .join("\n");
  const more = projects.length > MAX_LISTED_PROJECTS ? `\n<p class="muted">and ${projects.length - MAX_LISTED_PROJECTS} more.</p>` : "";
  return `<ul>\n${items}\n</ul>${more}`;
}

/**
 * The landing page's HTML: the explorer of each configured project's two endpoints, the console,
 * health, and where the documentation is (in the repository: the gateway serves no docs and links
 * to no other host). Project names are the only data on it; no setting, no secret.
 *
 * @example
 * landingHtml({ projects: ["demo/master"] }); // "<!doctype html>…<a href=\"/content/demo/master\">…"
 */
export function landingHtml(input: LandingInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Content Edge</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Content Edge</h1>
<p class="muted">A read-only, cached GraphQL gateway in front of Hygraph. GraphQL clients send their queries to the endpoints below; a browser opening one gets its explorer.</p>
<h2>Projects</h2>
${projectList(input.projects)}
<h2>Operators</h2>
<ul>
<li><a href="/admin">Console</a>: traffic, tokens, explain, purge (signs in with the admin token)</li>
<li><a href="/healthz">Health</a></li>
</ul>
<h2>Documentation</h2>
<p>In the Content Edge repository: <code>README.md</code> and <code>docs/</code>. Start with <code>docs/connect-hygraph.md</code> (connect your Hygraph project), then <code>docs/configuration.md</code>, <code>docs/permissions.md</code> and <code>docs/deploy.md</code>.</p>
</main>
</body>
</html>
`;
}

let csp: Promise<string> | undefined;

/**
 * The page's Content Security Policy: nothing may load or run (no script at all), the one inline
 * stylesheet is admitted by its hash, no framing, no form posting, no `<base>` rewriting.
 *
 * @example
 * await landingCsp(); // "default-src 'none'; style-src 'sha256-…'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
 */
export function landingCsp(): Promise<string> {
  csp ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(STYLE)).then((digest) => {
    const hash = toBase64(new Uint8Array(digest));
    return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  });
  return csp;
}

/**
 * `GET /`: the landing page for a browser (an `Accept` that prefers `text/html`); any other
 * client gets the JSON `404 NOT_FOUND` every unknown route gets. The projects come from
 * `listProjects` (the project directory: at most one call a second per isolate); if it fails, the
 * page says the list is unavailable.
 *
 * @example
 * app.get("/", landingPage({ listProjects: async () => publicProjects({ list, get }, MAX_LISTED_PROJECTS) }));
 */
export function landingPage<E extends Env>(options: { listProjects: (c: Context<E>) => Promise<ProjectName[]> }): Handler<E> {
  return async (c) => {
    if (!prefersHtml(c.req.header("accept"))) return c.notFound();
    const projects = await options.listProjects(c).catch(() => null);
    return new Response(landingHtml({ projects }), {
      status: 200,
      headers: { ...htmlPageHeaders(await landingCsp()), vary: "accept" },
    });
  };
}
