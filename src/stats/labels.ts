/**
 * Bounded label maps: what keeps a traffic bucket's refusal codes, refused touches and operations
 * from growing with what clients invent (model names, documents).
 */

/**
 * Distinct labels (refusal codes, refused touches, operations) one bucket keeps; more fold into
 * {@link OTHER_LABEL}, so a client inventing model names cannot grow a bucket without bound.
 */
export const MAX_LABELS = 100;
export const OTHER_LABEL = "(other)";

/**
 * Adds `by` to `label` in a bounded label map: a new label beyond {@link MAX_LABELS} is counted
 * under {@link OTHER_LABEL}.
 *
 * @example addLabel(bucket.refusals, "403 FORBIDDEN", 1);
 */
export function addLabel(labels: Record<string, number>, label: string, by: number): void {
  if (Object.hasOwn(labels, label)) labels[label]! += by;
  else if (Object.keys(labels).length < MAX_LABELS) labels[label] = by;
  else labels[OTHER_LABEL] = (labels[OTHER_LABEL] ?? 0) + by;
}
