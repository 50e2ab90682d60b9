/**
 * The Configuration tab's form: a control per common field (origin, defaults, cache times,
 * browser access, IP rules) and a JSON editor (checked as it is typed) for the permission rules,
 * roles and the rest, each labelled, with its server error shown beside it (`aria-invalid`,
 * `aria-describedby`). `read()` turns the controls back into a configuration; what changed is
 * config-diff.ts's business.
 */
import { controlFor, type Json, type JsonObject } from "./config-diff";
import { FORM_FIELDS, GROUPS, type FieldSpec } from "./config-fields";
import { h } from "./dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface ConfigForm {
  element: HTMLElement;
  /** The configuration the controls describe, or the fields that are not even JSON. */
  read(): { config: JsonObject; errors: Array<{ field: string; message: string }> };
  /** Shows `message` beside the control of `field` and focuses it; `false` when no control holds that field. */
  showError(field: string, message: string): boolean;
  clearErrors(): void;
}

/** The id of a field's control: `config-cache-maxAge`. */
function controlId(path: string): string {
  return `config-${path.replaceAll(".", "-")}`;
}

function get(config: JsonObject, path: string): Json | undefined {
  let value: Json | undefined = config;
  for (const key of path.split(".")) value = value && typeof value === "object" && !Array.isArray(value) ? value[key] : undefined;
  return value;
}

/** Sets (or, for `undefined`, removes) a dotted path; a parent left empty by a removal goes too (`ipRules: {}` is no rules). */
function set(config: JsonObject, path: string, value: Json | undefined): void {
  const [key, ...rest] = path.split(".") as [string, ...string[]];
  if (rest.length === 0) {
    if (value === undefined) delete config[key];
    else config[key] = value;
    return;
  }
  const child = config[key];
  const object: JsonObject = child && typeof child === "object" && !Array.isArray(child) ? child : {};
  set(object, rest.join("."), value);
  if (Object.keys(object).length > 0) config[key] = object;
  else if (key !== "cache") delete config[key];
}

/**
 * The form for `config` (as `GET` shows it; secrets are not part of it).
 *
 * @example const form = configForm(config); form.read().config; // config, when nothing was touched
 */
export function configForm(config: JsonObject): ConfigForm {
  const controls = new Map<string, { control: Control; spec: FieldSpec; error: HTMLElement }>();
  const groups = GROUPS.map((group) =>
    h("fieldset", { class: "config-group" }, h("legend", {}, group.legend), ...group.fields.map((spec) => field(spec))),
  );

  function field(spec: FieldSpec): HTMLElement {
    const id = controlId(spec.path);
    const value = get(config, spec.path);
    const error = h("p", { id: `${id}-error`, class: "error field-error", hidden: true });
    const hint = spec.hint ? h("span", { id: `${id}-hint`, class: "muted hint" }, spec.hint) : null;
    const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
    const control = makeControl(spec, id, value, described);
    controls.set(spec.path, { control, spec, error });
    if (spec.kind === "boolean")
      return h("div", { class: "field" }, h("label", { class: "check" }, control, ` ${spec.label}`), hint, error);
    return h("div", { class: "field" }, h("label", { for: id }, spec.label), control, hint, error);
  }

  const form: ConfigForm = {
    element: h("div", { id: "config-fields", class: "config-fields" }, ...groups),
    read() {
      const edited = structuredClone(config);
      const errors: Array<{ field: string; message: string }> = [];
      for (const [path, { control, spec }] of controls) {
        const parsed = readControl(spec, control);
        if ("error" in parsed) errors.push({ field: path, message: parsed.error });
        else set(edited, path, parsed.value);
      }
      return { config: edited, errors };
    },
    showError(fieldPath, message) {
      const path = controlFor(fieldPath, FORM_FIELDS);
      const entry = path === null ? undefined : controls.get(path);
      if (!entry) return false;
      entry.error.textContent = fieldPath === path ? message : `${fieldPath}: ${message}`;
      entry.error.hidden = false;
      entry.control.setAttribute("aria-invalid", "true");
      entry.control.focus();
      return true;
    },
    clearErrors() {
      for (const { control, error } of controls.values()) {
        error.hidden = true;
        error.textContent = "";
        control.removeAttribute("aria-invalid");
      }
    },
  };
  return form;
}

function makeControl(spec: FieldSpec, id: string, value: Json | undefined, described: string): Control {
  const common = { id, name: spec.path, "aria-describedby": described };
  switch (spec.kind) {
    case "boolean":
      return h("input", { ...common, type: "checkbox", checked: value === true });
    case "choice":
      return h(
        "select",
        common,
        ...(spec.choices ?? []).map(([choice, label]) => h("option", { value: choice, selected: (value ?? "") === choice }, label)),
      );
    case "seconds":
      // Text, not type=number: what the operator typed reaches the gateway, whose error is shown beside it.
      return h("input", { ...common, inputmode: "numeric", autocomplete: "off", value: value === undefined ? "" : String(value) });
    case "lines":
      return h("textarea", { ...common, rows: 3, spellcheck: "false", value: Array.isArray(value) ? value.join("\n") : "" });
    case "json": {
      const text = value === undefined ? "" : JSON.stringify(value, null, 2);
      const area = h("textarea", { ...common, rows: Math.min(12, Math.max(3, text.split("\n").length)), spellcheck: "false", value: text });
      // The syntax is checked as it is typed; the gateway checks the meaning on review.
      area.addEventListener("input", () => {
        const parsed = readControl(spec, area);
        const error = document.getElementById(`${id}-error`);
        if (error) {
          error.hidden = !("error" in parsed);
          error.textContent = "error" in parsed ? parsed.error : "";
        }
        if ("error" in parsed) area.setAttribute("aria-invalid", "true");
        else area.removeAttribute("aria-invalid");
      });
      return area;
    }
    default:
      return h("input", { ...common, autocomplete: "off", spellcheck: "false", value: typeof value === "string" ? value : "" });
  }
}

/** A control's value as configuration JSON (`undefined`: absent), or why it is not one. */
function readControl(spec: FieldSpec, control: Control): { value: Json | undefined } | { error: string } {
  const raw = control.value;
  switch (spec.kind) {
    case "boolean":
      return { value: (control as HTMLInputElement).checked };
    case "seconds": {
      const text = raw.trim();
      if (text === "") return { value: undefined };
      // A number when it reads as one; otherwise as typed, for the gateway to refuse by name.
      return { value: /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text };
    }
    case "lines": {
      const lines = raw
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      return { value: lines.length ? lines : undefined };
    }
    case "json": {
      if (raw.trim() === "") return { value: undefined };
      try {
        return { value: JSON.parse(raw) as Json };
      } catch (error) {
        return { error: `Not valid JSON: ${(error as Error).message}` };
      }
    }
    default:
      return { value: raw.trim() === "" ? undefined : raw.trim() };
  }
}
