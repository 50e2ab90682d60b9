#!/usr/bin/env node
/**
 * `npm run soak [-- --seconds=30] [-- --clients=20] [-- --seed=N] [-- --via-entry]`
 *
 * A soak of the gateway under Miniflare's API (workerd, no `wrangler dev`): the gateway and the
 * demo origin (D1) in one workerd with the inspector on, ~20 keep-alive clients (one connection
 * each, node:http with maxSockets 1) sending a seeded mix for ~30 s — cache hits (public and PAT),
 * misses, refusals (401, 403), bad inputs (broken JSON, syntax errors, limits, wrong media types),
 * 413s (Content-Length and chunked, /content, admin PUT, webhook), signed webhooks and their
 * replays, badly signed webhooks, admin purges and health checks.
 *
 * Reports throughput, status counts per kind, latencies, and the gateway isolate's live heap
 * (after a full GC, through the inspector: bench/heap.mjs) before and after. Fails (exit 1) on:
 *   - any 5xx other than the origin errors (502 ORIGIN_ERROR, 504 ORIGIN_TIMEOUT, reported apart);
 *   - any transport error (reset, abort, timeout): a 413 must never break its connection;
 *   - any answer whose status is not the one its kind must get;
 *   - heap growth beyond the bound: the sum of the byte bounds of the isolate's LRU caches
 *     (bench/bounds.mjs: the constants of src/platform/isolate-bounds.ts, as in `npm run bench`'s memory verdict) — the caches
 *     may legitimately fill up to that; anything beyond is a leak.
 * Writes bench/soak-results.json. Not part of `npm test`.
 */
import { build } from "esbuild";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TMP, buildAll } from "./build.mjs";
import { isolateBounds } from "./bounds.mjs";
import { heapReader } from "./heap.mjs";
import { GATEWAY_WORKER, startGateway } from "./servers.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
if (args.includes("--via-entry")) process.env.BENCH_VIA_ENTRY = "1";
const SECONDS = Number(option("seconds", 30));
const CLIENTS = Number(option("clients", 20));
const SEED = Number(option("seed", Date.now() % 2_147_483_647));
const REQUEST_TIMEOUT_MS = 15_000;
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

const PROJECT = "/admin/projects/soak/master";
const CONTENT = "/content/soak/master";
const WEBHOOK = "/webhooks/soak/master";
const WEBHOOK_SECRET = "soak-webhook-secret-0123456789";
const JSON_TYPE = { "content-type": "application/json" };
const HIT_QUERY = JSON.stringify({ query: "{ posts { id title slug author { name } } }" });
const pad = (bytes) => JSON.stringify({ query: "{ posts { id } }", variables: { pad: "x".repeat(bytes) } });

