/**
 * Operators (owners only; the tab is not built for other roles): issue an operator token for an
 * e-mail and a role (the secret shown once, as for content tokens), list the deployment's
 * operators, revoke one after a confirmation. Operators are global to the deployment, not to the
 * project the console has open.
 */
import { adminApi, type Session } from "./api";
import { armedButton } from "./confirm";
import { errorLine, h, replace, utc } from "./dom";
import type { Panel } from "./panel";
import type { Whoami } from "./roles";
import { showSecret } from "./secret";
import { ROLES, type Role } from "../src/operators/roles";

/** What `GET /admin/operators` lists (src/operators/table.ts `OperatorRecord`). */
interface Operator {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
}

const ROLE_HINTS: Record<Role, string> = {
  viewer: "viewer — reads everything, changes nothing",
  editor: "editor — also purges, issues and revokes tokens and app or user revocations",
  owner: "owner — also changes configuration and operators",
};

export function operatorsPanel(session: Session, who: Whoami): Panel {
  const list = h("div", { id: "operators-list", class: "scroll" }, "Loading…");
  const issued = h("div", { id: "operator-issued", "aria-live": "polite" });
  const email = h("input", { id: "operator-email", type: "email", required: true, maxlength: 320, autocomplete: "off" });
  const role = h("select", { id: "operator-role" }, ...ROLES.map((r) => h("option", { value: r }, ROLE_HINTS[r])));
  const form = h(
    "form",
    { id: "operator-form", class: "stack", onsubmit: (e: Event) => void create(e) },
    h("label", {}, "E-mail", email),
    h("label", {}, "Role", role),
    h("button", { type: "submit", id: "operator-create" }, "Create operator token"),
  );
  const element = h(
    "section",
    { id: "panel-operators", class: "panel" },
    h(
      "p",
      { class: "muted" },
      "Operators are people with their own token and role, for the whole deployment. Every change they make is in the audit log under their e-mail.",
    ),
    h(
      "div",
      { class: "columns" },
      h("div", { class: "side" }, h("h3", {}, "New operator"), form, issued),
      h("div", { class: "grow" }, h("h3", {}, "Operators"), list),
    ),
  );

  async function create(event: Event) {
    event.preventDefault();
    try {
      const created = await adminApi<Operator & { token: string }>(session, "POST", "/admin/operators", {
        email: email.value.trim(),
        role: role.value,
      });
      showSecret(issued, "operator", `Operator token for ${created.email} (${created.role}, ${created.id})`, created.token);
      email.value = "";
      await load();
    } catch (error) {
      replace(issued, errorLine(error));
    }
  }

  async function load() {
    try {
      const { operators } = await adminApi<{ operators: Operator[] }>(session, "GET", "/admin/operators");
      replace(
        list,
        operators.length ? operatorTable(operators) : h("p", { class: "muted" }, "No operators yet: only the admin token signs in."),
      );
    } catch (error) {
      replace(list, errorLine(error));
    }
  }

  function operatorTable(operators: Operator[]): HTMLElement {
    return h(
      "table",
      { class: "data", id: "operators-table" },
      h("thead", {}, h("tr", {}, ...["E-mail", "Role", "Id", "Created (UTC)", "By", "Status"].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        ...operators.map((o) =>
          h(
            "tr",
            { "data-operator-id": o.id, "data-revoked": o.revokedAt ? "true" : "false" },
            h("td", {}, o.email, o.id === who.id ? h("span", { class: "muted" }, " (you)") : null),
            h("td", {}, o.role),
            h("td", {}, h("code", {}, o.id)),
            h("td", { class: "nowrap" }, utc(o.createdAt).slice(0, 16)),
            h("td", {}, o.createdBy),
            h(
              "td",
              { class: "nowrap" },
              o.revokedAt ? h("span", { class: "muted" }, `revoked ${utc(o.revokedAt).slice(0, 16)}`) : revokeButton(o),
            ),
          ),
        ),
      ),
    );
  }

  function revokeButton(operator: Operator): HTMLButtonElement {
    return armedButton({
      label: "Revoke",
      question: `Revoke ${operator.email}${operator.id === who.id ? " (yourself)" : ""}?`,
      className: "revoke",
      act: async () => {
        try {
          await adminApi<void>(session, "DELETE", `/admin/operators/${encodeURIComponent(operator.id)}`);
          await load();
        } catch (error) {
          replace(list, errorLine(error));
        }
      },
    });
  }

  return {
    id: "operators",
    title: "Operators",
    element,
    show() {
      void load();
    },
    hide() {
      replace(issued);
    },
  };
}
