/** Schema: the models, stages and locales the gateway learned from the origin, and a refresh button. */
import { api, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";

/** What `GET …/schema` answers (src/admin/schema.ts). */
export interface SchemaSummary {
  schemaHash: string;
  fetchedAt: string;
  models: string[];
  stages: string[];
  locales: string[];
  mutations: number;
  changed?: boolean;
}

let cached: Promise<SchemaSummary> | undefined;

/** The learned schema, loaded once per page (the refresh button reloads it). Other panels use it for their choices. */
export function learnedSchema(session: Session): Promise<SchemaSummary> {
  cached ??= api<SchemaSummary>(session, "GET", "/schema");
  cached.catch(() => (cached = undefined));
  return cached;
}

export function schemaPanel(session: Session): Panel {
  const body = h("div", { id: "schema-body" }, "Loading…");
  const note = h("p", { id: "schema-note", class: "muted" });
  const refresh = h("button", { type: "button", id: "schema-refresh", onclick: () => void reload() }, "Refresh from the origin");
  const element = h("section", { id: "panel-schema", class: "panel" }, h("div", { class: "toolbar" }, refresh, note), body);

  async function reload() {
    refresh.disabled = true;
    note.textContent = "Asking the origin…";
    try {
      const fresh = await api<SchemaSummary>(session, "POST", "/schema/refresh", {});
      cached = Promise.resolve(fresh);
      render(fresh);
      note.textContent = fresh.changed ? "The schema changed: every cached answer of this project was invalidated." : "Unchanged.";
    } catch (error) {
      note.textContent = "";
      replace(body, errorLine(error));
    } finally {
      refresh.disabled = false;
    }
  }

  function render(schema: SchemaSummary) {
    const list = (label: string, names: string[], id: string) =>
      h(
        "div",
        { class: "schema-list" },
        h("h3", {}, `${label} (${names.length})`),
        h("ul", { id }, ...names.map((name) => h("li", {}, h("code", {}, name)))),
      );
    replace(
      body,
      h(
        "p",
        { class: "muted" },
        `Learned ${schema.fetchedAt.replace("T", " ").slice(0, 19)} UTC · schema ${schema.schemaHash.slice(0, 12)} · ${schema.mutations} mutations`,
      ),
      h(
        "div",
        { class: "columns" },
        list("Models", schema.models, "schema-models"),
        list("Stages", schema.stages, "schema-stages"),
        list("Locales", schema.locales, "schema-locales"),
      ),
    );
  }

  return {
    id: "schema",
    title: "Schema",
    element,
    show() {
      learnedSchema(session).then(render, (error: unknown) => replace(body, errorLine(error)));
    },
    hide() {},
  };
}
