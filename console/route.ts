/**
 * Where the console is, as its URL's hash says: the projects list (`#/`, optionally
 * `#/?search=shop`) or one project's tab (`#/p/{projectId}/{environment}/{tab}`). The hash, not
 * the session, names the project, so a link or a reload opens the same place; the session in
 * `sessionStorage` holds only the credential. Pure: unit-tested in test/console/route.test.ts.
 */

/** A project id or environment as the gateway accepts them (SPEC §3a): anything else is no route. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A tab id (`traffic`, `config`, …). */
const TAB = /^[a-z][a-z0-9-]{0,31}$/;
/** Longer searches than the list route accepts are cut rather than refused. */
const MAX_SEARCH = 129;

export type Route = { view: "projects"; search: string } | { view: "project"; projectId: string; environment: string; tab: string | null };

/**
 * The route a hash names; anything it cannot read is the projects list (a stale or mistyped link
 * lands somewhere useful, never on an error).
 *
 * @example parseRoute("#/p/demo/master/traffic"); // { view: "project", projectId: "demo", environment: "master", tab: "traffic" }
 * @example parseRoute("#/?search=shop"); // { view: "projects", search: "shop" }
 * @example parseRoute(""); // { view: "projects", search: "" }
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const [pathPart = "", query = ""] = path.split("?", 2);
  const parts = pathPart.split("/").map(decodePart);
  if (parts[0] === "" && parts[1] === "p" && (parts.length === 4 || parts.length === 5)) {
    const [, , projectId = "", environment = "", tab] = parts;
    if (NAME.test(projectId) && NAME.test(environment)) {
      return { view: "project", projectId, environment, tab: tab !== undefined && TAB.test(tab) ? tab : null };
    }
  }
  const search = new URLSearchParams(query).get("search") ?? "";
  return { view: "projects", search: search.slice(0, MAX_SEARCH) };
}

/**
 * The hash of a route ({@link parseRoute}'s inverse).
 *
 * @example routeHash({ view: "project", projectId: "demo", environment: "master", tab: "config" }); // "#/p/demo/master/config"
 * @example routeHash({ view: "projects", search: "" }); // "#/"
 */
export function routeHash(route: Route): string {
  if (route.view === "projects") return route.search ? `#/?${new URLSearchParams({ search: route.search })}` : "#/";
  const base = `#/p/${encodeURIComponent(route.projectId)}/${encodeURIComponent(route.environment)}`;
  return route.tab === null ? base : `${base}/${encodeURIComponent(route.tab)}`;
}

/**
 * The route of the console's earlier links, `/admin?project=…&environment=…#tab` (the environment
 * defaults to `master`, as the sign-in form's did), or `null` when the query names no project.
 *
 * @example legacyRoute("?project=shop&environment=staging", "#purge"); // { view: "project", projectId: "shop", environment: "staging", tab: "purge" }
 * @example legacyRoute("", "#/p/demo/master"); // null
 */
export function legacyRoute(search: string, hash: string): Route | null {
  const params = new URLSearchParams(search);
  const projectId = params.get("project");
  if (projectId === null) return null;
  const environment = params.get("environment") || "master";
  if (!NAME.test(projectId) || !NAME.test(environment)) return { view: "projects", search: "" };
  const tab = hash.replace(/^#/, "");
  return { view: "project", projectId, environment, tab: TAB.test(tab) ? tab : null };
}

/**
 * `projectId/environment` typed into the project switcher, or `null`.
 *
 * @example parseProjectName(" shop/staging "); // { projectId: "shop", environment: "staging" }
 */
export function parseProjectName(text: string): { projectId: string; environment: string } | null {
  const [projectId = "", environment = "", ...rest] = text.trim().split("/");
  return rest.length === 0 && NAME.test(projectId) && NAME.test(environment) ? { projectId, environment } : null;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return "\u0000"; // a broken escape matches no name
  }
}
