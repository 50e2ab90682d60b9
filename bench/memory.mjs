/**
 * The memory scenario: fills a freshly started gateway with `total` distinct cached queries
 * (unique variables, bounded concurrency, in quarters) and records, before the fill, after each
 * quarter and at the end:
 *   - the gateway ISOLATE's live memory after a full GC, through workerd's inspector (heap.mjs):
 *     what the target "100,000 distinct cached queries do not grow the isolate past its memory
 *     cache bound" is about;
 *   - the workerd process RSS, for reference: it also holds Miniflare's Cache API storage (every
 *     filled entry), KV, the origin worker's isolate and workerd itself, so it grows with the
 *     Cache API, not with the isolate.
 * The verdict compares the isolate's growth with the sum of the byte bounds of its LRUs
 * (bounds.mjs) and asks that it flattens over the last half of the fill.
 */
import autocannon from "autocannon";
import { isolateBounds } from "./bounds.mjs";
import { treeRss, sampleRss } from "./proc.mjs";

const MB = 1024 * 1024;
const mb = (bytes) => (bytes == null ? null : Math.round((bytes / MB) * 10) / 10);
const round2 = (v) => (v == null ? null : Math.round(v * 100) / 100);
/** The last half of the fill (quarters 3 and 4) may add at most this much live memory to count as flat. */
export const FLAT_LAST_HALF_MiB = 4;

async function fill(baseUrl, request, amount, connections, timeLimitSec) {
  const instance = autocannon({
    url: baseUrl,
    // A top-up round can ask for fewer queries than there are connections; autocannon refuses that.
    connections: Math.min(connections, amount),
    amount,
    timeout: 10,
    requests: [
      { method: request.method, path: request.path, headers: request.headers, setupRequest: (req) => ({ ...req, body: request.body() }) },
    ],
  });
  const statuses = {};
  instance.on("response", (_c, status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  let stopped = false;
  const guard = setTimeout(() => ((stopped = true), instance.stop()), timeLimitSec * 1000);
  const result = await instance;
  clearTimeout(guard);
  return { sent: result.requests.sent, cached: statuses[200] ?? 0, statuses, errors: result.errors, timeouts: result.timeouts, stopped };
}

async function readHeap(heap) {
  if (!heap) return null;
  try {
    return await heap.read();
  } catch (error) {
    return { error: error.message };
  }
}

/**
 * Bounded if the isolate after the fill stays within (before + the LRU bounds) and the last half
 * of the fill added at most FLAT_LAST_HALF_MiB. No verdict when the fill did not reach its target
 * or a heap reading is missing.
 */
export function memoryVerdict({ heapBefore, heapAfter, quarters, completed, target }) {
  const { bounds, totalMiB } = isolateBounds();
  const limitMiB = heapBefore?.liveMiB != null && totalMiB != null ? round2(heapBefore.liveMiB + totalMiB) : null;
  const growthMiB = heapBefore?.liveMiB != null && heapAfter?.liveMiB != null ? round2(heapAfter.liveMiB - heapBefore.liveMiB) : null;
  const q2 = quarters[1]?.heap?.liveMiB;
  const q4 = quarters[3]?.heap?.liveMiB;
  const lastHalfGrowthMiB = quarters.length === 4 && q2 != null && q4 != null ? round2(q4 - q2) : null;
  const withinBound = limitMiB == null || heapAfter?.liveMiB == null ? null : heapAfter.liveMiB <= limitMiB;
  const flat = lastHalfGrowthMiB == null ? null : lastHalfGrowthMiB <= FLAT_LAST_HALF_MiB;
  let met = null;
  let reason;
  if (completed < target) reason = `fill reached ${completed} of ${target} queries`;
  else if (withinBound == null || flat == null) reason = "a heap reading is missing";
  else met = withinBound && flat;
  return {
    bounds,
    boundsTotalMiB: totalMiB,
    limitMiB,
    growthMiB,
    lastHalfGrowthMiB,
    flatLastHalfMiB: FLAT_LAST_HALF_MiB,
    withinBound,
    flat,
    met,
    reason,
  };
}

/**
 * `request.body()` must return a fresh, never-sent body each call. RSS in MB, heap in MiB.
 * `timeLimitSec` bounds the whole fill; a fill that hits it is reported as partial.
 * `heap`: a reader from heap.mjs on the gateway's isolate (or null: heap not measured).
 *
 * @param {any} server
 * @param {any} request
 * @param {{ total: number; connections: number; timeLimitSec: number; recheck?: any[]; heap?: any; log?: (line: string) => void }} options
 */
export async function memoryScenario(server, request, { total, connections, timeLimitSec, recheck = [], heap = null, log = () => {} }) {
  const heapBefore = await readHeap(heap);
  const before = treeRss(server.pid);
  log(
    `  before: isolate ${heapBefore?.liveMiB ?? heapBefore?.error ?? "—"} MiB live, workerd RSS ${mb(before)} MB; time limit ${timeLimitSec} s`,
  );
  const sampler = sampleRss(server.pid, 100);
  const quarters = [];
  const started = Date.now();
  let completed = 0;
  let stoppedAtLimit = false;
  let failed = 0;
  const statuses = {};
  const left = () => timeLimitSec - (Date.now() - started) / 1000;
  for (let q = 0; q < 4 && !stoppedAtLimit; q++) {
    if (left() <= 1) {
      stoppedAtLimit = true;
      break;
    }
    const quarterStarted = Date.now();
    // Only 200 answers are cached; requests that failed (connection errors, timeouts, other
    // statuses) are topped up with new distinct queries until the quarter holds its share.
    const goal = Math.min(total, Math.ceil((total * (q + 1)) / 4));
    let errors = 0;
    while (completed < goal) {
      if (left() <= 1) {
        stoppedAtLimit = true;
        break;
      }
      const part = await fill(server.url, request, goal - completed, connections, left());
      completed += part.cached;
      errors += part.errors;
      failed += part.sent - part.cached;
      for (const [s, n] of Object.entries(part.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      if (part.stopped) stoppedAtLimit = true;
      if (part.cached === 0 && !part.stopped) break; // nothing gets cached: do not spin
    }
    const fillSeconds = (Date.now() - quarterStarted) / 1000;
    quarters.push({
      entries: completed,
      rssMB: mb(treeRss(server.pid)),
      heap: await readHeap(heap),
      seconds: round2(fillSeconds),
      perSecond: Math.round((completed - (quarters.at(-1)?.entries ?? 0)) / fillSeconds),
      errors,
    });
    const last = quarters.at(-1);
    log(
      `  ${last.entries} queries (${last.perSecond}/s): isolate ${last.heap?.liveMiB ?? last.heap?.error ?? "—"} MiB live, workerd RSS ${last.rssMB} MB`,
    );
  }
  const peak = sampler.stop();
  const seconds = (Date.now() - started) / 1000;
  const after = treeRss(server.pid);
  const heapAfter = quarters.at(-1)?.heap ?? heapBefore;
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
    stoppedAtLimit,
    timeLimitSec,
    failedRequests: failed,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(completed / seconds),
    statuses,
    heapTarget: heap?.target,
    heapBefore,
    heapAfter,
    rssBeforeMB: mb(before),
    rssAfterMB: mb(after),
    rssPeakMB: mb(peak),
    growthMB: before != null && after != null ? mb(after - before) : null,
    quarters,
    verdict: memoryVerdict({ heapBefore, heapAfter, quarters, completed, target: total }),
    rechecked,
  };
}
