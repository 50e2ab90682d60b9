/**
 * What the explorer shows beside each answer: how the gateway answered it, read from the
 * response's headers (`x-cache`, `age`, `Server-Timing`: SPEC §4). The page is same-origin with
 * the endpoint, so every header is readable; a cross-origin caller reads the same ones through
 * `Access-Control-Expose-Headers`.
 */

/** One `Server-Timing` metric (W3C Server Timing): its name, and its duration (ms) and description when given. */
export interface TimingMetric {
  name: string;
  dur: number | null;
  desc: string | null;
}

/** The headers of one answer the explorer shows. `null`: the answer had no such header. */
export interface ResponseMeta {
  status: number;
  xCache: string | null;
  /** Seconds the answer spent in a cache (`age`), only on a served cache entry. */
  age: number | null;
  timing: TimingMetric[];
}

/** At most this many metrics are read: a header is untrusted text, the bar stays one line. */
const MAX_METRICS = 8;

/**
 * Parses a `Server-Timing` value: `name;dur=1.5;desc="x", other;dur=2`. Metrics without a valid
 * name are skipped; a `dur` that is not a number is `null`.
 *
 * @example serverTiming('cache;desc="MISS";dur=0.4, origin;dur=120');
 * // [{ name: "cache", dur: 0.4, desc: "MISS" }, { name: "origin", dur: 120, desc: null }]
 */
export function serverTiming(value: string | null): TimingMetric[] {
  if (!value) return [];
  const metrics: TimingMetric[] = [];
  for (const part of value.split(",")) {
    const [rawName, ...params] = part.split(";").map((piece) => piece.trim());
    if (!rawName || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(rawName)) continue;
    const metric: TimingMetric = { name: rawName, dur: null, desc: null };
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const raw = param.slice(eq + 1).trim();
      const unquoted = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      if (key === "dur" && metric.dur === null) metric.dur = /^\d+(\.\d+)?$/.test(unquoted) ? Number(unquoted) : null;
      else if (key === "desc" && metric.desc === null) metric.desc = unquoted;
    }
    metrics.push(metric);
    if (metrics.length === MAX_METRICS) break;
  }
  return metrics;
}

/**
 * The {@link ResponseMeta} of an answer.
 *
 * @example responseMeta(200, new Headers({ "x-cache": "HIT", age: "3", "server-timing": "cache;dur=0.4" }));
 * // { status: 200, xCache: "HIT", age: 3, timing: [{ name: "cache", dur: 0.4, desc: null }] }
 */
export function responseMeta(status: number, headers: Headers): ResponseMeta {
  const age = headers.get("age");
  return {
    status,
    xCache: headers.get("x-cache"),
    age: age !== null && /^\d+$/.test(age.trim()) ? Number(age.trim()) : null,
    timing: serverTiming(headers.get("server-timing")),
  };
}

/** `0.4` → `0.4 ms`, `120.26` → `120.3 ms`. */
function ms(dur: number): string {
  return `${Number.isInteger(dur) ? dur : dur.toFixed(1)} ms`;
}

/**
 * The bar's parts as label/value pairs, in the order shown. A missing header is shown as `–`
 * (a `/v2` answer, never cached, has no `x-cache`; only served cache entries have an `age`).
 *
 * @example metaParts({ status: 200, xCache: "HIT", age: 3, timing: [{ name: "cache", dur: 0.4, desc: "HIT" }] });
 * // [["HTTP", "200"], ["x-cache", "HIT"], ["age", "3 s"], ["Server-Timing", "cache 0.4 ms"]]
 */
export function metaParts(meta: ResponseMeta): Array<[label: string, value: string]> {
  const timing = meta.timing.map((metric) => (metric.dur === null ? metric.name : `${metric.name} ${ms(metric.dur)}`)).join(", ");
  return [
    ["HTTP", String(meta.status)],
    ["x-cache", meta.xCache ?? "–"],
    ["age", meta.age === null ? "–" : `${meta.age} s`],
    ["Server-Timing", timing || "–"],
  ];
}
