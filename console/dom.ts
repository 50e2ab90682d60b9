/** A tiny DOM builder: the console renders with `document.createElement`, never with HTML strings. */
import { ApiError } from "./api";

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * An element with attributes, listeners (`on<event>`) and children. `value` and `checked` are set
 * as properties; `false`, `null` and `undefined` attributes are left out.
 *
 * @example h("button", { type: "button", class: "danger", onclick: () => purge() }, "Purge")
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "value" || name === "checked") (element as unknown as Record<string, unknown>)[name] = value;
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (strings become text nodes, so nothing is ever parsed as HTML). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Array<SVGElement | string>
): SVGElementTagNameMap[K] {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  return element;
}

/** `0.8123` → `81.2 %`; `null` → `–`. */
export function percent(ratio: number | null): string {
  return ratio === null ? "–" : `${(ratio * 100).toFixed(1)} %`;
}

/** `12345` → `12,345`. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** An ISO time as `HH:MM` (UTC, as the stats are kept). */
export function clock(iso: string): string {
  return iso.slice(11, 16);
}

/**
 * A message line for a failed call: the error's code and message. A role refusal
 * (`403 FORBIDDEN_ROLE`) says plainly which role the action needs; the console hides what a role
 * may not use, so this appears only when a role changed under an open console.
 */
export function errorLine(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.code === "FORBIDDEN_ROLE") {
    const required = String(error.extensions["required"] ?? "another");
    const role = error.extensions["role"];
    return h(
      "p",
      { class: "error", role: "alert", "data-code": error.code, "data-required": required },
      `Not allowed: this needs the ${required} role, ${typeof role === "string" ? `and you are signed in as ${role}` : "and no role is granted to you"} (403 FORBIDDEN_ROLE).`,
    );
  }
  const text = error instanceof Error ? error.message : String(error);
  return h("p", { class: "error", role: "alert", ...(error instanceof ApiError ? { "data-code": error.code } : {}) }, text);
}

/** A UTC time as `YYYY-MM-DD HH:MM:SS` (the console works in UTC). */
export function utc(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}
