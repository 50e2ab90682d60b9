/**
 * Tokens: issue (the secret shown once, with a copy button), list and revoke permanent auth tokens.
 * A viewer sees the list only: no form, no Revoke buttons.
 */
import { api, type Session } from "./api";
import { armedButton } from "./confirm";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";
import { may, type Whoami } from "./roles";
import { learnedSchema } from "./schema";
import { showSecret } from "./secret";

/** What `GET …/tokens` lists (src/auth/pat-store.ts `PatRecord`). */
export interface TokenRecord {
  id: string;
  name: string;
  permissions: Array<Record<string, unknown>>;
  defaultStage?: string;
  expiresAt?: string;
  createdAt: string;
}

const PREVIEW_RULES = [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }];

export function tokensPanel(session: Session, who: Whoami): Panel {
  const writes = may(who, "tokens");
  const list = h("div", { id: "tokens-list", class: "scroll" }, "Loading…");
  const issued = h("div", { id: "token-issued", "aria-live": "polite" });
  const name = h("input", { id: "token-name", required: true, maxlength: 200, placeholder: "e.g. preview build", autocomplete: "off" });
  const rules = h("textarea", { id: "token-permissions", rows: 4, spellcheck: "false", value: JSON.stringify(PREVIEW_RULES, null, 1) });
  const stage = h("select", { id: "token-default-stage" }, h("option", { value: "" }, "(project default)"));
  const expires = h("input", { id: "token-expires", type: "datetime-local" });
  const form = h(
    "form",
    { id: "token-form", class: "stack", onsubmit: (e: Event) => void create(e) },
    h("label", {}, "Name", name),
    h("label", {}, "Permissions (rules, JSON)", rules),
    h("div", { class: "row" }, h("label", {}, "Default stage", stage), h("label", {}, "Expires (UTC, optional)", expires)),
    h("button", { type: "submit", id: "token-create" }, "Create token"),
  );
  const element = h(
    "section",
    { id: "panel-tokens", class: "panel" },
    h(
      "div",
      { class: "columns" },
      writes ? h("div", { class: "side" }, h("h3", {}, "New token"), form, issued) : null,
      h("div", { class: "grow" }, h("h3", {}, "Tokens"), list),
    ),
  );

  async function create(event: Event) {
    event.preventDefault();
    let permissions: unknown;
    try {
      permissions = JSON.parse(rules.value);
    } catch {
      replace(issued, h("p", { class: "error" }, "Permissions must be JSON: a list of rules."));
      return;
    }
    const body: Record<string, unknown> = { name: name.value, permissions };
    if (stage.value) body["defaultStage"] = stage.value;
    // datetime-local gives "YYYY-MM-DDTHH:MM[:SS]" without a zone; the console works in UTC.
    if (expires.value) body["expiresAt"] = `${expires.value}Z`;
    try {
      const created = await api<TokenRecord & { token: string }>(session, "POST", "/tokens", body);
      showSecret(issued, "token", `Token "${created.name}" (${created.id})`, created.token);
      name.value = "";
      await load();
    } catch (error) {
      replace(issued, errorLine(error));
    }
  }

  async function load() {
    try {
      const tokens = await api<TokenRecord[]>(session, "GET", "/tokens");
      replace(list, tokens.length ? tokenTable(tokens) : h("p", { class: "muted" }, "No tokens yet."));
    } catch (error) {
      replace(list, errorLine(error));
    }
  }

  function tokenTable(tokens: TokenRecord[]): HTMLElement {
    return h(
      "table",
      // Cards on a narrow screen (console.css): each row's Revoke stays on screen.
      { class: "data cards" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Name", "Id", "Rules", "Default stage", "Expires", "Created"].map((c) => h("th", { scope: "col" }, c)),
          writes ? h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")) : null,
        ),
      ),
      h(
        "tbody",
        {},
        ...tokens.map((t) =>
          h(
            "tr",
            { "data-token-id": t.id },
            h("td", { "data-label": "Name", class: "wrap-anywhere" }, t.name),
            h("td", { "data-label": "Id" }, h("code", {}, t.id)),
            h("td", { "data-label": "Rules" }, h("code", { class: "rules" }, t.permissions.map(ruleText).join("\n"))),
            h("td", { "data-label": "Default stage" }, t.defaultStage ?? "–"),
            h("td", { "data-label": "Expires", class: "nowrap" }, t.expiresAt ? t.expiresAt.slice(0, 16).replace("T", " ") : "never"),
            h("td", { "data-label": "Created", class: "nowrap" }, t.createdAt.slice(0, 16).replace("T", " ")),
            writes ? h("td", {}, revokeButton(t)) : null,
          ),
        ),
      ),
    );
  }

  /** Two clicks: the first asks, the second revokes. */
  function revokeButton(token: TokenRecord): HTMLButtonElement {
    return armedButton({
      label: "Revoke",
      question: `Revoke "${token.name}"?`,
      className: "revoke",
      act: async () => {
        try {
          await api<void>(session, "DELETE", `/tokens/${encodeURIComponent(token.id)}`);
          await load();
        } catch (error) {
          replace(list, errorLine(error));
        }
      },
    });
  }

  return {
    id: "tokens",
    title: "Tokens",
    element,
    show() {
      void load();
      if (writes && stage.options.length === 1) {
        learnedSchema(session).then(
          (schema) => stage.append(...schema.stages.map((s) => h("option", { value: s }, s))),
          () => undefined,
        );
      }
    },
    hide() {
      replace(issued);
    },
  };
}

function ruleText(rule: Record<string, unknown>): string {
  const part = (v: unknown) => (Array.isArray(v) ? v.join("|") : String(v));
  return `${part(rule["action"])} ${part(rule["model"])} in ${part(rule["stages"])} (${part(rule["locales"])})${rule["condition"] ? " where …" : ""}`;
}
