/**
 * The Content Edge operator console (issue 15): sign in with the admin token, then Traffic, Purge,
 * Tokens, Schema and Explain for one project and environment, all through the admin JSON API.
 */
import "./console.css";
import { api, clearSession, loadSession, saveSession, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import { explainPanel } from "./explain";
import type { Panel } from "./panel";
import { purgePanel } from "./purge";
import { schemaPanel } from "./schema";
import { tokensPanel } from "./tokens";
import { trafficPanel } from "./traffic";

const root = document.getElementById("app")!;

function signIn(message?: HTMLElement) {
  const params = new URLSearchParams(location.search);
  const token = h("input", { id: "signin-token", type: "password", required: true, autocomplete: "off" });
  const project = h("input", { id: "signin-project", required: true, value: params.get("project") ?? "demo" });
  const environment = h("input", { id: "signin-environment", required: true, value: params.get("environment") ?? "master" });
  const status = h("div", { id: "signin-status" }, message ?? null);
  const form = h(
    "form",
    { id: "signin", class: "stack card", onsubmit: (e: Event) => void submit(e) },
    h("h1", {}, "Content Edge console"),
    h("label", {}, "Admin token", token),
    h("div", { class: "row" }, h("label", {}, "Project", project), h("label", {}, "Environment", environment)),
    h("button", { type: "submit" }, "Sign in"),
    h("p", { class: "muted" }, "The token stays in this tab (sessionStorage) and is only sent to this gateway's admin API."),
    status,
  );
  replace(root, form);
  token.focus();

  async function submit(event: Event) {
    event.preventDefault();
    const session: Session = { token: token.value.trim(), projectId: project.value.trim(), environment: environment.value.trim() };
    try {
      await api(session, "GET", ""); // the project's configuration: proves the token and the project
      saveSession(session);
      start(session);
    } catch (error) {
      replace(status, errorLine(error));
    }
  }
}

function start(session: Session) {
  const panels: Panel[] = [trafficPanel(session), purgePanel(session), tokensPanel(session), schemaPanel(session), explainPanel(session)];
  const tabs = panels.map((panel) =>
    h("button", { type: "button", class: "tab", role: "tab", id: `tab-${panel.id}`, onclick: () => open(panel) }, panel.title),
  );
  const main = h("main", {});
  let current: Panel | undefined;

  function open(panel: Panel) {
    current?.hide();
    current = panel;
    panels.forEach((p, i) => tabs[i]!.classList.toggle("active", p === panel));
    replace(main, panel.element);
    panel.show();
    history.replaceState(null, "", `#${panel.id}`);
  }

  const signOut = h("button", { type: "button", id: "signout", onclick: () => (current?.hide(), clearSession(), signIn()) }, "Sign out");
  replace(
    root,
    h(
      "header",
      {},
      h("strong", {}, "Content Edge"),
      h("span", { id: "project-label" }, `${session.projectId}/${session.environment}`),
      h("nav", { role: "tablist" }, ...tabs),
      signOut,
    ),
    main,
  );
  open(panels.find((p) => `#${p.id}` === location.hash) ?? panels[0]!);
}

const session = loadSession();
if (session) {
  // A stored token that no longer works sends the operator back to the sign-in form.
  api(session, "GET", "").then(
    () => start(session),
    (error: unknown) => {
      clearSession();
      signIn(errorLine(error));
    },
  );
} else {
  signIn();
}
