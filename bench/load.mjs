/**
 * One measured load run with autocannon against 127.0.0.1. Latencies are recorded per response
 * (sub-millisecond, every status) from autocannon's `response` events rather than its integer-ms
 * histogram, so p50 differences below a millisecond stay visible.
 */
import autocannon from "autocannon";

class Samples {
  constructor() {
    this.values = new Float64Array(1 << 16);
    this.length = 0;
  }
  push(v) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
  percentile(p) {
    if (!this.length) return null;
    const sorted = this.values.slice(0, this.length).sort();
    return sorted[Math.min(this.length - 1, Math.floor((p / 100) * this.length))];
  }
}

const round3 = (v) => (v == null ? null : Math.round(v * 1000) / 1000);

/**
 * Runs autocannon for `duration` seconds. `request` is `{ method, path, headers, body }` or has a
 * `body()` function producing a fresh body per request (and optionally `headersFor()`, headers
 * added per request); `rate`, when given, fixes the offered load
 * (requests per second over all connections). Returns throughput, latency percentiles (ms) and the
 * status codes seen.
 */
export async function load(baseUrl, request, { connections, duration, record = true, rate = 0 }) {
  const bodyFn = typeof request.body === "function" ? request.body : null;
  /** Headers added per request (e.g. a client address drawn from a population of visitors). */
  const headersFn = typeof request.headersFor === "function" ? request.headersFor : null;
  const instance = autocannon({
    url: baseUrl,
    connections,
    pipelining: 1,
    duration,
    timeout: 10,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: request.method ?? "POST",
        path: request.path,
        headers: request.headers ?? {},
        ...(bodyFn || headersFn
          ? {
              setupRequest: (req) => ({
                ...req,
                ...(bodyFn ? { body: bodyFn() } : {}),
                ...(headersFn ? { headers: { ...req.headers, ...headersFn() } } : {}),
              }),
            }
          : {}),
        ...(bodyFn ? {} : { body: request.body }),
      },
    ],
  });
  const samples = new Samples();
  const statuses = {};
  if (record) {
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      samples.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  }
  const result = await instance;
  const count = samples.length;
  return {
    rps: Math.round(count / result.duration),
    p50: round3(samples.percentile(50)),
    p99: round3(samples.percentile(99)),
    responses: count,
    seconds: result.duration,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** The median of the finite numbers among `values` (`null` when there are none). @param {Array<number | null | undefined>} values */
export const median = (values) => {
  const sorted = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Warm-up, then `rounds` measured rounds; the reported round is the one with the median
 * throughput, so its req/s, p50 and p99 come from one and the same run.
 */
export async function rounds(baseUrl, request, { connections, warmup, duration, rounds: n }) {
  if (warmup > 0) await load(baseUrl, request, { connections, duration: warmup, record: false });
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await load(baseUrl, request, { connections, duration }));
  const target = median(runs.map((r) => r.rps));
  const chosen = runs.reduce((best, r) => (Math.abs(r.rps - target) < Math.abs(best.rps - target) ? r : best));
  return { ...chosen, rounds: runs.map(({ rps, p50, p99 }) => ({ rps, p50, p99 })) };
}
