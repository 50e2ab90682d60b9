/**
 * The webhook delivery log: the last 100 deliveries the gateway judged for this project, newest
 * first — when, which event, model, entry and stage, and whether it was accepted, a duplicate or
 * refused and why (`GET …/webhook-deliveries`, SPEC §5, viewer). A Refresh button reloads it.
 */
import { api, type Session } from "./api";
import { DELIVERY_COLUMNS, deliveryCells, type Delivery } from "./delivery-rows";
import { errorLine, h, replace } from "./dom";

/**
 * The "Webhook deliveries" section; it loads when `load()` is called (when its tab opens) and on
 * Refresh.
 *
 * @example const log = deliveryLog(session); panel.append(log.element); void log.load();
 */
export function deliveryLog(session: Session): { element: HTMLElement; load(): Promise<void> } {
  const status = h("p", { id: "deliveries-status", class: "muted", "aria-live": "polite" });
  const body = h("div", { id: "deliveries-body" });
  const refresh = h("button", { type: "button", id: "deliveries-refresh", onclick: () => void load() }, "Refresh");

  async function load() {
    refresh.disabled = true;
    status.textContent = "Loading…";
    try {
      const { deliveries } = await api<{ deliveries: Delivery[] }>(session, "GET", "/webhook-deliveries");
      status.textContent = `Loaded at ${new Date().toISOString().slice(11, 19)} UTC.`;
      if (deliveries.length === 0) {
        replace(
          body,
          h(
            "p",
            { id: "deliveries-empty", class: "muted" },
            `No webhook delivery yet. The origin's webhooks post to /webhooks/${session.projectId}/${session.environment}; each one it sends shows here.`,
          ),
        );
        return;
      }
      replace(
        body,
        h(
          "div",
          { class: "scroll" },
          h(
            "table",
            { class: "data", id: "deliveries" },
            h("caption", {}, `The last ${deliveries.length} deliveries, newest first`),
            h("thead", {}, h("tr", {}, ...DELIVERY_COLUMNS.map((column) => h("th", { scope: "col" }, column)))),
            h(
              "tbody",
              {},
              ...deliveries.map((delivery) =>
                h(
                  "tr",
                  { "data-outcome": delivery.outcome },
                  ...deliveryCells(delivery).map((cell, i) =>
                    h("td", { class: i === 0 ? "nowrap" : i === 5 ? `outcome-${delivery.outcome}` : i === 6 ? "details" : null }, cell),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      status.textContent = "";
      replace(body, errorLine(error));
    } finally {
      refresh.disabled = false;
    }
  }

  const element = h(
    "section",
    { id: "webhook-deliveries", class: "purge-section", "aria-labelledby": "deliveries-heading" },
    h("div", { class: "toolbar wrap" }, h("h3", { id: "deliveries-heading" }, "Webhook deliveries"), refresh),
    h(
      "p",
      { class: "muted" },
      "What the gateway did with each content webhook: accepted (and invalidated), a duplicate it had seen, or refused, and why.",
    ),
    status,
    body,
  );
  return { element, load };
}
