/**
 * The console's frame once signed in: the header (the projects link, the project switcher, the
 * tabs, who is signed in, Sign out) and, for one project, its tabs. The tabs follow the WAI-ARIA
 * tabs pattern: `role=tab` buttons with `aria-controls`, one in the tab order, arrow keys, Home
 * and End move between them; the open panel is the `tabpanel` they label.
 */
import type { Credentials, Session } from "./api";
import { api, ApiError } from "./api";
import { appsPanel } from "./apps";
import { auditPanel } from "./audit";
import { configPanel } from "./config";
import { errorLine, h, replace } from "./dom";
import { explainPanel } from "./explain";
import { operatorsPanel } from "./operators";
import type { Panel } from "./panel";
import { purgePanel } from "./purge";
import { may, whoText, type Whoami } from "./roles";
import { routeHash } from "./route";
import { schemaPanel } from "./schema";
import { projectSwitcher } from "./switcher";
import { tokensPanel } from "./tokens";
import { trafficPanel } from "./traffic";

/** How long a passing failure to open a project waits before it is asked again. */
const RETRY_AFTER_MS = 1_000;

export interface SignedIn {
  credentials: Credentials;
  who: Whoami;
  signOut: () => void;
}

/** A project's open console: `open` shows a tab (its id, or the first when unknown), `close` stops the open one. */
export interface ProjectShell {
  projectId: string;
  environment: string;
  open(tab: string | null): void;
  close(): void;
}

/**
 * The header. `project`: the open project's name and its tabs, or `null` on the projects list.
 *
 * @example replace(root, consoleHeader(signedIn, null), main);
 */
export function consoleHeader(
  signedIn: SignedIn,
  project: { name: string; tab: () => string | null; tabs: HTMLElement | null } | null,
): HTMLElement {
  const { who } = signedIn;
  // The switcher keeps the open tab: comparing one tab across projects is the usual reason to switch.
  const switcher = projectSwitcher(signedIn.credentials, project?.name ?? null, ({ projectId, environment }) => {
    location.hash = routeHash({ view: "project", projectId, environment, tab: project?.tab() ?? null });
  });
  return h(
    "header",
    {},
    h("a", { href: "#/", id: "home", class: "brand", "aria-label": "Content Edge: all projects" }, "Content Edge"),
    h("a", { href: "#/", id: "nav-projects", "aria-current": project === null ? "page" : false }, "Projects"),
    project ? h("span", { id: "project-label" }, project.name) : null,
    switcher,
    project?.tabs ?? h("span", { class: "spacer" }),
    h(
      "span",
      { id: "identity", "data-role": who.role ?? "none", "data-via": who.via },
      h("span", { id: "identity-name" }, whoText(who)),
      h("span", { id: "identity-role", class: `role role-${who.role ?? "none"}` }, who.role ?? "no role"),
    ),
    h("button", { type: "button", id: "signout", onclick: signedIn.signOut }, "Sign out"),
  );
}

/** The tabs a role sees for a project, in order. Configuration is shown to every role; only an owner can change it. */
function panelsFor(session: Session, who: Whoami): Panel[] {
  return [
    trafficPanel(session),
    may(who, "purge") ? purgePanel(session) : null,
    tokensPanel(session, who),
    schemaPanel(session, who),
    explainPanel(session),
    auditPanel(session),
    appsPanel(session, who),
    configPanel(session, who),
    may(who, "operators") ? operatorsPanel(session, who) : null,
  ].filter((panel): panel is Panel => panel !== null);
}

/**
 * Opens a project in `root`: first its configuration is read (the project exists and this role
 * may read it), then its tabs are built. A project that cannot be opened says why, with the way
 * back to the list.
 *
 * @example shell = projectShell(root, signedIn, "demo", "master", "traffic"); // later: shell.open("config"), shell.close()
 */
export function projectShell(
  root: HTMLElement,
  signedIn: SignedIn,
  projectId: string,
  environment: string,
  tab: string | null,
): ProjectShell {
  const session: Session = { token: signedIn.credentials.token, projectId, environment };
  const name = `${projectId}/${environment}`;
  const opening = h("p", { class: "muted" }, `Opening ${name}…`);
  const main = h("main", { id: "main" }, opening);
  const panels = panelsFor(session, signedIn.who);
  const tabs = panels.map((panel, i) =>
    h(
      "button",
      {
        type: "button",
        class: "tab",
        role: "tab",
        id: `tab-${panel.id}`,
        "aria-controls": `panel-${panel.id}`,
        "aria-selected": "false",
        tabindex: i === 0 ? "0" : "-1",
        onclick: () => (ready ? show(panel) : (wanted = panel.id)),
        onkeydown: (event: Event) => moveFocus(event as KeyboardEvent, i),
      },
      panel.title,
    ),
  );
  const nav = h("nav", { role: "tablist", "aria-label": "Console sections" }, ...tabs);
  let current: Panel | undefined;
  let wanted = tab;
  /** The project's configuration was read: it exists, and this role may read it. */
  let ready = false;
  let closed = false;
  replace(root, consoleHeader(signedIn, { name, tab: () => wanted, tabs: nav }), main);

  void load();

  /**
   * Reads the project's configuration before any tab: it exists and this role may read it. A
   * passing failure (a 5xx such as a busy authority, or no answer at all) is asked again once
   * before the page says so, and then offers *Retry*; a 4xx is the answer.
   */
  async function load(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await api(session, "GET", "");
        if (closed) return;
        ready = true;
        nav.hidden = false;
        shell.open(wanted);
        return;
      } catch (error) {
        if (closed) return;
        const passing = !(error instanceof ApiError) || error.status >= 500;
        if (passing && attempt === 1) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
          if (closed) return;
          continue;
        }
        nav.hidden = true;
        const retry = passing
          ? h("button", { type: "button", id: "project-retry", onclick: () => (replace(main, opening), void load()) }, "Retry")
          : null;
        replace(
          main,
          h(
            "section",
            { class: "panel", id: "project-error" },
            errorLine(error),
            h("p", {}, retry, retry ? " " : null, h("a", { href: "#/" }, "All projects")),
          ),
        );
        return;
      }
    }
  }

  function show(panel: Panel) {
    current?.hide();
    current = panel;
    panels.forEach((p, i) => {
      const selected = p === panel;
      tabs[i]!.classList.toggle("active", selected);
      tabs[i]!.setAttribute("aria-selected", String(selected));
      tabs[i]!.tabIndex = selected ? 0 : -1;
    });
    panel.element.setAttribute("role", "tabpanel");
    panel.element.setAttribute("aria-labelledby", `tab-${panel.id}`);
    replace(main, panel.element);
    panel.show();
    wanted = panel.id;
    history.replaceState(null, "", routeHash({ view: "project", projectId, environment, tab: panel.id }));
    document.title = `${panel.title} · ${name} · Content Edge console`;
  }

  /** Arrow keys, Home and End: the WAI-ARIA tabs pattern with automatic activation. */
  function moveFocus(event: KeyboardEvent, index: number) {
    const last = tabs.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target === undefined || !ready) return;
    event.preventDefault();
    tabs[target]!.focus();
    show(panels[target]!);
  }

  const shell: ProjectShell = {
    projectId,
    environment,
    open(next) {
      wanted = next;
      if (ready) show(panels.find((p) => p.id === next) ?? panels[0]!);
    },
    close() {
      closed = true;
      current?.hide();
    },
  };
  return shell;
}
