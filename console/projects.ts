/**
 * The projects list the console opens on: every configured project and environment
 * (`GET /admin/projects`, SPEC §5), searched as the operator types, a page at a time, each with
 * its origin and its hit ratio over the last 24 hours. A row's name is a link to the project's
 * tabs (`#/p/{projectId}/{environment}/traffic`).
 */
import { adminApi, type Credentials } from "./api";
import { errorLine, h, percent, replace } from "./dom";
import { routeHash } from "./route";

/** One row of `GET /admin/projects` (src/admin/project-list.ts). */
export interface ProjectRow {
  projectId: string;
  environment: string;
  origin: string | null;
  hitRatio: number | null;
}

/** What `GET /admin/projects` answers. */
export interface ProjectPage {
  projects: ProjectRow[];
  next?: string;
}

/** How long typing must pause before the list is asked again. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 50;

/**
 * `/admin/projects?search&limit&cursor` for a search and a cursor (nothing empty is sent: the
 * route refuses an empty parameter it does not know how to read).
 *
 * @example projectListPath("shop", undefined, 20); // "/admin/projects?search=shop&limit=20"
 */
export function projectListPath(search: string, cursor: string | undefined, limit = PAGE_SIZE): string {
  const params = new URLSearchParams();
  if (search.trim()) params.set("search", search.trim());
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return `/admin/projects?${params}`;
}

/**
 * The list view. `onSearch` is told the search as it settles (the console keeps it in the URL).
 *
 * @example replace(main, projectsView(credentials, route.search, (search) => history.replaceState(null, "", routeHash({ view: "projects", search }))));
 */
export function projectsView(credentials: Credentials, initialSearch: string, onSearch: (search: string) => void): HTMLElement {
  const search = h("input", {
    id: "projects-search",
    type: "search",
    value: initialSearch,
    maxlength: 129,
    autocomplete: "off",
    placeholder: "project or environment",
    "aria-controls": "projects-list",
  });
  const list = h("div", { id: "projects-list", class: "scroll", "aria-live": "polite" }, "Loading…");
  const more = h("button", { type: "button", id: "projects-more", hidden: true, onclick: () => void load(true) }, "Load more");
  const element = h(
    "section",
    { id: "panel-projects", class: "panel", "aria-labelledby": "projects-title" },
    h("div", { class: "toolbar wrap" }, h("h1", { id: "projects-title" }, "Projects"), h("label", { class: "search" }, "Search", search)),
    list,
    more,
  );
  let rows: ProjectRow[] = [];
  let next: string | undefined;
  /** Answers to an older search arriving late are dropped. */
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      onSearch(search.value.trim());
      void load(false);
    }, SEARCH_DEBOUNCE_MS);
  });

  async function load(append: boolean) {
    const mine = ++generation;
    more.disabled = true;
    try {
      const page = await adminApi<ProjectPage>(credentials, "GET", projectListPath(search.value, append ? next : undefined));
      if (mine !== generation) return;
      rows = append ? [...rows, ...page.projects] : page.projects;
      next = page.next;
      render();
    } catch (error) {
      if (mine === generation) replace(list, errorLine(error));
    } finally {
      more.disabled = false;
    }
  }

  function render() {
    more.hidden = next === undefined;
    if (rows.length === 0) {
      const query = search.value.trim();
      replace(
        list,
        h(
          "p",
          { id: "projects-empty", class: "muted" },
          query
            ? `No project or environment matches "${query}".`
            : "No project is configured yet: PUT /admin/projects/{projectId}/{environment} adds one (docs/admin-api.md).",
        ),
      );
      return;
    }
    replace(
      list,
      h(
        "table",
        { class: "data" },
        h("caption", { class: "muted" }, `${rows.length}${next === undefined ? "" : "+"} shown`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Project / environment"),
            h("th", { scope: "col" }, "Origin"),
            h("th", { scope: "col" }, "Hit ratio (24 h)"),
          ),
        ),
        h("tbody", {}, ...rows.map(row)),
      ),
    );
  }

  void load(false);
  return element;
}

function row(project: ProjectRow): HTMLElement {
  const name = `${project.projectId}/${project.environment}`;
  const href = routeHash({ view: "project", projectId: project.projectId, environment: project.environment, tab: null });
  return h(
    "tr",
    { "data-project": name },
    h("td", {}, h("a", { href, class: "project-link" }, name)),
    h(
      "td",
      { class: "wrap-anywhere" },
      project.origin === null ? h("span", { class: "muted" }, "(configuration unreadable)") : project.origin,
    ),
    h("td", { class: "nowrap" }, project.hitRatio === null ? h("span", { class: "muted" }, "no traffic") : percent(project.hitRatio)),
  );
}
