/**
 * The Content Edge operator console (issues 15 and 21): sign in with the admin token, an operator
 * token or — behind Cloudflare Access — with nothing at all; then Traffic, Purge, Tokens, Schema,
 * Explain, Audit, Apps and Operators for one project and environment, all through the admin JSON
 * API. What the signed-in role may not use is not built (src/middleware/admin-roles.ts decides;
 * roles.ts mirrors it).
 */
import "./console.css";
import { adminApi, api, ApiError, clearSession, loadSession, saveSession, type Session } from "./api";
import { appsPanel } from "./apps";
import { auditPanel } from "./audit";
import { errorLine, h, replace } from "./dom";
import { explainPanel } from "./explain";
import { operatorsPanel } from "./operators";
import type { Panel } from "./panel";
import { purgePanel } from "./purge";
import { may, whoText, type Whoami } from "./roles";
import { schemaPanel } from "./schema";
import { tokensPanel } from "./tokens";
import { trafficPanel } from "./traffic";

const root = document.getElementById("app")!;

/** Where Cloudflare Access ends its session (https://developers.cloudflare.com/cloudflare-one/identity/users/session-management/). */
const ACCESS_LOGOUT = "/cdn-cgi/access/logout";

/**
 * Proves a session: `GET /admin/whoami` (the credential, and the role to build the console for)
 * and the project's configuration (the project exists and this role may read it).
 */
async function verify(session: Session): Promise<Whoami> {
  const [who] = await Promise.all([adminApi<Whoami>(session, "GET", "/admin/whoami"), api(session, "GET", "")]);
  return who;
}

/** The sign-in form. `access`: the browser is signed in through Cloudflare Access already, so a token is optional. */
function signIn(options: { message?: HTMLElement; access?: Whoami } = {}) {
  const params = new URLSearchParams(location.search);
  const { access } = options;
  const token = h("input", { id: "signin-token", type: "password", required: !access, autocomplete: "off" });
  const project = h("input", { id: "signin-project", required: true, value: params.get("project") ?? "demo" });
  const environment = h("input", { id: "signin-environment", required: true, value: params.get("environment") ?? "master" });
  const status = h("div", { id: "signin-status" }, options.message ?? null);
  const form = h(
    "form",
    { id: "signin", class: "stack card", onsubmit: (e: Event) => void submit(e) },
    h("h1", {}, "Content Edge console"),
    access
      ? h(
          "p",
          { id: "signin-access" },
          `Signed in through Cloudflare Access as ${access.email ?? "an operator"} (${access.role ?? "no role"}).`,
        )
      : null,
    h("label", {}, access ? "Admin or operator token (optional)" : "Admin or operator token", token),
    h("div", { class: "row" }, h("label", {}, "Project", project), h("label", {}, "Environment", environment)),
    h("button", { type: "submit" }, "Sign in"),
    h(
      "p",
      { class: "muted" },
      "The admin token or an operator token (ceo_…). It stays in this tab (sessionStorage) and is only sent to this gateway's admin API.",
    ),
    status,
  );
  replace(root, form);
  token.focus();

  async function submit(event: Event) {
    event.preventDefault();
    const session: Session = { token: token.value.trim() || null, projectId: project.value.trim(), environment: environment.value.trim() };
    try {
      const who = await verify(session);
      saveSession(session);
      start(session, who);
    } catch (error) {
      replace(status, errorLine(error));
    }
  }
}

function start(session: Session, who: Whoami) {
  const panels: Panel[] = [
    trafficPanel(session),
    may(who, "purge") ? purgePanel(session) : null,
    tokensPanel(session, who),
    schemaPanel(session, who),
    explainPanel(session),
    auditPanel(session),
    appsPanel(session, who),
    may(who, "operators") ? operatorsPanel(session, who) : null,
  ].filter((panel): panel is Panel => panel !== null);
  const tabs = panels.map((panel) =>
    h(
      "button",
      { type: "button", class: "tab", role: "tab", id: `tab-${panel.id}`, "aria-selected": "false", onclick: () => open(panel) },
      panel.title,
    ),
  );
  const main = h("main", {});
  let current: Panel | undefined;

  function open(panel: Panel) {
    current?.hide();
    current = panel;
    panels.forEach((p, i) => {
      tabs[i]!.classList.toggle("active", p === panel);
      tabs[i]!.setAttribute("aria-selected", String(p === panel));
    });
    replace(main, panel.element);
    panel.show();
    history.replaceState(null, "", `#${panel.id}`);
  }

  function signOut() {
    current?.hide();
    clearSession();
    // Forgetting nothing would sign an Access user straight back in: end the Access session too.
    if (session.token === null) location.assign(ACCESS_LOGOUT);
    else signIn();
  }

  replace(
    root,
    h(
      "header",
      {},
      h("strong", {}, "Content Edge"),
      h("span", { id: "project-label" }, `${session.projectId}/${session.environment}`),
      h("nav", { role: "tablist", "aria-label": "Console sections" }, ...tabs),
      h(
        "span",
        { id: "identity", "data-role": who.role ?? "none", "data-via": who.via },
        h("span", { id: "identity-name" }, whoText(who)),
        h("span", { id: "identity-role", class: `role role-${who.role ?? "none"}` }, who.role ?? "no role"),
      ),
      h("button", { type: "button", id: "signout", onclick: signOut }, "Sign out"),
    ),
    main,
  );
  open(panels.find((p) => `#${p.id}` === location.hash) ?? panels[0]!);
}

/**
 * A stored session signs in again (a token that no longer works sends the operator back to the
 * form). Without one, `GET /admin/whoami` is asked with no token: behind Cloudflare Access the
 * browser's Access cookie makes Cloudflare add `Cf-Access-Jwt-Assertion`, and a `200` means the
 * operator is signed in already.
 */
async function boot() {
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
  let access: Whoami;
  try {
    access = await adminApi<Whoami>({ token: null }, "GET", "/admin/whoami");
  } catch (error) {
    // A role refusal here is an Access identity with no role: say so; anything else is "not behind Access".
    signIn(error instanceof ApiError && error.code === "FORBIDDEN_ROLE" ? { message: errorLine(error) } : {});
    return;
  }
  const params = new URLSearchParams(location.search);
  const session: Session = { token: null, projectId: params.get("project") ?? "demo", environment: params.get("environment") ?? "master" };
  try {
    start(session, await verify(session));
    saveSession(session);
  } catch (error) {
    signIn({ message: errorLine(error), access });
  }
}

void boot();
