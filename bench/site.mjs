/**
 * The site-scale scenario (issue 12, `npm run bench -- --site`, also part of the full run): a
 * website of 1,000 pages — 10 category lists and 990 post pages by slug — requested with a Zipf
 * distribution, while an editor publishes one random post every 2 s (the origin's content changes,
 * then its signed webhook reaches the gateway). The origin answers after ~100 ms, like a distant
 * Hygraph region. The same run measures two projects on the same gateway and origin, one with
 * entry-level invalidation and one with model-level, and the origin called directly with the same
 * workload: hit ratio, origin requests per second, p50/p99.
 */
import { createHmac } from "node:crypto";
import { load } from "./load.mjs";
import { startGateway, startOrigin } from "./servers.mjs";

export const SITE = { posts: 990, lists: 10, zipf: 1.0, originDelayMs: 100, publishEveryMs: 2_000 };
const SECRET = "the-site-benchmark-webhook-secret";
const PROJECTS = { entry: "site-entry", model: "site-model" };

const LIST = `query Category($tag: String!) {
  posts(where: { tags_contains_some: [$tag] }, orderBy: publishedAt_DESC, first: 20) { title slug excerpt publishedAt author { name } }
}`;
const DETAIL = `query Post($slug: String!) {
  post(where: { slug: $slug }) { title slug excerpt body publishedAt tags author { name } }
}`;

/** A seeded PRNG (mulberry32), so every run asks for the same pages in the same order. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The 1,000 request bodies by popularity rank (the 10 category lists first, then the post pages
 * in a shuffled order) and a Zipf sampler over them.
 */
export function siteWorkload(seed = 12) {
  const random = prng(seed);
  const order = Array.from({ length: SITE.posts }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const pages = [
    ...Array.from({ length: SITE.lists }, (_, k) => JSON.stringify({ query: LIST, variables: { tag: `tag-${k}` } })),
    ...order.map((i) => JSON.stringify({ query: DETAIL, variables: { slug: `post-${i}` } })),
  ];
  const cumulative = new Float64Array(pages.length);
  let total = 0;
  for (let r = 0; r < pages.length; r++) cumulative[r] = total += 1 / (r + 1) ** SITE.zipf;
  const next = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return pages[lo];
  };
  return { pages, next };
}

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  return { status: response.status, text };
}

/** Hygraph's `gcms-signature` (HMAC-SHA256 over `{"Body","EnvironmentName","TimeStamp"}`; these bodies hold no `&<>`). */
function signature(body) {
  const t = Date.now();
  const message = JSON.stringify({ Body: body, EnvironmentName: "master", TimeStamp: t });
  return `sign=${createHmac("sha256", SECRET).update(message).digest("base64")}, env=master, t=${t}`;
}

/**
 * Runs the scenario; returns `{ ok, modes: { entry, model }, direct, targets }` or `{ ok: false, reason }`.
 * `duration` is the measured time per mode (60 s in full runs), after `warmup` seconds of the
 * same traffic without publishing.
 */
/**
 * The site scenarios' servers (kept in `servers` for the caller to dispose of): the gateway in front
 * of the site origin (~100 ms), which it also exposes, and the origin alone for direct calls.
 */
export async function startSiteServers(bundles, adminToken, servers) {
  servers.gateway = await startGateway(bundles, { adminToken, originMode: "site", exposeOrigin: true, originDelayMs: SITE.originDelayMs });
  servers.origin = await startOrigin(bundles, { originMode: "site", originDelayMs: SITE.originDelayMs });
  return {
    gateway: servers.gateway.url,
    origin: servers.gateway.secondUrl,
    admin: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
  };
}

