/**
 * The traffic chart, drawn as SVG by the console: one stacked bar per minute or hour (hits, stale,
 * misses, bypasses, refusals) on the left scale, and the hit ratio as a line on the right scale
 * (0–100 %), broken where there was no cacheable request.
 */
import type { TrafficPoint } from "../src/stats/traffic";
import { clock, count, percent, svg } from "./dom";

const WIDTH = 760;
const HEIGHT = 240;
const PAD = { top: 12, right: 44, bottom: 26, left: 44 };
/** Stacked from the bottom; each has a CSS class for its colour. */
const SERIES = ["hits", "stale", "misses", "bypasses", "refusals"] as const;

/**
 * Draws `points` (oldest first). The `svg` carries `data-requests` and `data-refusals` (their
 * sums) and `data-last-requests` (the newest point's), so the page can be read without pixels.
 *
 * @example panel.append(trafficChart(view.minutes, "per minute, last hour"));
 */
export function trafficChart(points: readonly TrafficPoint[], caption: string): SVGSVGElement {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const totals = points.map((p) => p.requests + p.refusals);
  const max = Math.max(1, ...totals);
  const slot = plotW / Math.max(1, points.length);
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const ratioY = (r: number) => PAD.top + plotH - r * plotH;

  const chart = svg("svg", {
    class: "traffic-chart",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": `Requests and hit ratio, ${caption}`,
    "data-requests": points.reduce((sum, p) => sum + p.requests, 0),
    "data-refusals": points.reduce((sum, p) => sum + p.refusals, 0),
    "data-last-requests": points.at(-1)?.requests ?? 0,
  });

  // Grid and scales.
  for (const fraction of [0, 0.5, 1]) {
    const lineY = PAD.top + plotH - fraction * plotH;
    chart.append(svg("line", { class: "grid", x1: PAD.left, x2: PAD.left + plotW, y1: lineY, y2: lineY }));
    chart.append(svg("text", { class: "axis", x: PAD.left - 6, y: lineY + 4, "text-anchor": "end" }, count(Math.round(max * fraction))));
    chart.append(svg("text", { class: "axis ratio", x: PAD.left + plotW + 6, y: lineY + 4 }, `${fraction * 100}%`));
  }

  // Stacked bars, with a tooltip per point.
  points.forEach((point, i) => {
    const x = PAD.left + i * slot + slot * 0.1;
    let base = 0;
    const group = svg("g", { class: "bar" });
    for (const name of SERIES) {
      const value = point[name];
      if (value <= 0) continue;
      group.append(
        svg("rect", {
          class: `series-${name}`,
          x,
          width: Math.max(1, slot * 0.8),
          y: y(base + value),
          height: Math.max(0.5, y(base) - y(base + value)),
        }),
      );
      base += value;
    }
    group.append(
      svg(
        "title",
        {},
        `${clock(point.start)} — ${count(point.requests)} requests, hit ratio ${percent(point.hitRatio)}, ${count(point.refusals)} refused`,
      ),
    );
    chart.append(group);
  });

  // The hit-ratio line, one path segment per run of points that have a ratio.
  let d = "";
  let open = false;
  points.forEach((point, i) => {
    if (point.hitRatio === null) {
      open = false;
      return;
    }
    const x = PAD.left + (i + 0.5) * slot;
    d += `${open ? "L" : "M"}${x.toFixed(1)},${ratioY(point.hitRatio).toFixed(1)} `;
    open = true;
  });
  if (d) chart.append(svg("path", { class: "hit-ratio", d: d.trim() }));
  points.forEach((point, i) => {
    if (point.hitRatio !== null)
      chart.append(svg("circle", { class: "hit-ratio-dot", cx: PAD.left + (i + 0.5) * slot, cy: ratioY(point.hitRatio), r: 2.5 }));
  });

  // Time labels: first, middle, last.
  for (const i of [0, Math.floor(points.length / 2), points.length - 1]) {
    const point = points[i];
    if (!point) continue;
    chart.append(
      svg("text", { class: "axis", x: PAD.left + (i + 0.5) * slot, y: HEIGHT - 8, "text-anchor": "middle" }, `${clock(point.start)} UTC`),
    );
  }
  return chart;
}

/** The legend under the chart. */
export function legend(): SVGSVGElement {
  const items = [...SERIES.map((name) => [`series-${name}`, name] as const), ["hit-ratio-key", "hit ratio"] as const];
  const chart = svg("svg", { class: "legend", viewBox: `0 0 ${items.length * 110} 18`, role: "img", "aria-label": "Legend" });
  items.forEach(([cls, label], i) => {
    chart.append(svg("rect", { class: cls, x: i * 110, y: 4, width: 12, height: 10 }));
    chart.append(svg("text", { class: "axis", x: i * 110 + 18, y: 13 }, label));
  });
  return chart;
}