/** mulberry32: a small seeded PRNG, so a run's mix can be replayed with --seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hygraph's webhook signing, from the gateway's own source (src/webhooks/signature.ts), bundled for Node. */
async function loadSigner() {
  const outfile = `${TMP}soak-signature.mjs`;
  await build({
    entryPoints: [fileURLToPath(new URL("../src/webhooks/signature.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile,
    logLevel: "silent",
  });
  return (await import(outfile)).signWebhook;
}

/** One request on `agent`; never throws: a transport failure comes back as `error`. */
function send(base, agent, { method = "GET", path, headers = {}, body, chunked = false }) {
  const url = new URL(base);
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, ms: performance.now() - t0 });
    };
    const all = { ...headers };
    if (body !== undefined && !chunked) all["content-length"] = String(Buffer.byteLength(body));
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers: all, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("aborted", () => done({ error: "ABORTED" }));
      res.on("error", (/** @type {NodeJS.ErrnoException} */ e) => done({ error: e.code ?? e.message }));
      res.on("end", () => done({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    const timer = setTimeout(() => (req.destroy(), done({ error: "TIMEOUT" })), REQUEST_TIMEOUT_MS);
    req.on("error", (/** @type {NodeJS.ErrnoException} */ e) => done({ error: e.code ?? e.message }));
    if (body === undefined) return void req.end();
    if (!chunked) return void req.end(body);
    const bytes = Buffer.from(body);
    for (let i = 0; i < bytes.length; i += 16_384) req.write(bytes.subarray(i, i + 16_384));
    req.end();
  });
}

const codeOf = (body) => {
  try {
    return JSON.parse(body).errors?.[0]?.extensions?.code;
  } catch {
    return undefined;
  }
};

/**
 * The mix: each kind has a weight, builds its request, and says which status it must get (and,
 * for some, what the body must say). `ctx` carries the PAT, the admin token, the signer and the
 * webhooks accepted so far (for replays).
 */
function kinds(ctx) {
  const admin = { authorization: `Bearer ${ctx.adminToken}`, ...JSON_TYPE };
  let unique = 0;
  const next = () => `${SEED}-${unique++}`;
  return [
    {
      name: "hit, public POST",
      weight: 30,
      expect: 200,
      make: () => ({ method: "POST", path: CONTENT, headers: JSON_TYPE, body: HIT_QUERY }),
    },
    {
      name: "hit, public GET",
      weight: 10,
      expect: 200,
      make: () => ({ path: `${CONTENT}?query=${encodeURIComponent("{ posts { id title } }")}` }),
    },
    {
      name: "hit, PAT",
      weight: 8,
      expect: 200,
      make: () => ({ method: "POST", path: CONTENT, headers: { ...JSON_TYPE, authorization: `Bearer ${ctx.pat}` }, body: HIT_QUERY }),
    },
    {
      name: "miss (unique variables)",
      weight: 10,
      expect: 200,
      make: () => ({
        method: "POST",
        path: CONTENT,
        headers: JSON_TYPE,
        body: JSON.stringify({ query: "query M($s: String) { posts(where: { slug_not: $s }) { id title } }", variables: { s: next() } }),
      }),
    },
    {
      name: "refused 403 (DRAFT, public)",
      weight: 6,
      expect: 403,
      make: () => ({
        method: "POST",
        path: CONTENT,
        headers: JSON_TYPE,
        body: JSON.stringify({ query: "{ posts(stage: DRAFT) { title } }" }),
      }),
    },
    {
      name: "refused 401 (unknown token)",
      weight: 4,
      expect: 401,
      make: () => ({
        method: "POST",
        path: CONTENT,
        headers: { ...JSON_TYPE, authorization: `Bearer cep_${randomBytes(32).toString("base64url")}` },
        body: HIT_QUERY,
      }),
    },
    {
      name: "bad: broken JSON",
      weight: 3,
      expect: 400,
      make: () => ({ method: "POST", path: CONTENT, headers: JSON_TYPE, body: '{"query": "{ posts { id }' }),
    },
    {
      name: "bad: syntax error",
      weight: 3,
      expect: 400,
      make: () => ({ method: "POST", path: CONTENT, headers: JSON_TYPE, body: JSON.stringify({ query: "{ posts { id " }) }),
    },
    {
      name: "bad: depth limit",
      weight: 2,
      expect: 400,
      make: () => ({
        method: "POST",
        path: CONTENT,
        headers: JSON_TYPE,
        body: JSON.stringify({ query: `{ ${"posts { author { ".repeat(10)}id${" } }".repeat(10)} }` }),
      }),
    },
    {
      name: "bad: text/plain (415)",
      weight: 2,
      expect: 415,
      make: () => ({ method: "POST", path: CONTENT, headers: { "content-type": "text/plain" }, body: HIT_QUERY }),
    },
    {
      name: "bad: Accept (406)",
      weight: 2,
      expect: 406,
      make: () => ({ method: "POST", path: CONTENT, headers: { ...JSON_TYPE, accept: "application/xml" }, body: HIT_QUERY }),
    },
    {
      name: "413 /content, Content-Length",
      weight: 3,
      expect: 413,
      code: "PAYLOAD_TOO_LARGE",
      make: () => ({ method: "POST", path: CONTENT, headers: JSON_TYPE, body: pad(100_000) }),
    },
    {
      name: "413 /content, chunked",
      weight: 2,
      expect: 413,
      code: "PAYLOAD_TOO_LARGE",
      make: () => ({ method: "POST", path: CONTENT, headers: JSON_TYPE, body: pad(300_000), chunked: true }),
    },
    {
      name: "413 admin PUT",
      weight: 1,
      expect: 413,
      code: "PAYLOAD_TOO_LARGE",
      make: () => ({ method: "PUT", path: "/admin/projects/soak-big/master", headers: admin, body: pad(100_000) }),
    },
    {
      name: "413 webhook (1.1 MiB)",
      weight: 0.5,
      expect: 413,
      code: "PAYLOAD_TOO_LARGE",
      make: () => ({ method: "POST", path: WEBHOOK, headers: JSON_TYPE, body: pad(1_150_000) }),
    },
    {
      name: "webhook, signed",
      weight: 3,
      expect: 202,
      make: async () => {
        const operation = ctx.random() < 0.8 ? { operation: "update", stage: "DRAFT" } : { operation: "publish", stage: "PUBLISHED" };
        const body = JSON.stringify({ operation: operation.operation, data: { __typename: "Post", id: next(), stage: operation.stage } });
        const signature = await ctx.sign({ secret: WEBHOOK_SECRET, rawBody: body, environment: "master", timestamp: Date.now() });
        return { method: "POST", path: WEBHOOK, headers: { ...JSON_TYPE, "gcms-signature": signature }, body };
      },
      // Only a delivery already answered can be replayed: one still in flight could reach the
      // gateway after its replay (a purge waits for the project's authority), swapping the two.
      check: (body, request) => {
        const accepted = !JSON.parse(body).duplicate;
        if (accepted) {
          ctx.delivered.push(request);
          if (ctx.delivered.length > 50) ctx.delivered.shift();
        }
        return accepted;
      },
    },
    {
      name: "webhook, replayed",
      weight: 2,
      expect: 202,
      // An earlier delivery that was answered already.
      make: () => (ctx.delivered.length > 0 ? ctx.delivered[Math.floor(ctx.random() * ctx.delivered.length)] : null),
      check: (body) => JSON.parse(body).duplicate === true,
    },
    {
      name: "webhook, bad signature",
      weight: 1,
      expect: 401,
      make: () => ({
        method: "POST",
        path: WEBHOOK,
        headers: { ...JSON_TYPE, "gcms-signature": `sign=${randomBytes(32).toString("base64")}, env=master, t=${Date.now()}` },
        body: '{"operation":"update","data":{"__typename":"Post","id":"x","stage":"DRAFT"}}',
      }),
    },
    {
      name: "purge (admin)",
      weight: 0.5,
      expect: 200,
      make: () => ({
        method: "POST",
        path: `${PROJECT}/purge`,
        headers: admin,
        body: ctx.random() < 0.5 ? "" : JSON.stringify({ models: ["Post"], stages: ["PUBLISHED"] }),
      }),
    },
    { name: "healthz", weight: 2, expect: 200, make: () => ({ path: "/healthz" }) },
  ];
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
}

async function configure(base, adminToken) {
  const agent = new http.Agent({ keepAlive: false });
  const admin = { authorization: `Bearer ${adminToken}`, ...JSON_TYPE };
  const put = await send(base, agent, {
    method: "PUT",
    path: PROJECT,
    headers: admin,
    body: JSON.stringify({
      origin: "https://demo-origin.internal/v2/demo/master",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
      webhookSecret: WEBHOOK_SECRET,
    }),
  });
  if (put.status !== 200) throw new Error(`PUT ${PROJECT} → ${put.status ?? put.error} ${put.body ?? ""}`);
  const issued = await send(base, agent, {
    method: "POST",
    path: `${PROJECT}/tokens`,
    headers: admin,
    body: JSON.stringify({ name: "soak", permissions: [{ action: "read", model: "*" }] }),
  });
  if (issued.status !== 201) throw new Error(`POST ${PROJECT}/tokens → ${issued.status ?? issued.error} ${issued.body ?? ""}`);
  return JSON.parse(issued.body).token;
}

async function main() {
  log(
    `content-edge soak: ${SECONDS} s, ${CLIENTS} keep-alive clients, seed ${SEED}, ${process.env.BENCH_VIA_ENTRY ? "Miniflare entry socket" : "direct socket"}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${cpus().length} cores`,
  );
  const bundles = await buildAll({ demo: true });
  if (!bundles.gateway || !bundles.demo) throw new Error(`build failed: ${bundles.gatewayError ?? bundles.demoError}`);
  const adminToken = randomBytes(16).toString("hex");
  const gateway = await startGateway(bundles, { adminToken, originMode: "demo", inspector: true });
  let heap;
  try {
    const pat = await configure(gateway.url, adminToken);
    const ctx = { pat, adminToken, sign: await loadSigner(), delivered: [], random: prng(SEED) };
    const mix = kinds(ctx);
    // Warm up: the schema is learned, the hit queries are cached, the isolate has run every route once.
    const warm = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (const kind of mix) {
      const request = await kind.make();
      if (request) await send(gateway.url, warm, request);
    }
    warm.destroy();
    ctx.delivered.length = 0;
    heap = await heapReader({ inspectorUrl: gateway.inspectorUrl, workerName: GATEWAY_WORKER, pokeUrl: `${gateway.url}/` });
    const heapBefore = await heap.read();
    log(`isolate before: ${heapBefore.liveMiB} MiB live (after GC)`);

    const total = mix.reduce((sum, k) => sum + k.weight, 0);
    const pick = () => {
      let r = ctx.random() * total;
      for (const kind of mix) if ((r -= kind.weight) < 0) return kind;
      return mix[0];
    };
    const stats = new Map(mix.map((k) => [k.name, { sent: 0, statuses: {}, ms: [], unexpected: 0, errors: {} }]));
    const statuses = {};
    const failures = [];
    const deadline = Date.now() + SECONDS * 1000;
    let sent = 0;
    const progress = setInterval(
      () =>
        log(
          `  ${sent} requests, ${Object.entries(statuses)
            .map(([s, n]) => `${s}: ${n}`)
            .join(", ")}`,
        ),
      10_000,
    );
    const trafficStarted = performance.now();
    const client = async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (Date.now() < deadline) {
        const kind = pick();
        const request = await kind.make();
        if (!request) continue;
        const got = await send(gateway.url, agent, request);
        sent++;
        const s = stats.get(kind.name);
        s.sent++;
        s.ms.push(got.ms);
        if (got.error) {
          s.errors[got.error] = (s.errors[got.error] ?? 0) + 1;
          failures.push(`${kind.name}: transport error ${got.error}`);
          continue;
        }
        statuses[got.status] = (statuses[got.status] ?? 0) + 1;
        s.statuses[got.status] = (s.statuses[got.status] ?? 0) + 1;
        let ok = got.status === kind.expect;
        if (ok && kind.code) ok = codeOf(got.body) === kind.code;
        if (ok && kind.check)
          ok = (() => {
            try {
              return kind.check(got.body, request);
            } catch {
              return false;
            }
          })();
        if (!ok) {
          s.unexpected++;
          if (failures.length < 200) failures.push(`${kind.name}: ${got.status} ${got.body?.slice(0, 160)}`);
        }
      }
      agent.destroy();
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    clearInterval(progress);
    const seconds = (performance.now() - trafficStarted) / 1000;
    const heapAfter = await heap.read();
    log(`isolate after:  ${heapAfter.liveMiB} MiB live (after GC)`);

    const { totalMiB: boundMiB, bounds } = isolateBounds();
    const growthMiB = Math.round((heapAfter.liveMiB - heapBefore.liveMiB) * 100) / 100;
    const originErrors = (statuses[502] ?? 0) + (statuses[504] ?? 0);
    const unintended5xx = Object.entries(statuses)
      .filter(([s]) => Number(s) >= 500 && s !== "502" && s !== "504")
      .reduce((sum, [, n]) => sum + n, 0);
    const transportErrors = [...stats.values()].reduce((sum, s) => sum + Object.values(s.errors).reduce((a, b) => a + b, 0), 0);
    const unexpected = [...stats.values()].reduce((sum, s) => sum + s.unexpected, 0);
    const heapOk = boundMiB != null && growthMiB <= boundMiB;
    const passed = unintended5xx === 0 && transportErrors === 0 && unexpected === 0 && heapOk;

    console.log("\n| kind | sent | statuses | p50 ms | p99 ms |\n|---|---|---|---|---|");
    for (const kind of mix) {
      const s = stats.get(kind.name);
      const sorted = s.ms.sort((a, b) => a - b);
      const shown = Object.entries(s.statuses)
        .map(([k, n]) => `${k}×${n}`)
        .concat(Object.entries(s.errors).map(([k, n]) => `${k}×${n}`))
        .join(" ");
      console.log(`| ${kind.name} | ${s.sent} | ${shown} | ${percentile(sorted, 50)} | ${percentile(sorted, 99)} |`);
    }
    console.log(`
requests      ${sent} in ${seconds.toFixed(1)} s = ${Math.round(sent / seconds)} req/s (${CLIENTS} clients)
statuses      ${JSON.stringify(statuses)}
5xx           ${unintended5xx} unintended, ${originErrors} origin errors (502/504)
transport     ${transportErrors} errors (resets, aborts, timeouts)
unexpected    ${unexpected} answers with another status than their kind's
heap          ${heapBefore.liveMiB} → ${heapAfter.liveMiB} MiB live (${growthMiB >= 0 ? "+" : ""}${growthMiB} MiB); bound +${boundMiB} MiB (the isolate's LRU byte bounds)
verdict       ${passed ? "PASS" : "FAIL"}`);
    if (failures.length) console.log(`\nfirst failures:\n  ${failures.slice(0, 20).join("\n  ")}`);

    const results = {
      date: new Date().toISOString(),
      seed: SEED,
      seconds: Math.round(seconds * 10) / 10,
      clients: CLIENTS,
      socket: process.env.BENCH_VIA_ENTRY ? "entry" : "direct",
      machine: { cores: cpus().length, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
      requests: sent,
      perSecond: Math.round(sent / seconds),
      statuses,
      unintended5xx,
      originErrors,
      transportErrors,
      unexpected,
      kinds: Object.fromEntries(
        [...stats].map(([name, s]) => [
          name,
          {
            sent: s.sent,
            statuses: s.statuses,
            errors: s.errors,
            unexpected: s.unexpected,
            p50Ms: percentile(s.ms, 50),
            p99Ms: percentile(s.ms, 99),
          },
        ]),
      ),
      heap: { before: heapBefore, after: heapAfter, growthMiB, boundMiB, bounds },
      passed,
    };
    writeFileSync(fileURLToPath(new URL("./soak-results.json", import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
    log("wrote bench/soak-results.json");
    process.exitCode = passed ? 0 : 1;
  } finally {
    heap?.close();
    await gateway.dispose();
  }
}

main().catch((error) => {
  console.error(`soak: ${error.stack ?? error.message}`);
  process.exitCode = 2;
});