export async function siteScenario(bundles, { adminToken, duration, warmup, connections, log }) {
  const servers = {};
  try {
    const { gateway, origin, admin } = await startSiteServers(bundles, adminToken, servers);
    for (const [mode, projectId] of Object.entries(PROJECTS)) {
      const put = await call(`${gateway}/admin/projects/${projectId}/master`, {
        method: "PUT",
        headers: admin,
        body: JSON.stringify({
          origin: "https://demo-origin.internal/graphql",
          publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
          webhookSecret: SECRET,
          // A site relying on invalidation keeps answers long; freshness comes from publishing.
          cache: { maxAge: 3600, staleWhileRevalidate: 0, staleIfError: 86_400, invalidation: mode },
        }),
      });
      if (put.status !== 200) return { ok: false, reason: `PUT ${projectId} → ${put.status} ${put.text.slice(0, 200)}` };
    }
    const probe = await call(`${gateway}/content/${PROJECTS.entry}/master`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: siteWorkload().pages[SITE.lists],
    });
    if (probe.status !== 200 || !probe.text.includes('"post"'))
      return { ok: false, reason: `probe → ${probe.status} ${probe.text.slice(0, 200)}` };

    const modes = {};
    for (const [mode, projectId] of Object.entries(PROJECTS)) {
      const path = `/content/${projectId}/master`;
      const workload = siteWorkload();
      const request = { method: "POST", path, headers: { "content-type": "application/json" }, body: workload.next };
      log(`site ${mode}-level: ${warmup} s warm-up, then ${duration} s with a publish every ${SITE.publishEveryMs / 1000} s…`);
      await load(gateway, request, { connections, duration: warmup, record: false });
      const stats = async () => JSON.parse((await call(`${gateway}/admin/projects/${projectId}/master/stats`, { headers: admin })).text);
      const served = async () => JSON.parse((await call(`${origin}/__stats`)).text).served;
      const before = { stats: await stats(), served: await served() };
      const random = prng(99);
      let published = 0;
      const failures = [];
      const publisher = setInterval(async () => {
        try {
          const entry = JSON.parse((await call(`${origin}/__publish?post=${Math.floor(random() * SITE.posts)}`, { method: "POST" })).text);
          const body = JSON.stringify({ operation: "publish", data: entry });
          const hook = await call(`${gateway}/webhooks/${projectId}/master`, {
            method: "POST",
            headers: { "content-type": "application/json", "gcms-signature": signature(body) },
            body,
          });
          if (hook.status === 202) published++;
          else failures.push(`webhook → ${hook.status} ${hook.text.slice(0, 120)}`);
        } catch (error) {
          failures.push(String(error.message ?? error));
        }
      }, SITE.publishEveryMs);
      let measured;
      try {
        measured = await load(gateway, request, { connections, duration });
      } finally {
        clearInterval(publisher);
      }
      const after = { stats: await stats(), served: await served() };
      const delta = (k) => after.stats[k] - before.stats[k];
      const lookups = delta("hits") + delta("misses") + delta("stale");
      modes[mode] = {
        rps: measured.rps,
        p50: measured.p50,
        p99: measured.p99,
        statuses: measured.statuses,
        hitRatio: lookups ? Math.round((delta("hits") / lookups) * 10_000) / 10_000 : null,
        hits: delta("hits"),
        misses: delta("misses"),
        originRps: Math.round(((after.served - before.served) / measured.seconds) * 10) / 10,
        published,
        publishFailures: failures.slice(0, 3),
      };
      log(
        `  ${mode}: hit ratio ${modes[mode].hitRatio}, origin ${modes[mode].originRps} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${published} publishes`,
      );
    }

    log(`site direct: the same workload straight to the origin for ${Math.min(duration, 20)} s…`);
    const workload = siteWorkload();
    const direct = await load(
      servers.origin.url,
      { method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, body: workload.next },
      { connections, duration: Math.min(duration, 20) },
    );
    const result = {
      ok: true,
      site: { ...SITE, duration, warmup, connections },
      modes,
      direct: { rps: direct.rps, p50: direct.p50, p99: direct.p99, statuses: direct.statuses },
    };
    result.targets = siteTargets(result);
    return result;
  } catch (error) {
    return { ok: false, reason: String(error.stack ?? error).slice(0, 500) };
  } finally {
    for (const server of [servers.gateway, servers.origin]) await server?.dispose?.().catch(() => {});
  }
}

/** The targets: hit ratio ≥ 0.95 with entry-level invalidation; p50 at least 10× better than calling the origin. */
export function siteTargets(result) {
  const entry = result.modes.entry;
  const speedup = entry?.p50 && result.direct?.p50 ? Math.round((result.direct.p50 / entry.p50) * 10) / 10 : null;
  return [
    {
      id: "site-hit-ratio",
      label: "entry-level hit ratio",
      target: "≥ 0.95",
      value: entry?.hitRatio ?? null,
      met: entry?.hitRatio == null ? null : entry.hitRatio >= 0.95,
    },
    {
      id: "site-p50-speedup",
      label: "origin p50 ÷ gateway p50 (entry-level)",
      target: "≥ 10",
      value: speedup,
      met: speedup == null ? null : speedup >= 10,
    },
  ];
}

/** The scenario as printed lines. */
export function printSite(result, log = console.log) {
  if (!result.ok) return log(`\nsite scenario failed: ${result.reason}`);
  const row = (name, m, extra = "") =>
    `${name.padEnd(26)} ${String(m.rps).padStart(7)} ${String(m.p50 ?? "—").padStart(8)} ${String(m.p99 ?? "—").padStart(8)} ${String(m.hitRatio ?? "—").padStart(9)} ${String(m.originRps ?? "—").padStart(10)}  ${extra}`;
  log("");
  log(
    `site: ${SITE.lists} lists + ${SITE.posts} posts, Zipf s=${SITE.zipf}, ${result.site.duration} s per mode, a publish every ${SITE.publishEveryMs / 1000} s, origin ~${SITE.originDelayMs} ms, ${result.site.connections} connections`,
  );
  log(
    `${"".padEnd(26)} ${"req/s".padStart(7)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"hit ratio".padStart(9)} ${"origin r/s".padStart(10)}`,
  );
  log(row("gateway, entry-level", result.modes.entry, `${result.modes.entry.published} publishes`));
  log(row("gateway, model-level", result.modes.model, `${result.modes.model.published} publishes`));
  log(row("origin direct", result.direct));
  for (const t of result.targets)
    log(`  ${t.label}: ${t.value ?? "—"} (target ${t.target}) ${t.met === null ? "—" : t.met ? "met" : "NOT met"}`);
}
