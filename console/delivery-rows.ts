/** The webhook delivery log's rows as text (no DOM here: unit-tested in Node and workerd). */

/** One delivery as `GET …/webhook-deliveries` answers it (SPEC §5). */
export interface Delivery {
  at: string;
  event: string | null;
  model: string | null;
  id: string | null;
  stage: string | null;
  outcome: "accepted" | "duplicate" | "refused";
  reason: string | null;
}

export const DELIVERY_COLUMNS = ["Time (UTC)", "Event", "Model", "Entry id", "Stage", "Outcome", "Reason"] as const;

/**
 * A delivery's cells, in {@link DELIVERY_COLUMNS}' order; `–` where the gateway recorded nothing
 * (a refused delivery's body is not read, so it names no event, model or entry).
 *
 * @example deliveryCells({ at: "2026-12-07T14:00:00.000Z", event: "publish", model: "Post", id: "p1", stage: "PUBLISHED", outcome: "accepted", reason: null });
 * // ["2026-12-07 14:00:00", "publish", "Post", "p1", "PUBLISHED", "accepted", "–"]
 */
export function deliveryCells(delivery: Delivery): string[] {
  const or = (value: string | null) => value ?? "–";
  const time = delivery.at.slice(0, 19).replace("T", " ");
  return [time, or(delivery.event), or(delivery.model), or(delivery.id), or(delivery.stage), delivery.outcome, or(delivery.reason)];
}
