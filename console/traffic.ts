/** Traffic: counters, the SVG chart per minute (last hour) or per hour (last day), refusals. */
import type { Traffic, TrafficPoint } from "../src/stats/traffic";
import { api, type Session } from "./api";
import { legend, trafficChart } from "./chart";
import { count, errorLine, h, percent, replace } from "./dom";
import type { Panel } from "./panel";

/** How often the open traffic tab reloads. */
const REFRESH_MS = 3_000;

export function trafficPanel(session: Session): Panel {
  let range: "hour" | "day" = "hour";
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = h("div", { id: "traffic-body" }, "Loading…");
  const status = h("span", { class: "muted", id: "traffic-updated" });
  const hourButton = h("button", { type: "button", class: "toggle active", onclick: () => select("hour") }, "Last hour, per minute");
  const dayButton = h("button", { type: "button", class: "toggle", onclick: () => select("day") }, "Last day, per hour");
  const element = h(
    "section",
    { id: "panel-traffic", class: "panel" },
    h("div", { class: "toolbar" }, hourButton, dayButton, status),
    body,
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
      render(view);
      status.textContent = `Updated ${view.now.slice(11, 19)} UTC`;
    } catch (error) {
      replace(body, errorLine(error));
    }
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
      ),
      h("figure", { class: "chart" }, trafficChart(points, range === "hour" ? "per minute, last hour" : "per hour, last day"), legend()),
      h(
        "div",
        { class: "columns" },
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
      ),
    );
  }

  return {
    id: "traffic",
    title: "Traffic",
    element,
    show() {
      void load();
      timer ??= setInterval(() => void load(), REFRESH_MS);
    },
    hide() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function total(points: readonly TrafficPoint[]) {
  const sum = { requests: 0, hits: 0, misses: 0, stale: 0, bypasses: 0, unauthenticated: 0, forbidden: 0, originErrors: 0 };
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
