/**
 * Audit: the project's log (or the deployment's: operators, project creation), oldest first,
 * filtered by action, actor and time, a page at a time; a badge saying whether the hash chain
 * verifies; an NDJSON export of what the filters match.
 */
import { AUDIT_ACTIONS, type AuditEvent } from "../src/audit/event";
import { adminApi, adminFetch, apiError, projectPath, type Session } from "./api";
import { actorText, auditSearch, detailsText, verdictText, type AuditFilters, type Verdict } from "./audit-view";
import { errorLine, h, replace, utc } from "./dom";
import type { Panel } from "./panel";

interface AuditPage {
  events: AuditEvent[];
  next?: string;
}

type Scope = "project" | "deployment";

export function auditPanel(session: Session): Panel {
  let scope: Scope = "project";
  let next: string | undefined;
  let loads = 0;
  let verifies = 0;
  const action = h(
    "select",
    { id: "audit-action" },
    h("option", { value: "" }, "(any)"),
    ...AUDIT_ACTIONS.map((a) => h("option", { value: a }, a)),
  );
  const actor = h("input", { id: "audit-actor", maxlength: 512, autocomplete: "off", placeholder: "e-mail, id, sub, app or kind" });
  const since = h("input", { id: "audit-since", type: "datetime-local" });
  const until = h("input", { id: "audit-until", type: "datetime-local" });
  const verified = h("span", { id: "audit-verified", class: "badge", "aria-live": "polite" }, "Verifying…");
  const status = h("div", { id: "audit-status", "aria-live": "polite" });
  const rows = h("tbody", {});
  const table = h(
    "table",
    { class: "data", id: "audit-events" },
    h("thead", {}, h("tr", {}, ...["Time (UTC)", "Actor", "Action", "Target", "Outcome", "Details"].map((c) => h("th", {}, c)))),
    rows,
  );
  const more = h("button", { type: "button", id: "audit-more", hidden: true, onclick: () => void load(true) }, "Load more");
  const exportButton = h("button", { type: "button", id: "audit-export", onclick: () => void exportNdjson() }, "Export NDJSON");
  const scopes: Record<Scope, HTMLButtonElement> = {
    project: h(
      "button",
      { type: "button", class: "toggle active", id: "audit-scope-project", "aria-pressed": "true", onclick: () => select("project") },
      `This project (${session.projectId}/${session.environment})`,
    ),
    deployment: h(
      "button",
      { type: "button", class: "toggle", id: "audit-scope-deployment", "aria-pressed": "false", onclick: () => select("deployment") },
      "Deployment",
    ),
  };
  const form = h(
    "form",
    { id: "audit-filters", class: "filters", onsubmit: (e: Event) => (e.preventDefault(), void load(false)) },
    h("label", {}, "Action", action),
    h("label", {}, "Actor (exact)", actor),
    h("label", {}, "Since (UTC)", since),
    h("label", {}, "Until (UTC)", until),
    h("div", { class: "row" }, h("button", { type: "submit", id: "audit-apply" }, "Apply"), exportButton),
  );
  const element = h(
    "section",
    { id: "panel-audit", class: "panel" },
    h(
      "div",
      { class: "toolbar wrap" },
      h("div", { role: "group", "aria-label": "Which log" }, scopes.project, scopes.deployment),
      verified,
    ),
    form,
    status,
    h("div", { class: "scroll" }, table),
    more,
  );

  const base = () => (scope === "project" ? projectPath(session, "/audit") : "/admin/audit");
  const filters = (): AuditFilters => ({ action: action.value, actor: actor.value, since: since.value, until: until.value });

  function select(chosen: Scope) {
    scope = chosen;
    for (const [name, button] of Object.entries(scopes)) {
      button.classList.toggle("active", name === chosen);
      button.setAttribute("aria-pressed", String(name === chosen));
    }
    void verify();
    void load(false);
  }

  /** The first page for the filters, or (`append`) the page after the last one shown. */
  async function load(append: boolean) {
    const search = auditSearch(filters(), append ? next : undefined);
    // A later load (another scope, new filters) wins over one still under way.
    const mine = ++loads;
    more.disabled = true;
    try {
      const page = await adminApi<AuditPage>(session, "GET", `${base()}${search}`);
      if (mine !== loads) return;
      if (!append) rows.replaceChildren();
      rows.append(...page.events.map(eventRow));
      if (!rows.children.length) rows.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No events match.")));
      next = page.next;
      more.hidden = next === undefined;
      replace(status, h("p", { class: "muted" }, `${rows.querySelectorAll("tr[data-event-id]").length} events shown, oldest first.`));
    } catch (error) {
      if (mine === loads) replace(status, errorLine(error));
    } finally {
      more.disabled = false;
    }
  }

  async function verify() {
    const mine = ++verifies;
    verified.className = "badge";
    verified.textContent = "Verifying…";
    delete verified.dataset["ok"];
    try {
      const verdict = await adminApi<Verdict>(session, "GET", `${base()}/verify`);
      if (mine !== verifies) return;
      const { ok, text } = verdictText(verdict);
      verified.className = `badge ${ok ? "ok" : "warn"}`;
      verified.dataset["ok"] = String(ok);
      verified.textContent = text;
    } catch (error) {
      if (mine !== verifies) return;
      verified.className = "badge warn";
      verified.textContent = `Not verified: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Every event the filters match, as the gateway streams it (`Accept: application/x-ndjson`), saved as a file. */
  async function exportNdjson() {
    exportButton.disabled = true;
    try {
      const response = await adminFetch(session, "GET", `${base()}${auditSearch(filters())}`, { accept: "application/x-ndjson" });
      if (!response.ok) throw await apiError(response);
      const text = await response.text();
      const lines = text.split("\n").filter((line) => line !== "").length;
      const url = URL.createObjectURL(new Blob([text], { type: "application/x-ndjson" }));
      const name = scope === "project" ? `${session.projectId}-${session.environment}` : "deployment";
      const link = h("a", { href: url, download: `audit-${name}-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, "")}Z.ndjson` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      replace(status, h("p", { class: "ok", id: "audit-exported" }, `Exported ${lines} event${lines === 1 ? "" : "s"} as NDJSON.`));
    } catch (error) {
      replace(status, errorLine(error));
    } finally {
      exportButton.disabled = false;
    }
  }

  return {
    id: "audit",
    title: "Audit",
    element,
    show() {
      void verify();
      void load(false);
    },
    hide() {},
  };
}

function eventRow(event: AuditEvent): HTMLElement {
  return h(
    "tr",
    { "data-event-id": event.id, "data-action": event.action, "data-outcome": event.outcome },
    h("td", { class: "nowrap" }, utc(event.at)),
    h("td", { class: "actor" }, actorText(event.actor)),
    h("td", {}, h("code", {}, event.action)),
    h("td", {}, event.target ?? "–"),
    h("td", { class: `outcome-${event.outcome}` }, event.outcome),
    h("td", { class: "details" }, detailsText(event.details)),
  );
}
