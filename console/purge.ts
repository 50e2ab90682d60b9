/**
 * Purge: by model and stage, or everything; by entry (purge-entries.ts); one operation by its
 * document hash — each after a confirmation that says what it will invalidate. (What the origin's
 * own invalidations did, the webhook delivery log, is in the Traffic tab, which every role sees.)
 */
import { api, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";
import { documentPurge, entriesPurge } from "./purge-entries";
import { learnedSchema } from "./schema";

interface Purged {
  purged: { models: string[] | "*"; stages: string[] | "*" };
}

export function purgePanel(session: Session): Panel {
  const form = h("div", { id: "purge-form" }, "Loading…");
  const confirmBox = h("div", { id: "purge-confirmation", class: "confirm", hidden: true });
  const result = h("div", { id: "purge-result", "aria-live": "polite" });
  const narrow = h("div", { id: "purge-narrow" });
  const element = h(
    "section",
    { id: "panel-purge", class: "panel" },
    h("h3", {}, "Purge by model and stage"),
    h(
      "p",
      { class: "muted" },
      "Purging makes every cached answer that may contain the chosen models in the chosen stages stale at once; nothing is deleted, the next request goes to the origin.",
    ),
    form,
    confirmBox,
    result,
    narrow,
  );

  function checkboxes(name: string, values: string[]): HTMLElement {
    return h(
      "fieldset",
      { id: `purge-${name}` },
      h("legend", {}, name === "models" ? "Models" : "Stages"),
      h(
        "label",
        { class: "all" },
        h("input", { type: "checkbox", value: "*", checked: true, onchange: (e: Event) => toggleAll(e, name) }),
        ` All ${name}`,
      ),
      ...values.map((value) => h("label", {}, h("input", { type: "checkbox", value, disabled: true }), ` ${value}`)),
    );
  }

  function toggleAll(event: Event, name: string) {
    const all = (event.target as HTMLInputElement).checked;
    for (const box of form.querySelectorAll<HTMLInputElement>(`#purge-${name} input:not([value="*"])`)) {
      box.disabled = all;
      if (all) box.checked = false;
    }
  }

  /** `"*"` or the checked names (an empty choice is not a purge). */
  function chosen(name: string): string[] | "*" | null {
    if (form.querySelector<HTMLInputElement>(`#purge-${name} input[value="*"]`)?.checked) return "*";
    const names = [...form.querySelectorAll<HTMLInputElement>(`#purge-${name} input:checked`)].map((box) => box.value);
    return names.length ? names : null;
  }

  function ask() {
    const models = chosen("models");
    const stages = chosen("stages");
    if (!models || !stages) {
      replace(result, h("p", { class: "error" }, "Choose at least one model and one stage, or All."));
      return;
    }
    const what =
      models === "*" && stages === "*"
        ? "every cached answer of this project and environment"
        : `cached answers that may contain ${models === "*" ? "any model" : models.join(", ")} in ${stages === "*" ? "every stage" : stages.join(", ")}`;
    replace(
      confirmBox,
      h("p", {}, `Invalidate ${what}?`),
      h("button", { type: "button", id: "purge-confirm", class: "danger", onclick: () => void purge(models, stages) }, "Yes, purge"),
      h("button", { type: "button", id: "purge-cancel", onclick: () => (confirmBox.hidden = true) }, "Cancel"),
    );
    confirmBox.hidden = false;
  }

  async function purge(models: string[] | "*", stages: string[] | "*") {
    confirmBox.hidden = true;
    try {
      const body = { ...(models === "*" ? {} : { models }), ...(stages === "*" ? {} : { stages }) };
      const { purged } = await api<Purged>(session, "POST", "/purge", body);
      const names = (v: string[] | "*", all: string) => (v === "*" ? all : v.join(", "));
      replace(
        result,
        h(
          "p",
          { class: "ok", id: "purge-done" },
          `Invalidated at ${new Date().toISOString().slice(11, 19)} UTC — models: ${names(purged.models, "all")}; stages: ${names(purged.stages, "all")}.`,
        ),
      );
    } catch (error) {
      replace(result, errorLine(error));
    }
  }

  return {
    id: "purge",
    title: "Purge",
    element,
    show() {
      if (form.dataset["ready"]) return;
      learnedSchema(session).then(
        (schema) => {
          form.dataset["ready"] = "1";
          replace(
            form,
            h("div", { class: "columns" }, checkboxes("models", schema.models), checkboxes("stages", schema.stages)),
            h("button", { type: "button", id: "purge-submit", class: "danger", onclick: ask }, "Purge…"),
          );
          replace(narrow, entriesPurge(session, schema), documentPurge(session, schema));
        },
        (error: unknown) => replace(form, errorLine(error)),
      );
    },
    hide() {},
  };
}
