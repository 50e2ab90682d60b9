/**
 * The memory scenario: fills the gateway with `total` distinct cached queries (unique variables,
 * bounded concurrency, in quarters) and records the workerd RSS before, after each quarter and at
 * the peak, so a reader can see whether memory keeps growing with the number of entries.
 */
import autocannon from "autocannon";
import { treeRss, sampleRss } from "./proc.mjs";

const MB = 1024 * 1024;
const mb = (bytes) => (bytes == null ? null : Math.round((bytes / MB) * 10) / 10);

async function fill(baseUrl, request, amount, connections, timeLimitSec) {
  const instance = autocannon({
    url: baseUrl,
    connections,
    amount,
    timeout: 10,
    requests: [{ method: request.method, path: request.path, headers: request.headers, setupRequest: (req) => ({ ...req, body: request.body() }) }],
  });
  const statuses = {};
  instance.on("response", (_c, status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const guard = setTimeout(() => instance.stop(), timeLimitSec * 1000);
  const result = await instance;
  clearTimeout(guard);
  return { sent: result.requests.sent, completed: Object.values(statuses).reduce((a, b) => a + b, 0), statuses, errors: result.errors, seconds: result.duration };
}

/**
 * `request.body()` must return a fresh, never-sent body each call. Returns the figures in MB.
 * `timeLimitSec` bounds the whole fill; a fill that hits it is reported as partial.
 */
export async function memoryScenario(server, request, { total, connections, timeLimitSec, recheck = [] }) {
  const before = treeRss(server.pid);
  const sampler = sampleRss(server.pid, 100);
  const quarters = [];
  const started = Date.now();
  let completed = 0;
  const statuses = {};
  for (let q = 0; q < 4; q++) {
    const left = timeLimitSec - (Date.now() - started) / 1000;
    if (left <= 1) break;
    const part = await fill(server.url, request, Math.ceil(total / 4), connections, left);
    completed += part.completed;
    for (const [s, n] of Object.entries(part.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    quarters.push({ entries: completed, rssMB: mb(treeRss(server.pid)), errors: part.errors });
  }
  const peak = sampler.stop();
  const after = treeRss(server.pid);
  const seconds = (Date.now() - started) / 1000;
  // Are filled entries still served from cache? (`recheck`: bodies sent during the fill.)
  const rechecked = [];
  for (const body of recheck) {
    try {
      const response = await fetch(`${server.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body,
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      rechecked.push({ status: response.status, xCache: response.headers.get("x-cache") });
    } catch (error) {
      rechecked.push({ error: error.message });
    }
  }
  return {
    target: total,
    completed,
    partial: completed < total,
    seconds: Math.round(seconds * 10) / 10,
    statuses,
    rssBeforeMB: mb(before),
    rssAfterMB: mb(after),
    rssPeakMB: mb(peak),
    growthMB: before != null && after != null ? mb(after - before) : null,
    quarters,
    rechecked,
  };
}
