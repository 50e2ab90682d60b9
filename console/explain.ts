/** Explain: why a request would be allowed or refused, and whether it would be a HIT, MISS or BYPASS now. */
import { api, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";
import { learnedSchema } from "./schema";
import type { TokenRecord } from "./tokens";
import { table } from "./traffic";

interface Touch {
  action: string;
  model: string;
  stage: string;
  locale: string;
}

/** The parts of `POST …/explain`'s answer the console shows (src/explain/explain.ts). */
interface Explanation {
  principal: { kind: string; tokenName?: string; roles?: string[]; rules: Array<{ source: string }> } | null;
  decision:
    | {
        allowed: true;
        status: 200;
        touches: Array<Touch & { allowedBy: Array<{ source: string; condition?: unknown }> }>;
        unclassified: string[];
      }
    | {
        allowed: false;
        status: number;
        code: string;
        message: string;
        extensions: Record<string, unknown> & { failedActions?: Touch[] };
        step: string;
        note?: string;
      };
  scope?: { stage: string; locales: string[]; from: string };
  forwarded?: string;
  cache?: { outcome: string; reason: string; key: Record<string, unknown>; entry?: { layer: string; age: number; ttl: number } };
}

export function explainPanel(session: Session): Panel {
  const query = h("textarea", { id: "explain-query", rows: 6, spellcheck: "false", value: "{ posts { title author { name } } }" });
  const variables = h("textarea", { id: "explain-variables", rows: 2, spellcheck: "false", placeholder: '{ "first": 10 }' });
  const operationName = h("input", { id: "explain-operation", placeholder: "(the only operation)" });
  const stage = h("select", { id: "explain-stage" }, h("option", { value: "" }, "(no gcms-stage header)"));
  const locales = h("input", { id: "explain-locales", placeholder: "e.g. de,en" });
  const who = h(
    "select",
    { id: "explain-principal", onchange: () => syncPrincipal() },
    ...["public", "token", "jwt"].map((v) => h("option", { value: v }, v === "jwt" ? "JWT payload" : v)),
  );
  const token = h("select", { id: "explain-token" });
  const tokenLabel = h("label", { hidden: true }, "Token", token);
  const jwt = h("textarea", {
    id: "explain-jwt",
    "aria-label": "JWT payload (JSON)",
    rows: 3,
    hidden: true,
    spellcheck: "false",
    value: '{ "sub": "user-1", "roles": ["editor"] }',
  });
  const result = h("div", { id: "explain-result", "aria-live": "polite" });
  const form = h(
    "form",
    { id: "explain-form", class: "stack", onsubmit: (e: Event) => void run(e) },
    h("label", {}, "Query", query),
    h("div", { class: "row" }, h("label", {}, "Variables (JSON)", variables), h("label", {}, "Operation name", operationName)),
    h("div", { class: "row" }, h("label", {}, "gcms-stage", stage), h("label", {}, "gcms-locales", locales)),
    h("div", { class: "row" }, h("label", {}, "Principal", who), tokenLabel),
    jwt,
    h("button", { type: "submit", id: "explain-submit" }, "Explain"),
  );
  const element = h(
    "section",
    { id: "panel-explain", class: "panel" },
    h("div", { class: "columns" }, h("div", {}, form), h("div", { class: "grow" }, result)),
  );

  function syncPrincipal() {
    tokenLabel.hidden = who.value !== "token";
    jwt.hidden = who.value !== "jwt";
  }

  async function run(event: Event) {
    event.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = {
        query: query.value,
        ...(variables.value.trim() ? { variables: JSON.parse(variables.value) } : {}),
        ...(operationName.value.trim() ? { operationName: operationName.value.trim() } : {}),
        headers: {
          ...(stage.value ? { "gcms-stage": stage.value } : {}),
          ...(locales.value.trim() ? { "gcms-locales": locales.value.trim() } : {}),
        },
        principal:
          who.value === "token"
            ? { type: "token", id: token.value }
            : who.value === "jwt"
              ? { type: "jwt", payload: JSON.parse(jwt.value) }
              : "public",
      };
    } catch {
      replace(result, h("p", { class: "error" }, "Variables and the JWT payload must be JSON objects."));
      return;
    }
    try {
      render(await api<Explanation>(session, "POST", "/explain", body));
    } catch (error) {
      replace(result, errorLine(error));
    }
  }

  function render(x: Explanation) {
    const d = x.decision;
    const verdict = d.allowed
      ? h("p", { class: "badge ok", "data-decision": "allowed" }, "Allowed")
      : h(
          "p",
          { class: "badge refused", "data-decision": "refused", "data-code": d.code },
          `Refused: ${d.status} ${d.code}${d.extensions["reason"] ? ` (${String(d.extensions["reason"])})` : ""}`,
        );
    const details = d.allowed
      ? table(
          "Each touch and the rules that allow it",
          ["Action", "Model", "Stage", "Locale", "Allowed by"],
          d.touches.map((t) => [
            t.action,
            t.model,
            t.stage,
            t.locale,
            t.allowedBy.map((r) => r.source + (r.condition ? ` where ${JSON.stringify(r.condition)}` : "")).join(", "),
          ]),
          "explain-touches",
        )
      : h(
          "div",
          {},
          h("p", { id: "explain-message" }, d.message),
          d.note ? h("p", { class: "muted" }, d.note) : null,
          d.extensions.failedActions
            ? table(
                "failedActions",
                ["Action", "Model", "Stage", "Locale"],
                d.extensions.failedActions.map((t) => [t.action, t.model, t.stage, t.locale]),
                "explain-failed",
              )
            : null,
          extrasOf(d.extensions),
        );
    const cache = x.cache
      ? h(
          "div",
          { class: "cache" },
          h("h3", {}, "Cache"),
          h("p", { class: `badge cache-${x.cache.outcome.toLowerCase()}`, "data-cache-outcome": x.cache.outcome }, x.cache.outcome),
          h("p", { id: "explain-cache-reason" }, x.cache.reason),
          h("h4", {}, "Cache-key components"),
          h("pre", { id: "explain-key" }, JSON.stringify(x.cache.key, null, 2)),
        )
      : null;
    replace(
      result,
      verdict,
      x.principal
        ? h(
            "p",
            { class: "muted" },
            `Principal: ${x.principal.kind}${x.principal.tokenName ? ` "${x.principal.tokenName}"` : ""}${x.principal.roles ? ` roles [${x.principal.roles.join(", ")}]` : ""}, ${x.principal.rules.length} rule${x.principal.rules.length === 1 ? "" : "s"}.`,
          )
        : null,
      x.scope
        ? h(
            "p",
            { id: "explain-scope" },
            `Stage ${x.scope.stage}, locales ${x.scope.locales.join(", ")}${x.scope.from === "analysis" ? "" : " (from headers and defaults)"}`,
          )
        : null,
      details,
      cache,
      x.forwarded ? h("details", {}, h("summary", {}, "Document the origin would receive"), h("pre", {}, x.forwarded)) : null,
    );
  }

  return {
    id: "explain",
    title: "Explain",
    element,
    show() {
      if (stage.options.length === 1)
        learnedSchema(session).then(
          (s) => stage.append(...s.stages.map((v) => h("option", { value: v }, v))),
          () => undefined,
        );
      api<TokenRecord[]>(session, "GET", "/tokens").then(
        (tokens) => replace(token, ...tokens.map((t) => h("option", { value: t.id }, `${t.name} (${t.id.slice(0, 8)})`))),
        () => undefined,
      );
    },
    hide() {},
  };
}

/** The refusal's other extensions (reason, field, header, …) besides the code and failedActions. */
function extrasOf(extensions: Record<string, unknown>): HTMLElement | null {
  const { code: _code, failedActions: _failed, ...rest } = extensions;
  return Object.keys(rest).length ? h("pre", { id: "explain-extensions" }, JSON.stringify(rest, null, 2)) : null;
}
