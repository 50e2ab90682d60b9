/**
 * The site workload over N simulated locations (issue 22, `npm run bench -- --site --locations=1,3,10`):
 * N gateway workers in one Miniflare, each its own isolate and Cache API (bench/site/location.mjs),
 * sharing the project authorities and — unless `tier: false` — the shared answer tier
 * (docs/shared-tier.md), in front of the site origin (~100 ms). The client traffic is a fixed
 * site-wide rate split evenly: each location gets rate / N requests per second of the same Zipf
 * workload (its own seed), so origin load is compared at equal traffic, while one publish every 2 s
 * reaches location 0 by webhook. Measured: origin requests/s, hit ratio
 * per location (local hits; tier hits counted apart), latency of answers that were not local hits.
 */
import { createHmac } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { dirname } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { COMPATIBILITY_DATE, originWorker } from "./servers.mjs";
import { prng, SITE, siteWorkload } from "./site.mjs";

const SECRET = "the-site-benchmark-webhook-secret";
const PROJECT = "site-locations";

function signature(body) {
  const t = Date.now();
  const message = JSON.stringify({ Body: body, EnvironmentName: "master", TimeStamp: t });
  return `sign=${createHmac("sha256", SECRET).update(message).digest("base64")}, env=master, t=${t}`;
}

/**
 * One HTTP request on a keep-alive agent: status, the cache headers, the elapsed ms.
 * @param {Agent} agent @param {string} url
 * @param {{ method?: string; headers?: Record<string, string>; body?: string }} [options]
 */
function send(agent, url, { method = "POST", headers = {}, body = undefined } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          cache: res.headers["x-cache"],
          tier: res.headers["x-cache-tier"],
          text: Buffer.concat(chunks).toString(),
          ms: performance.now() - started,
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted, p) {
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 1000) / 1000 : null;
}

async function start(bundles, n, tier, adminToken) {
  const direct = { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] };
  const location = bundles.location;
  const names = Array.from({ length: n }, (_, i) => `loc${i}`);
  const durableObjects = {
    AUTHORITY: { className: "ProjectAuthority", scriptName: "authority" },
    ...(tier ? { TIER: { className: "AnswerTier", scriptName: "authority" } } : {}),
  };
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      workers: [
        ...names.map((name) => ({
          name,
          modules: true,
          scriptPath: location,
          modulesRoot: dirname(location),
          compatibilityDate: COMPATIBILITY_DATE,
          kvNamespaces: { CONFIG: "bench-config" },
          durableObjects,
          cache: true,
          serviceBindings: { DEMO_ORIGIN: "bench-origin" },
          bindings: { LOCATION: name, ADMIN_TOKEN: adminToken, SERVICE_ORIGINS: "demo-origin.internal=DEMO_ORIGIN" },
          ...direct,
        })),
        {
          name: "authority",
          modules: true,
          scriptPath: location,
          modulesRoot: dirname(location),
          compatibilityDate: COMPATIBILITY_DATE,
          durableObjects: {
            AUTHORITY: { className: "ProjectAuthority", useSQLite: true },
            TIER: { className: "AnswerTier", useSQLite: true },
          },
        },
        { name: "bench-origin", ...originWorker(bundles, "site", { delayMs: SITE.originDelayMs }), ...direct },
      ],
    }),
  );
  await mf.ready;
  const url = async (name) => (await mf.unsafeGetDirectURL(name)).href.replace(/\/$/, "");
  return { mf, urls: await Promise.all(names.map(url)), origin: await url("bench-origin"), names };
}

/**
 * One run: N locations, tier on or off. `connections` is the total; each location gets an even share.
 */
