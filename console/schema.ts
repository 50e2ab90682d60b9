/** Schema: the models, stages and locales the gateway learned from the origin, and a refresh button (editors and owners). */
import { api, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";
import { may, type Whoami } from "./roles";

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

/** Per session: signing in again (perhaps to another project) starts afresh. */
const cached = new WeakMap<Session, Promise<SchemaSummary>>();

/** The learned schema, loaded once per session (the refresh button reloads it). Other panels use it for their choices. */
export function learnedSchema(session: Session): Promise<SchemaSummary> {
  let schema = cached.get(session);
  if (!schema) {
    schema = api<SchemaSummary>(session, "GET", "/schema");
    schema.catch(() => cached.delete(session));
    cached.set(session, schema);
  }
  return schema;
}

export function schemaPanel(session: Session, who: Whoami): Panel {
  const body = h("div", { id: "schema-body" }, "Loading…");
  const note = h("p", { id: "schema-note", class: "muted" });
  const refresh = h("button", { type: "button", id: "schema-refresh", onclick: () => void reload() }, "Refresh from the origin");
  const element = h(
    "section",
    { id: "panel-schema", class: "panel" },
    h("div", { class: "toolbar" }, may(who, "schemaRefresh") ? refresh : null, note),
    body,
  );

  async function reload() {
    refresh.disabled = true;
    note.textContent = "Asking the origin…";
    try {
      const fresh = await api<SchemaSummary>(session, "POST", "/schema/refresh", {});
      cached.set(session, Promise.resolve(fresh));
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
