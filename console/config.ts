/**
 * Configuration: every field of the project's configuration (`GET /admin/projects/{p}/{e}`,
 * secrets masked), for every role. An owner also edits it: the form and JSON editors
 * (config-form.ts), "Review changes" (the diff, after the gateway validated the merge patch with
 * `PATCH …?dryRun=true`), "Save" (the same patch, only the changed fields), and the secrets
 * (config-secrets.ts). A `400 INVALID_CONFIG` is shown beside the field it names.
 */
import { api, ApiError, type Session } from "./api";
import { createMergePatch, diffFields, flattenFields, valueText, type JsonObject } from "./config-diff";
import { configForm, type ConfigForm } from "./config-form";
import { secretsSection } from "./config-secrets";
import { errorLine, h, replace } from "./dom";
import type { Panel } from "./panel";
import { may, type Whoami } from "./roles";

/** What `GET` shows besides the configuration itself: not part of an edit. */
const NOT_CONFIG = ["webhookSecretRotation", "rulesUnchecked"];
/** Secrets are changed by their own controls, never by the form's patch. */
const SECRETS = ["originToken", "webhookSecret"];

/**
 * The Configuration tab of `session`'s project; editable when `who` is an owner.
 *
 * @example const panel = configPanel(session, who); panel.show();
 */
export function configPanel(session: Session, who: Whoami): Panel {
  const owner = may(who, "config");
  const current = h("div", { id: "config-current", class: "scroll" }, "Loading…");
  const editor = h("div", { id: "config-editor" });
  const secrets = h("div", {});
  const issued = h("div", { id: "webhook-issued", "aria-live": "polite" });
  const tokenDone = h("p", { id: "config-origin-token-done", class: "ok", role: "status" });
  const element = h(
    "section",
    { id: "panel-config", class: "panel" },
    h(
      "div",
      { class: "columns" },
      owner ? h("div", { class: "grow config-edit" }, h("h3", {}, "Edit"), editor, secrets) : null,
      h("div", { class: owner ? "side wide" : "grow" }, h("h3", {}, "Current configuration"), current),
    ),
  );
  let stored: JsonObject = {};
  let form: ConfigForm | null = null;
  /** The patch the diff on screen shows (validated by a dry run); an edit after it withdraws it. */
  let pending: JsonObject | null = null;
  const status = h("div", { id: "config-status", role: "status" });
  const diff = h("div", { id: "config-diff", class: "scroll" });

  async function load(message?: string) {
    try {
      const config = await api<JsonObject>(session, "GET", "");
      render(config);
      if (message) replace(status, h("p", { class: "ok", id: "config-saved" }, message));
    } catch (error) {
      replace(current, errorLine(error));
    }
  }

  function render(config: JsonObject) {
    replace(current, fieldTable(config));
    if (!owner) return;
    stored = editable(config);
    form = configForm(stored);
    pending = null;
    replace(diff);
    replace(status);
    const review = h("button", { type: "submit", id: "config-review" }, "Review changes");
    replace(
      editor,
      h(
        "form",
        {
          id: "config-form",
          novalidate: true,
          onsubmit: (e: Event) => void reviewChanges(e),
          oninput: () => withdraw(),
          onchange: () => withdraw(),
        },
        form.element,
        h("div", { class: "row wrap" }, review),
        status,
        diff,
      ),
    );
    replace(
      secrets,
      secretsSection(session, config, { issued, tokenDone }, () => void load()),
    );
  }

  function withdraw() {
    if (pending === null) return;
    pending = null;
    replace(diff);
  }

  async function reviewChanges(event: Event) {
    event.preventDefault();
    if (!form) return;
    form.clearErrors();
    replace(diff);
    replace(status);
    const { config, errors } = form.read();
    if (errors.length) {
      // Last to first: the first bad field ends up focused.
      for (const e of [...errors].reverse()) form.showError(e.field, e.message);
      return;
    }
    const patch = createMergePatch(stored, config);
    if (Object.keys(patch).length === 0) return void replace(status, h("p", { class: "muted" }, "No changes to review."));
    try {
      await api(session, "PATCH", "?dryRun=true", patch);
    } catch (error) {
      return refused(error);
    }
    pending = patch;
    const changes = diffFields(stored, config);
    replace(
      diff,
      h(
        "table",
        { class: "data", id: "config-diff-table" },
        h("caption", {}, `${changes.length} change${changes.length === 1 ? "" : "s"}, checked by the gateway`),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "After saving")),
        ),
        h(
          "tbody",
          {},
          ...changes.map((change) =>
            h(
              "tr",
              { "data-field": change.field },
              h("td", {}, h("code", {}, change.field)),
              h("td", { class: "wrap-anywhere" }, h("del", {}, valueText(change.before))),
              h("td", { class: "wrap-anywhere" }, h("ins", {}, valueText(change.after))),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "row wrap" },
        h("button", { type: "button", id: "config-save", class: "primary", onclick: () => void save() }, "Save"),
        h("button", { type: "button", id: "config-discard", onclick: () => withdraw() }, "Back to editing"),
      ),
    );
    diff.querySelector<HTMLButtonElement>("#config-save")?.focus();
  }

  async function save() {
    if (pending === null) return;
    let answer: { rulesUnchecked?: { message?: string } };
    try {
      answer = await api(session, "PATCH", "", pending);
    } catch (error) {
      replace(diff);
      return refused(error);
    }
    // Saved all the same when the origin could not be asked for its schema (as a PUT is): say so.
    const unchecked = answer.rulesUnchecked;
    await load(
      unchecked
        ? `Saved. The rules were not checked against the origin's schema: ${unchecked.message ?? "it could not be read"}.`
        : "Saved.",
    );
  }

  /** A field error beside its field (focused); any other refusal under the form. */
  function refused(error: unknown) {
    const field = error instanceof ApiError ? error.extensions["field"] : undefined;
    if (typeof field === "string" && form?.showError(field, (error as ApiError).message)) return;
    replace(status, errorLine(error));
  }

  return {
    id: "config",
    title: "Configuration",
    element,
    show() {
      void load();
    },
    hide() {
      replace(issued);
      replace(tokenDone);
    },
  };
}

/** The configuration without what the form does not edit (secrets, the rotation's state). */
function editable(config: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !NOT_CONFIG.includes(key) && !SECRETS.includes(key)));
}

/** Every field as stored, secrets as the gateway masks them. */
function fieldTable(config: JsonObject): HTMLElement {
  return h(
    "table",
    { class: "data fields" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Value"))),
    h(
      "tbody",
      {},
      ...flattenFields(config).map(([field, value]) =>
        h(
          "tr",
          { "data-field": field },
          h("td", {}, h("code", {}, field)),
          h("td", { class: "wrap-anywhere" }, h("code", {}, valueText(value))),
        ),
      ),
    ),
  );
}
