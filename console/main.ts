/**
 * The Content Edge operator console (issues 15, 21 and 23): sign in with the admin token, an
 * operator token or — behind Cloudflare Access — with nothing at all; then the projects list, and
 * for a project Traffic, Purge, Tokens, Schema, Explain, Audit, Apps, Configuration and Operators,
 * all through the admin JSON API. The URL's hash says where the console is
 * (`#/p/{projectId}/{environment}/{tab}`, route.ts), so a link or a reload opens the same place;
 * the session holds only the credential. What the signed-in role may not use is not built
 * (src/middleware/admin-roles.ts decides; roles.ts mirrors it).
 */
import "./console.css";
import { adminApi, ApiError, clearSession, loadSession, saveSession, type Credentials } from "./api";
import { errorLine, h, replace } from "./dom";
import { projectListPath, projectsView } from "./projects";
import type { Whoami } from "./roles";
import { legacyRoute, parseRoute, routeHash } from "./route";
import { consoleHeader, projectShell, type ProjectShell, type SignedIn } from "./shell";

const root = document.getElementById("app")!;

/** Where Cloudflare Access ends its session (https://developers.cloudflare.com/cloudflare-one/identity/users/session-management/). */
const ACCESS_LOGOUT = "/cdn-cgi/access/logout";

/** Who is signed in (`null`: the sign-in form is up), and the project open in the console. */
let signedIn: SignedIn | null = null;
let shell: ProjectShell | null = null;

/**
 * Proves a credential: `GET /admin/whoami` answers who it is and the role to build the console
 * for, and the first row of the projects list that it may read (an identity with no role is
 * refused there, `403 FORBIDDEN_ROLE`, and told so on the form).
 */
async function verify(credentials: Credentials): Promise<Whoami> {
  const [who] = await Promise.all([
    adminApi<Whoami>(credentials, "GET", "/admin/whoami"),
    adminApi(credentials, "GET", projectListPath("", undefined, 1)),
  ]);
  return who;
}

/** The sign-in form (`message`: why it is shown again). */
function signIn(options: { message?: HTMLElement } = {}) {
  signedIn = null;
  const token = h("input", { id: "signin-token", type: "password", required: true, autocomplete: "off" });
  const status = h("div", { id: "signin-status", "aria-live": "polite" }, options.message ?? null);
  const form = h(
    "form",
    { id: "signin", class: "stack card", onsubmit: (e: Event) => void submit(e) },
    h("h1", {}, "Content Edge console"),
    h("label", {}, "Admin or operator token", token),
    h("button", { type: "submit" }, "Sign in"),
    h(
      "p",
      { class: "muted" },
      "The admin token or an operator token (ceo_…). It stays in this tab (sessionStorage) and is only sent to this gateway's admin API.",
    ),
    status,
  );
  replace(root, h("main", {}, form));
  token.focus();

  async function submit(event: Event) {
    event.preventDefault();
    const credentials: Credentials = { token: token.value.trim() };
    try {
      start(credentials, await verify(credentials));
    } catch (error) {
      replace(status, errorLine(error));
    }
  }
}

/** Signed in: the session is kept, and the console follows the URL's hash from now on. */
function start(credentials: Credentials, who: Whoami) {
  saveSession(credentials);
  signedIn = { credentials, who, signOut };
  render();
}

/**
 * Shows what the hash names: the projects list, or a project's tab (the same project only changes
 * tab). The control that had the keyboard focus (the switcher, *Projects*, a tab) has it again in
 * the new page, so switching project does not drop a keyboard user back to the top.
 */
function render() {
  const focused = document.activeElement?.id;
  show();
  if (focused && document.activeElement === document.body) document.getElementById(focused)?.focus();
}

function show() {
  if (!signedIn) return;
  const route = parseRoute(location.hash);
  if (route.view === "project") {
    if (shell && shell.projectId === route.projectId && shell.environment === route.environment) return shell.open(route.tab);
    shell?.close();
    shell = projectShell(root, signedIn, route.projectId, route.environment, route.tab);
    return;
  }
  shell?.close();
  shell = null;
  document.title = "Projects · Content Edge console";
  const list = projectsView(signedIn.credentials, route.search, (search) => {
    history.replaceState(null, "", routeHash({ view: "projects", search }));
  });
  replace(root, consoleHeader(signedIn, null), h("main", { id: "main" }, list));
}

function signOut() {
  const wasAccess = signedIn?.credentials.token === null;
  shell?.close();
  shell = null;
  clearSession();
  // Forgetting nothing would sign an Access user straight back in: end the Access session too.
  if (wasAccess) location.assign(ACCESS_LOGOUT);
  else signIn();
}

/**
 * A stored session signs in again (a token that no longer works sends the operator back to the
 * form). Without one, `GET /admin/whoami` is asked with no token: behind Cloudflare Access the
 * browser's Access cookie makes Cloudflare add `Cf-Access-Jwt-Assertion`, and a `200` means the
 * operator is signed in already. Links of the earlier console (`?project=…&environment=…`)
 * become the hash they mean.
 */
async function boot() {
  const legacy = legacyRoute(location.search, location.hash);
  if (legacy) history.replaceState(null, "", `${location.pathname}${routeHash(legacy)}`);
  addEventListener("hashchange", render);
  const stored = loadSession();
  if (stored) {
    try {
      start(stored, await verify(stored));
    } catch (error) {
      clearSession();
      signIn({ message: errorLine(error) });
    }
    return;
  }
  try {
    start({ token: null }, await verify({ token: null }));
  } catch (error) {
    // A role refusal here is an Access identity with no role: say so; anything else is "not behind Access".
    signIn(error instanceof ApiError && error.code === "FORBIDDEN_ROLE" ? { message: errorLine(error) } : {});
  }
}

void boot();
