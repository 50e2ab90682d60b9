/** How the Traffic tab prints latency and operations, and how wide it draws a chart: pure, no DOM. */
import type { TopOperation } from "../src/stats/operations";

/** The width a chart is drawn at when its box has none yet (not shown). */
export const DEFAULT_WIDTH = 760;
/** Below this, a chart is drawn at this width and its box scrolls (never the page). */
const MIN_WIDTH = 300;

/**
 * The width to draw a chart at for a box `boxWidth` CSS pixels wide (0: not laid out yet): one SVG
 * unit per pixel, so the chart fills its card and its text keeps its size.
 *
 * @example chartWidth(figure.clientWidth); // 1240 in a 1280 px window
 */
export function chartWidth(boxWidth: number): number {
  return boxWidth > 0 ? Math.max(MIN_WIDTH, Math.floor(boxWidth)) : DEFAULT_WIDTH;
}

/**
 * A duration in ms as the console prints it: two decimals below 10, one below 100, else whole.
 *
 * @example ms(37.62); // "37.6 ms"
 * @example ms(null); // "–"
 */
export function ms(value: number | null): string {
  if (value === null) return "–";
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US")} ms`;
}

/**
 * An operation's name in the top operations; an unnamed one's is the first 12 hex digits of its hash.
 *
 * @example operationTitle({ documentHash: "ab".repeat(32), operationName: null }); // "abababababab…"
 */
export function operationTitle(op: Pick<TopOperation, "documentHash" | "operationName">): string {
  return op.operationName ?? `${op.documentHash.slice(0, 12)}…`;
}