export async function locationsRun(bundles, { n, tier, adminToken, duration, warmup, connections, rate, log }) {
  const servers = await start(bundles, n, tier, adminToken);
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  try {
    const [first] = servers.urls;
    const admin = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
    const put = await send(agent, `${first}/admin/projects/${PROJECT}/master`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({
        origin: "https://demo-origin.internal/graphql",
        publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
        webhookSecret: SECRET,
        cache: { maxAge: 3600, staleWhileRevalidate: 0, staleIfError: 86_400, invalidation: "entry" },
      }),
    });
    if (put.status !== 200) return { ok: false, reason: `PUT → ${put.status} ${put.text.slice(0, 200)}` };
    const path = `/content/${PROJECT}/master`;
    const headers = { "content-type": "application/json" };
    // Every location knows the project (through the authority directory) before traffic starts.
    for (const base of servers.urls) {
      for (let i = 0; ; i++) {
        const probe = await send(agent, `${base}${path}`, { headers, body: siteWorkload().pages[SITE.lists] });
        if (probe.status === 200) break;
        if (i > 200) return { ok: false, reason: `probe → ${probe.status} ${probe.text.slice(0, 200)}` };
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    // An open-ish loop at a fixed site-wide rate: each location gets rate / N requests per second,
    // paced over its connections (a connection that falls behind catches up, never exceeds its share).
    const perLocation = Math.max(4, Math.ceil(connections / n));
    const interval = (1000 * n * perLocation) / rate;
    const traffic = async (seconds, record) => {
      const samples = servers.urls.map(() => ({ hits: 0, tierHits: 0, misses: 0, other: 0, all: [], missMs: [], tierMs: [] }));
      const begin = performance.now();
      const end = begin + seconds * 1000;
      await Promise.all(
        servers.urls.flatMap((base, l) => {
          const workload = siteWorkload(12 + l);
          return Array.from({ length: perLocation }, async (_, c) => {
            for (let i = 0; ; i++) {
              const due = begin + (i + (c + l / n) / perLocation) * interval;
              if (due >= end) break;
              const wait = due - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              const r = await send(agent, `${base}${path}`, { headers, body: workload.next() }).catch(() => null);
              if (!record || !r) continue;
              const s = samples[l];
              s.all.push(r.ms);
              if (r.cache === "HIT" && r.tier === "HIT") {
                s.tierHits++;
                s.tierMs.push(r.ms);
              } else if (r.cache === "HIT") {
                s.hits++;
              } else if (r.cache === "MISS") {
                s.misses++;
                s.missMs.push(r.ms);
              } else {
                s.other++;
              }
            }
          });
        }),
      );
      return samples;
    };
    log(
      `  ${n} location(s), tier ${tier ? "on" : "off"}: ${warmup} s warm-up, ${duration} s measured, ${rate} req/s site-wide, ${perLocation} connections each…`,
    );
    await traffic(warmup, false);
    const served = async () => JSON.parse((await send(agent, `${servers.origin}/__stats`, { method: "GET" })).text).served;
    const before = await served();
    const random = prng(99);
    let published = 0;
    const publisher = setInterval(async () => {
      try {
        const entry = JSON.parse((await send(agent, `${servers.origin}/__publish?post=${Math.floor(random() * SITE.posts)}`)).text);
        const body = JSON.stringify({ operation: "publish", data: entry });
        const hook = await send(agent, `${first}/webhooks/${PROJECT}/master`, {
          headers: { "content-type": "application/json", "gcms-signature": signature(body) },
          body,
        });
        if (hook.status === 202) published++;
      } catch {
        // counted by `published`
      }
    }, SITE.publishEveryMs);
    const started = performance.now();
    let samples;
    try {
      samples = await traffic(duration, true);
    } finally {
      clearInterval(publisher);
    }
    const seconds = (performance.now() - started) / 1000;
    const originRequests = (await served()) - before;
    const probe = tier && n > 1 ? await tierProbe(agent, servers.urls, path, headers) : null;
    const round4 = (v) => Math.round(v * 10_000) / 10_000;
    const locations = samples.map((s, i) => {
      const total = s.hits + s.tierHits + s.misses + s.other;
      return {
        name: servers.names[i],
        requests: total,
        hitRatio: total ? round4(s.hits / total) : null,
        tierHitRatio: total ? round4(s.tierHits / total) : null,
      };
    });
    const all = samples.flatMap((s) => s.all).sort((a, b) => a - b);
    const missMs = samples.flatMap((s) => s.missMs).sort((a, b) => a - b);
    const tierMs = samples.flatMap((s) => s.tierMs).sort((a, b) => a - b);
    const total = samples.reduce((sum, s) => sum + s.hits + s.tierHits + s.misses + s.other, 0);
    return {
      ok: true,
      locations: n,
      tier,
      rps: Math.round(total / seconds),
      originRps: Math.round((originRequests / seconds) * 10) / 10,
      // Per 1,000 answers: comparable even when a run could not keep the offered rate.
      originPer1000: total ? Math.round((originRequests / total) * 10_000) / 10 : null,
      hitRatio: total ? round4(samples.reduce((sum, s) => sum + s.hits, 0) / total) : null,
      tierHitRatio: total ? round4(samples.reduce((sum, s) => sum + s.tierHits, 0) / total) : null,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      missP50: percentile(missMs, 50),
      missP99: percentile(missMs, 99),
      tierHitP50: percentile(tierMs, 50),
      tierHitP99: percentile(tierMs, 99),
      published,
      ...(probe ? { tierProbe: probe } : {}),
      perLocation: locations,
    };
  } catch (error) {
    return { ok: false, locations: n, tier, reason: String(error.stack ?? error).slice(0, 500) };
  } finally {
    agent.destroy();
    await servers.mf.dispose().catch(() => {});
  }
}

/**
 * What the tier adds to a miss on an idle machine: 40 keys nobody asked for, each fetched at
 * location 0 (a miss: the origin, then the tier write), then asked at location 1 twice — first a
 * tier hit (its own cache is empty), then a local hit. The difference of the medians is the tier's
 * round trip plus storing the entry locally.
 */
async function tierProbe(agent, urls, path, headers) {
  const tierMs = [];
  const localMs = [];
  let first = "";
  for (let i = 0; i < 40; i++) {
    const body = JSON.stringify({ query: `query Probe${i} { post(where: { slug: "post-${i}" }) { slug title } }` });
    await send(agent, `${urls[0]}${path}`, { headers, body });
    // Its tier write is in the background (waitUntil): give it time to land.
    await new Promise((r) => setTimeout(r, 200));
    const viaTier = await send(agent, `${urls[1]}${path}`, { headers, body });
    const local = await send(agent, `${urls[1]}${path}`, { headers, body });
    if (i === 0)
      first = `${viaTier.status} ${viaTier.cache}/${viaTier.tier}, then ${local.cache}/${local.tier}: ${viaTier.text.slice(0, 120)}`;
    if (viaTier.tier === "HIT" && local.cache === "HIT" && !local.tier) {
      tierMs.push(viaTier.ms);
      localMs.push(local.ms);
    }
  }
  tierMs.sort((a, b) => a - b);
  localMs.sort((a, b) => a - b);
  const tierP50 = percentile(tierMs, 50);
  const localP50 = percentile(localMs, 50);
  return {
    samples: tierMs.length,
    first,
    tierHitP50: tierP50,
    localHitP50: localP50,
    addedP50: tierP50 === null || localP50 === null ? null : Math.round((tierP50 - localP50) * 1000) / 1000,
  };
}

/**
 * Every N with the tier on, and with it off (today's behaviour), then the target.
 * @param {any} bundles @param {any} options `{ counts, adminToken, duration, warmup, connections, rate, log }`
 */
export async function locationsScenario(bundles, { counts, ...options }) {
  const runs = [];
  for (const n of counts) for (const tier of [true, false]) runs.push(await locationsRun(bundles, { ...options, n, tier }));
  const origin = (n) => runs.find((r) => r.ok && r.tier && r.locations === n)?.originRps;
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  const ratio = origin(lo) && origin(hi) !== undefined ? Math.round((origin(hi) / origin(lo)) * 100) / 100 : null;
  const per1000 = (n) => runs.find((r) => r.ok && r.tier && r.locations === n)?.originPer1000;
  const perRatio = per1000(lo) && per1000(hi) !== undefined ? Math.round((per1000(hi) / per1000(lo)) * 100) / 100 : null;
  return {
    site: { ...SITE, duration: options.duration, warmup: options.warmup, connections: options.connections, rate: options.rate },
    runs,
    targets: [
      {
        id: "origin-independent-of-locations",
        label: `origin req/s at ${hi} locations ÷ at ${lo} (tier on)`,
        target: "≤ 1.2",
        value: ratio,
        met: ratio === null ? null : ratio <= 1.2,
      },
      {
        id: "origin-per-request-independent-of-locations",
        label: `origin requests per 1,000 answers at ${hi} locations ÷ at ${lo} (tier on; the same, normalised for the rate each run kept)`,
        target: "≤ 1.2",
        value: perRatio,
        met: perRatio === null ? null : perRatio <= 1.2,
      },
    ],
  };
}

/** The runs as a table. */
export function printLocations(result, log = console.log) {
  log("");
  log(
    `site over locations: ${result.site.rate} req/s site-wide split evenly, ${result.site.duration} s per run, a publish every ${SITE.publishEveryMs / 1000} s, origin ~${SITE.originDelayMs} ms`,
  );
  const cols = [
    "locations",
    "tier",
    "req/s",
    "origin r/s",
    "origin/1k",
    "local hit",
    "tier hit",
    "miss p50",
    "miss p99",
    "tier p50",
    "p50",
    "p99",
  ];
  log(cols.map((c) => c.padStart(10)).join(" "));
  for (const r of result.runs) {
    if (!r.ok) {
      log(`${String(r.locations).padStart(10)} ${(r.tier ? "on" : "off").padStart(10)}  failed: ${r.reason}`);
      continue;
    }
    const cells = [
      r.locations,
      r.tier ? "on" : "off",
      r.rps,
      r.originRps,
      r.originPer1000,
      r.hitRatio,
      r.tierHitRatio,
      r.missP50,
      r.missP99,
      r.tierHitP50,
      r.p50,
      r.p99,
    ];
    log(cells.map((c) => String(c ?? "—").padStart(10)).join(" "));
    log(`${"".padStart(21)} local hit ratio per location: ${r.perLocation.map((l) => l.hitRatio).join(" ")}`);
    if (r.tierProbe)
      log(
        `${"".padStart(21)} idle probe: tier hit p50 ${r.tierProbe.tierHitP50} ms, local hit p50 ${r.tierProbe.localHitP50} ms → the tier adds ${r.tierProbe.addedP50} ms (${r.tierProbe.samples} keys)`,
      );
  }
  for (const t of result.targets)
    log(`  ${t.label}: ${t.value ?? "—"} (target ${t.target}) ${t.met === null ? "—" : t.met ? "met" : "NOT met"}`);
}
