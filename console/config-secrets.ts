/**
 * The Configuration tab's secrets, which are never shown: the origin token can only be replaced
 * (write-only, `PATCH {"originToken"}`), and the webhook secret only rotated
 * (`POST …/webhook-secret`): the new one is shown once, and the previous one keeps verifying for
 * the grace period chosen, so the origin's webhook can be updated without refused deliveries.
 */
import { api, ApiError, type Session } from "./api";
import { armedButton } from "./confirm";
import { errorLine, h, replace, utc } from "./dom";
import { showSecret } from "./secret";

/** The grace periods offered, in seconds (the route takes 0 to 604,800). */
const GRACE_PERIODS: ReadonlyArray<readonly [number, string]> = [
  [0, "none: the old secret stops now"],
  [3_600, "1 hour"],
  [86_400, "24 hours"],
  [604_800, "7 days"],
];

/** What `POST …/webhook-secret` answers (SPEC §5). */
interface Rotated {
  webhookSecret: string;
  previousValidUntil: string | null;
}

/** Where the section says what it did: the panel's elements (cleared when the tab is left), so they stay on screen while the configuration reloads. */
export interface SecretsOutput {
  /** The new webhook secret, once. */
  issued: HTMLElement;
  /** "Origin token replaced." */
  tokenDone: HTMLElement;
}

/**
 * The secrets section; `changed` reloads the configuration.
 *
 * @example element.append(secretsSection(session, config, { issued, tokenDone }, () => void load()));
 */
export function secretsSection(session: Session, config: Record<string, unknown>, output: SecretsOutput, changed: () => void): HTMLElement {
  const { issued, tokenDone } = output;
  const tokenInput = h("input", {
    id: "config-origin-token",
    type: "password",
    autocomplete: "new-password",
    spellcheck: "false",
    "aria-describedby": "config-origin-token-state config-origin-token-error",
  });
  const tokenError = h("p", { id: "config-origin-token-error", class: "error field-error", hidden: true });
  const grace = h(
    "select",
    { id: "config-webhook-grace" },
    ...GRACE_PERIODS.map(([seconds, label]) => h("option", { value: String(seconds), selected: seconds === 86_400 }, label)),
  );
  const rotation = (config["webhookSecretRotation"] ?? null) as { previousValidUntil?: string } | null;

  async function replaceToken(event: Event) {
    event.preventDefault();
    tokenError.hidden = true;
    tokenInput.removeAttribute("aria-invalid");
    replace(tokenDone);
    if (!tokenInput.value) return void showTokenError("Type the new origin token first.");
    try {
      await api(session, "PATCH", "", { originToken: tokenInput.value });
      tokenInput.value = "";
      replace(tokenDone, "Origin token replaced.");
      changed();
    } catch (error) {
      showTokenError(error instanceof ApiError ? error.message : String(error));
    }
  }

  function showTokenError(message: string) {
    tokenError.textContent = message;
    tokenError.hidden = false;
    tokenInput.setAttribute("aria-invalid", "true");
    tokenInput.focus();
  }

  const rotate = armedButton({
    label: "Rotate webhook secret",
    question: "Rotate the webhook secret now?",
    className: "rotate",
    act: async () => {
      try {
        const rotated = await api<Rotated>(session, "POST", "/webhook-secret", { graceSeconds: Number(grace.value) });
        showSecret(issued, "webhook", "The new webhook secret (set it in the origin's webhook)", rotated.webhookSecret);
        issued.append(
          h(
            "p",
            { id: "webhook-previous-once" },
            rotated.previousValidUntil === null
              ? "The previous secret no longer verifies."
              : `The previous secret keeps verifying until ${utc(rotated.previousValidUntil)} UTC.`,
          ),
        );
        changed();
      } catch (error) {
        replace(issued, errorLine(error));
      }
    },
  });
  rotate.id = "config-webhook-rotate";

  return h(
    "div",
    { id: "config-secrets", class: "config-secrets" },
    h("h3", {}, "Secrets"),
    h(
      "form",
      { class: "stack", id: "config-origin-token-form", onsubmit: (e: Event) => void replaceToken(e) },
      h("h4", {}, "Origin token"),
      h(
        "p",
        { id: "config-origin-token-state", class: "muted" },
        config["originToken"] === undefined
          ? "No origin token is set."
          : "An origin token is set (never shown). Type a new one to replace it.",
      ),
      h(
        "div",
        { class: "row wrap" },
        h("label", { for: "config-origin-token" }, "Replace origin token (write-only)", tokenInput),
        h("button", { type: "submit", id: "config-origin-token-save" }, "Replace"),
      ),
      tokenError,
      tokenDone,
    ),
    h(
      "div",
      { class: "stack" },
      h("h4", {}, "Webhook secret"),
      h(
        "p",
        { id: "config-webhook-state", class: "muted" },
        config["webhookSecret"] === undefined
          ? "No webhook secret is set: webhooks are refused."
          : "A webhook secret is set (never shown).",
      ),
      rotation?.previousValidUntil
        ? h("p", { id: "config-webhook-previous" }, `The previous secret stays valid until ${utc(rotation.previousValidUntil)} UTC.`)
        : null,
      h("div", { class: "row wrap" }, h("label", {}, "Grace period for the previous secret", grace), rotate),
      issued,
    ),
  );
}
