/** A secret shown once (a new content token, a new operator token): copyable, with the warning that it will not be shown again. */
import { h, replace } from "./dom";

/**
 * Fills `target` with `secret`, a Copy button and `intro`. Ids are `{prefix}-secret`,
 * `{prefix}-copy` and `{prefix}-copied`. The panel clears `target` when it is left, so the secret
 * is gone from the page too.
 *
 * @example showSecret(issued, "token", `Token "ci" (tok_1)`, created.token);
 */
export function showSecret(target: HTMLElement, prefix: string, intro: string, secret: string): void {
  const copied = h("span", { class: "muted", id: `${prefix}-copied`, "aria-live": "polite" });
  const copy = h("button", { type: "button", id: `${prefix}-copy`, onclick: () => void copyText(secret, copied) }, "Copy");
  replace(
    target,
    h(
      "div",
      { class: "secret" },
      h("p", {}, `${intro} — copy it now, it will not be shown again:`),
      h("div", { class: "row" }, h("code", { id: `${prefix}-secret` }, secret), copy, copied),
    ),
  );
}

/** Copies with the Clipboard API (this page is a secure context on https and on 127.0.0.1). */
async function copyText(text: string, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied.";
  } catch {
    status.textContent = "Copy failed: select the token and copy it by hand.";
  }
}
