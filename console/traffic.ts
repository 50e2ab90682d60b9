/**
 * Traffic: counters, the SVG charts per minute (last hour) or per hour (last day) — requests and
 * hit ratio, then latency — the top operations, the refusals and the webhook delivery log
 * (deliveries.ts, loaded when the tab opens and on its own Refresh).
 */
import { LATENCY_KINDS, type LatencyKind } from "../src/stats/latency";
import type { Traffic, TrafficPoint } from "../src/stats/traffic";
import { adminApi, api, type Session } from "./api";
import { latencyChart, latencyLegend, legend, trafficChart } from "./chart";
import { deliveryLog } from "./deliveries";
import { chartWidth, ms } from "./figures";
import { count, errorLine, h, percent, replace } from "./dom";
import type { Panel } from "./panel";
import { may, type Whoami } from "./roles";
import { topOperationsView } from "./top-operations";

/** How often the open traffic tab reloads. */
const REFRESH_MS = 3_000;

const KIND_NAMES: Record<LatencyKind, string> = { hits: "Hits", misses: "Misses", origin: "Origin fetches" };

export function trafficPanel(session: Session): Panel {
  let range: "hour" | "day" = "hour";
  let kind: LatencyKind = "misses";
  let last: Traffic | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let whoami: Promise<void> | undefined;
  const body = h("div", { id: "traffic-body" }, "Loading…");
  const status = h("span", { class: "muted", id: "traffic-updated" });
  const hourButton = h("button", { type: "button", class: "toggle active", onclick: () => select("hour") }, "Last hour, per minute");
  const dayButton = h("button", { type: "button", class: "toggle", onclick: () => select("day") }, "Last day, per hour");
  // The latency section's select and the top operations stay in place across refreshes (focus, a Purge asked).
  const kindSelect = h(
    "select",
    { id: "latency-kind", onchange: () => ((kind = kindSelect.value as LatencyKind), last && renderLatency(last)) },
    ...LATENCY_KINDS.map((k) => h("option", { value: k, ...(k === kind ? { selected: true } : {}) }, KIND_NAMES[k])),
  );
  const latencyBody = h("div", { id: "latency-body" });
  const latency = h(
    "section",
    { id: "latency", "aria-labelledby": "latency-title" },
    h("div", { class: "toolbar wrap" }, h("h2", { id: "latency-title" }, "Latency (ms)"), h("label", {}, "Show ", kindSelect)),
    latencyBody,
  );
  const top = topOperationsView(session);
  const refusals = h("div", { class: "columns" });
  const deliveries = deliveryLog(session);
  const element = h(
    "section",
    { id: "panel-traffic", class: "panel" },
    h("div", { class: "toolbar" }, hourButton, dayButton, status),
    body,
    latency,
    top.element,
    refusals,
    deliveries.element,
  );

  function select(next: "hour" | "day") {
    range = next;
    hourButton.classList.toggle("active", next === "hour");
    dayButton.classList.toggle("active", next === "day");
    void load();
  }

  async function load() {
    try {
      const view = await api<Traffic>(session, "GET", "/traffic");
      last = view;
      render(view);
      status.textContent = `Updated ${view.now.slice(11, 19)} UTC`;
    } catch (error) {
      replace(body, errorLine(error));
    }
  }

  function caption(): string {
    return range === "hour" ? "per minute, last hour" : "per hour, last day";
  }

  /** The latency chart of the chosen kind, and a table of every kind's figures over this hour or the day. */
  function renderLatency(view: Traffic) {
    const points = range === "hour" ? view.minutes : view.hours;
    const overall = range === "hour" ? view.hours.at(-1)! : view.day;
    replace(
      latencyBody,
      h("figure", { class: "chart" }, latencyChart(points, kind, caption(), chartWidth(latencyBody.clientWidth)), latencyLegend()),
      h(
        "table",
        { class: "data", id: "latency-summary" },
        h("caption", {}, range === "hour" ? "This hour" : "Last 24 hours"),
        h("thead", {}, h("tr", {}, ...["", "Count", "p50", "p95", "p99"].map((cell) => h("th", { scope: "col" }, cell)))),
        h(
          "tbody",
          {},
          ...LATENCY_KINDS.map((k) => {
            const l = overall.latency[k];
            return h(
              "tr",
              { "data-kind": k },
              h("th", { scope: "row" }, KIND_NAMES[k]),
              h("td", { class: "num" }, count(l.count)),
              ...[l.p50, l.p95, l.p99].map((value) => h("td", { class: "num" }, ms(value))),
            );
          }),
        ),
      ),
    );
  }

  function render(view: Traffic) {
    const points = range === "hour" ? view.minutes : view.hours;
    const sum = total(points);
    replace(
      body,
      h(
        "div",
        { class: "tiles" },
        tile("Requests", count(sum.requests)),
        tile("Hit ratio", percent(sum.hitRatio), "hit-ratio"),
        tile("Hits", count(sum.hits)),
        tile("Misses", count(sum.misses)),
        tile("Stale", count(sum.stale)),
        tile("Bypasses", count(sum.bypasses)),
        tile("Refused 401", count(sum.unauthenticated)),
        tile("Refused 403", count(sum.forbidden)),
        tile("Origin errors", count(sum.originErrors)),
        tile("/v2 requests", count(sum.v2Requests), "v2-requests"),
        tile("Mutations", count(sum.mutations), "mutations"),
      ),
      h("figure", { class: "chart" }, trafficChart(points, caption(), chartWidth(body.clientWidth)), legend()),
    );
    renderLatency(view);
    top.update(view);
    replace(
      refusals,
      table(
        "Refusals today, by code",
        ["Code", "Count"],
        view.refusalCodes.map((r) => [r.code, count(r.count)]),
        "refusal-codes",
      ),
      table(
        "Most refused actions today",
        ["Action", "Model", "Stage", "Locale", "Count"],
        view.topFailedActions.map((t) => [t.action, t.model, t.stage, t.locale, count(t.count)]),
        "failed-actions",
      ),
    );
  }

  return {
    id: "traffic",
    title: "Traffic",
    element,
    show() {
      // The Purge buttons of the top operations are built for a role that may purge.
      whoami ??= adminApi<Whoami>(session, "GET", "/admin/whoami").then(
        (who) => top.allowPurge(may(who, "purge")),
        () => undefined,
      );
      void load();
      void deliveries.load();
      timer ??= setInterval(() => void load(), REFRESH_MS);
    },
    hide() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function total(points: readonly TrafficPoint[]) {
  const sum = {
    requests: 0,
    hits: 0,
    misses: 0,
    stale: 0,
    bypasses: 0,
    unauthenticated: 0,
    forbidden: 0,
    originErrors: 0,
    v2Requests: 0,
    mutations: 0,
  };
  for (const p of points) for (const name of Object.keys(sum) as Array<keyof typeof sum>) sum[name] += p[name];
  const cacheable = sum.hits + sum.misses + sum.stale;
  return { ...sum, hitRatio: cacheable === 0 ? null : sum.hits / cacheable };
}

function tile(label: string, value: string, id?: string): HTMLElement {
  return h(
    "div",
    { class: "tile", ...(id ? { id: `tile-${id}` } : {}) },
    h("div", { class: "tile-value" }, value),
    h("div", { class: "tile-label" }, label),
  );
}

/** A small table; an empty one says so. */
export function table(caption: string, head: string[], rows: string[][], id?: string): HTMLElement {
  return h(
    "table",
    { class: "data", ...(id ? { id } : {}) },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...head.map((cell) => h("th", {}, cell)))),
    h(
      "tbody",
      {},
      ...(rows.length
        ? rows.map((row) => h("tr", {}, ...row.map((cell) => h("td", {}, cell))))
        : [h("tr", {}, h("td", { colspan: head.length, class: "muted" }, "None."))]),
    ),
  );
}
