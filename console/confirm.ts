/** A button that asks before it acts: the first click arms it and says what will happen, the second acts. */
import { h } from "./dom";

/**
 * @example armedButton({ label: "Revoke", question: 'Revoke "ci"?', className: "revoke", act: () => revoke(id) });
 */
export function armedButton(options: { label: string; question: string; className: string; act: () => Promise<void> }): HTMLButtonElement {
  const button = h("button", { type: "button", class: options.className }, options.label);
  button.addEventListener("click", async () => {
    if (!button.classList.contains("armed")) {
      button.classList.add("armed", "danger");
      button.textContent = options.question;
      return;
    }
    button.disabled = true;
    await options.act();
  });
  return button;
}
