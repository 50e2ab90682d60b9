/**
 * The traffic charts, drawn as SVG by the console. The traffic chart: one stacked bar per minute or
 * hour (hits, stale, misses, bypasses, refusals) on the left scale, and the hit ratio as a line on
 * the right scale (0–100 %), broken where there was no cacheable request. The latency chart: p50,
 * p95 and p99 (ms) of hits, misses or origin fetches as three lines, broken where there was none.
 *
 * Both are drawn at the width they are shown at (one SVG unit per CSS pixel), so they fill their
 * card at any width and their text keeps its size; the panel redraws them on each refresh.
 */
import type { LatencyKind } from "../src/stats/latency";
import type { TrafficPoint } from "../src/stats/traffic";
import { clock, count, h, percent, svg } from "./dom";
import { DEFAULT_WIDTH, ms } from "./figures";

const HEIGHT = 240;
const PAD = { top: 12, right: 44, bottom: 26, left: 44 };
/** Stacked from the bottom; each has a CSS class for its colour. */
const SERIES = ["hits", "stale", "misses", "bypasses", "refusals"] as const;

/**
 * Draws `points` (oldest first), `width` units wide. The `svg` carries `data-requests` and
 * `data-refusals` (their sums) and `data-last-requests` (the newest point's), so the page can be
 * read without pixels.
 *
 * @example panel.append(trafficChart(view.minutes, "per minute, last hour", chartWidth(box.clientWidth)));
 */
export function trafficChart(points: readonly TrafficPoint[], caption: string, width = DEFAULT_WIDTH): SVGSVGElement {
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const totals = points.map((p) => p.requests + p.refusals);
  const max = Math.max(1, ...totals);
  const slot = plotW / Math.max(1, points.length);
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const ratioY = (r: number) => PAD.top + plotH - r * plotH;

  const chart = svg("svg", {
    class: "traffic-chart",
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width,
    height: HEIGHT,
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

  timeLabels(chart, points, (i) => PAD.left + (i + 0.5) * slot);
  return chart;
}

/** The legend under the traffic chart: HTML, so it wraps on a narrow screen. */
export function legend(): HTMLElement {
  const items = [...SERIES.map((name) => [`series-${name}`, name] as const), ["hit-ratio-key", "hit ratio"] as const];
  return keys(items, "Legend");
}

/** A legend of colour keys and labels. */
function keys(items: ReadonlyArray<readonly [string, string]>, label: string): HTMLElement {
  return h(
    "ul",
    { class: "legend", "aria-label": label },
    ...items.map(([cls, text]) => h("li", {}, h("span", { class: `key ${cls}`, "aria-hidden": "true" }), text)),
  );
}

/** The quantiles drawn, each a line with a CSS class for its colour and dash. */
const QUANTILES = ["p50", "p95", "p99"] as const;
const KIND_LABEL: Record<LatencyKind, string> = {
  hits: "hits (answered from a stored entry)",
  misses: "misses (answered by the origin)",
  origin: "origin fetches",
};

/**
 * Draws the p50/p95/p99 of `kind` over `points` (oldest first), `width` units wide, on a linear
 * scale in ms from 0. The `svg` carries `data-kind`, `data-count` (the durations drawn, summed)
 * and `data-last-p50/95/99` (the newest point with durations), and its `aria-label` says the same
 * in words, so the page can be read without pixels.
 *
 * @example panel.append(latencyChart(view.minutes, "misses", "per minute, last hour", chartWidth(box.clientWidth)));
 */
export function latencyChart(points: readonly TrafficPoint[], kind: LatencyKind, caption: string, width = DEFAULT_WIDTH): SVGSVGElement {
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const series = points.map((p) => p.latency[kind]);
  const max = niceMax(Math.max(0, ...series.map((l) => l.p99 ?? 0)));
  const slot = plotW / Math.max(1, points.length);
  const x = (i: number) => PAD.left + (i + 0.5) * slot;
  const y = (ms: number) => PAD.top + plotH - (ms / max) * plotH;
  const last = [...series].reverse().find((l) => l.count > 0);
  const total = series.reduce((sum, l) => sum + l.count, 0);
  const summary = last ? `latest p50 ${ms(last.p50)}, p95 ${ms(last.p95)}, p99 ${ms(last.p99)}` : "no durations yet";

  const chart = svg("svg", {
    class: "latency-chart",
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width,
    height: HEIGHT,
    role: "img",
    "aria-label": `Latency in milliseconds of ${KIND_LABEL[kind]}, ${caption}: ${count(total)} durations, ${summary}`,
    "data-kind": kind,
    "data-count": total,
    "data-last-p50": last?.p50 ?? "",
    "data-last-p95": last?.p95 ?? "",
    "data-last-p99": last?.p99 ?? "",
  });

  for (const fraction of [0, 0.5, 1]) {
    const lineY = PAD.top + plotH - fraction * plotH;
    chart.append(svg("line", { class: "grid", x1: PAD.left, x2: PAD.left + plotW, y1: lineY, y2: lineY }));
    chart.append(svg("text", { class: "axis", x: PAD.left - 6, y: lineY + 4, "text-anchor": "end" }, count(max * fraction)));
  }
  chart.append(svg("text", { class: "axis", x: 4, y: PAD.top - 2 }, "ms"));

  for (const q of QUANTILES) {
    let d = "";
    let open = false;
    series.forEach((l, i) => {
      const value = l[q];
      if (value === null) {
        open = false;
        return;
      }
      d += `${open ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
      open = true;
    });
    if (d) chart.append(svg("path", { class: `latency-line latency-${q}`, d: d.trim() }));
  }
  // A dot and a tooltip per point with durations (a lone point draws no line).
  series.forEach((l, i) => {
    if (l.count === 0) return;
    const group = svg("g", { class: "latency-point" });
    for (const q of QUANTILES) group.append(svg("circle", { class: `latency-dot latency-${q}`, cx: x(i), cy: y(l[q] ?? 0), r: 2 }));
    group.append(svg("title", {}, `${clock(points[i]!.start)} — ${count(l.count)}: p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}`));
    chart.append(group);
  });

  timeLabels(chart, points, x);
  return chart;
}

/** The legend under the latency chart. */
export function latencyLegend(): HTMLElement {
  return keys(
    QUANTILES.map((q) => [`latency-key latency-${q}`, q] as const),
    "Legend",
  );
}

/** Time labels under a chart: first, middle, last point. */
function timeLabels(chart: SVGSVGElement, points: readonly TrafficPoint[], x: (i: number) => number): void {
  for (const i of [0, Math.floor(points.length / 2), points.length - 1]) {
    const point = points[i];
    if (!point) continue;
    chart.append(svg("text", { class: "axis", x: x(i), y: HEIGHT - 8, "text-anchor": "middle" }, `${clock(point.start)} UTC`));
  }
}

/** A round top for the scale: 1, 2 or 5 times a power of ten, at least 1 ms. */
function niceMax(value: number): number {
  const top = Math.max(1, value);
  const power = 10 ** Math.floor(Math.log10(top));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= top) ?? 10 * power;
}
