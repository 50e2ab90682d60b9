/**
 * Apps: the third-party apps whose JWTs called the project (first and last seen, requests), a
 * Revoke per app, forms to revoke a user (`sub`) or every session issued before a time, and the
 * revocations in force with a Lift button. Viewers see the lists only. A gateway without these
 * routes (`404`) is told apart from a failure: the tab says they are not available.
 */
import { api, ApiError, type Session } from "./api";
import { armedButton } from "./confirm";
import { count, errorLine, h, replace, utc } from "./dom";
import { localToIso } from "./audit-view";
import type { Panel } from "./panel";
import { may, type Whoami } from "./roles";

interface App {
  app: string;
  firstSeen: string;
  lastSeen: string;
  requests: number;
}

interface Revocation {
  id: string;
  kind: "app" | "subject" | "issuedBefore";
  value: string;
  createdAt: string;
}

const KIND_LABELS: Record<Revocation["kind"], string> = { app: "app", subject: "user", issuedBefore: "sessions issued before" };

/** What a revocation names, as the tab shows it (a time in UTC, as everywhere in the console). */
const valueText = (r: Pick<Revocation, "kind" | "value">) => (r.kind === "issuedBefore" ? `${utc(r.value)} UTC` : r.value);

export function appsPanel(session: Session, who: Whoami): Panel {
  const writes = may(who, "revocations");
  const appsList = h("div", { id: "apps-list", class: "scroll" }, "Loading…");
  const revocationsList = h("div", { id: "revocations-list", class: "scroll" }, "Loading…");
  const result = h("div", { id: "revocation-result", "aria-live": "polite" });
  const subject = h("input", { id: "revoke-subject", required: true, maxlength: 512, autocomplete: "off", placeholder: "the JWT's sub" });
  const before = h("input", { id: "revoke-issued-before", type: "datetime-local", required: true });
  const cutSessions = armedButton({
    label: "Revoke sessions…",
    question: "Cut every session issued before this time?",
    className: "revoke-sessions",
    act: async () => {
      await revoke({ issuedBefore: localToIso(before.value) }, "revoke-before");
      resetCut();
    },
  });
  cutSessions.id = "revoke-before-submit";
  const forms = h(
    "div",
    { class: "stack" },
    h(
      "form",
      {
        id: "revoke-user",
        class: "stack",
        onsubmit: (e: Event) => (e.preventDefault(), void revoke({ subject: subject.value.trim() }, "revoke-user")),
      },
      h("label", {}, "Revoke a user (JWT sub)", subject),
      h("button", { type: "submit", id: "revoke-user-submit" }, "Revoke user"),
    ),
    h(
      "form",
      { id: "revoke-before", class: "stack", onsubmit: (e: Event) => e.preventDefault() },
      h("label", {}, "Revoke every session issued before (UTC)", before),
      h("div", { class: "row" }, cutSessions),
    ),
    result,
  );
  const formsColumn = h("div", { class: "side", id: "revocation-forms" }, h("h3", {}, "Revoke"), forms);
  const element = h(
    "section",
    { id: "panel-apps", class: "panel" },
    h(
      "p",
      { class: "muted" },
      "Apps and users are named by the JWTs that call this project (azp, else client_id, else iss; sub). A revocation refuses their JWTs with 401 at every location within 2 s, until it is lifted.",
    ),
    h("h3", {}, "Apps seen"),
    appsList,
    h(
      "div",
      { class: "columns" },
      writes ? formsColumn : null,
      h("div", { class: "grow" }, h("h3", {}, "Revocations in force"), revocationsList),
    ),
  );

  function resetCut() {
    cutSessions.disabled = false;
    cutSessions.classList.remove("armed", "danger");
    cutSessions.textContent = "Revoke sessions…";
  }

  async function revoke(body: Record<string, string>, source: string) {
    try {
      const created = await api<Revocation>(session, "POST", "/revocations", body);
      replace(result, h("p", { class: "ok", id: `${source}-done` }, `Revoked ${KIND_LABELS[created.kind]} ${valueText(created)}.`));
      if (source === "revoke-user") subject.value = "";
    } catch (error) {
      replace(result, errorLine(error));
    }
    await load();
  }

  async function load() {
    const [apps, revocations] = await Promise.all([
      api<{ apps: App[] }>(session, "GET", "/apps").then((r) => r.apps, failure),
      api<{ revocations: Revocation[] }>(session, "GET", "/revocations").then((r) => r.revocations, failure),
    ]);
    formsColumn.hidden = !Array.isArray(revocations);
    const revokedApps = new Set(Array.isArray(revocations) ? revocations.filter((r) => r.kind === "app").map((r) => r.value) : []);
    replace(appsList, Array.isArray(apps) ? appsTable(apps, revokedApps, Array.isArray(revocations)) : apps);
    replace(revocationsList, Array.isArray(revocations) ? revocationsTable(revocations) : revocations);
  }

  function appsTable(apps: App[], revoked: Set<string>, canRevoke: boolean): HTMLElement {
    if (!apps.length) return h("p", { class: "muted" }, "No app has called this project with a JWT yet.");
    const action = (a: App) =>
      revoked.has(a.app)
        ? h("span", { class: "muted" }, "revoked")
        : writes && canRevoke
          ? armedButton({
              label: "Revoke",
              question: `Revoke ${a.app}?`,
              className: "revoke",
              act: () => revoke({ app: a.app }, "revoke-app"),
            })
          : null;
    return h(
      "table",
      { class: "data", id: "apps-table" },
      h("thead", {}, h("tr", {}, ...["App", "First seen (UTC)", "Last seen (UTC)", "Requests", ""].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        ...apps.map((a) =>
          h(
            "tr",
            { "data-app": a.app },
            h("td", {}, h("code", {}, a.app)),
            h("td", { class: "nowrap" }, utc(a.firstSeen)),
            h("td", { class: "nowrap" }, utc(a.lastSeen)),
            h("td", {}, count(a.requests)),
            h("td", {}, action(a)),
          ),
        ),
      ),
    );
  }

  function revocationsTable(revocations: Revocation[]): HTMLElement {
    if (!revocations.length) return h("p", { class: "muted" }, "None.");
    return h(
      "table",
      { class: "data", id: "revocations-table" },
      h("thead", {}, h("tr", {}, ...["Kind", "Value", "Since (UTC)", "Id", ...(writes ? [""] : [])].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        ...revocations.map((r) =>
          h(
            "tr",
            { "data-revocation-id": r.id, "data-kind": r.kind },
            h("td", {}, KIND_LABELS[r.kind]),
            h("td", {}, h("code", {}, valueText(r))),
            h("td", { class: "nowrap" }, utc(r.createdAt)),
            h("td", {}, h("code", {}, r.id)),
            writes ? h("td", {}, liftButton(r)) : null,
          ),
        ),
      ),
    );
  }

  function liftButton(revocation: Revocation): HTMLButtonElement {
    return armedButton({
      label: "Lift",
      question: `Lift (let ${KIND_LABELS[revocation.kind]} ${valueText(revocation)} in again)?`,
      className: "lift",
      act: async () => {
        try {
          await api<void>(session, "DELETE", `/revocations/${encodeURIComponent(revocation.id)}`);
        } catch (error) {
          replace(result, errorLine(error));
        }
        await load();
      },
    });
  }

  return {
    id: "apps",
    title: "Apps",
    element,
    show() {
      // Prefilled with now: "every session issued before now" is what a key compromise needs.
      if (!before.value) before.value = new Date().toISOString().slice(0, 16);
      void load();
    },
    hide() {
      replace(result);
      resetCut();
    },
  };
}

/** A failed list as the element to show instead: a missing route is "not available", anything else the error. */
function failure(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.status === 404)
    return h(
      "p",
      { class: "muted", "data-unavailable": "true" },
      "Not available on this gateway (the admin API answered 404 for this list).",
    );
  return errorLine(error);
}
