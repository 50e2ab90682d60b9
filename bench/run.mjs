#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --origin=fixed|demo] [-- --connections=N] [-- --skip-memory] [-- --via-entry]`
 *
 * --quick        short rounds, 10,000 entries in the memory scenario; under a minute
 * --origin=demo  use the demo origin (demo/src, on D1) instead of the fixed graphql-js origin
 * --gateway-entry=PATH  benchmark another gateway entry module instead of src/index.ts
 * --profile      afterwards, CPU-profile the gateway under hit load (bench/.tmp/*.cpuprofile)
 * --via-entry    reach workerd servers through Miniflare's entry worker instead of direct sockets
 * --only=memory  only the memory scenario (no floor, peer or load scenarios); writes
 *                bench/.tmp/results-memory.json instead of bench/results.json / results.svg
 * --site         only the site-scale scenario (bench/site.mjs: 1,000 pages, Zipf, a publish every
 *                2 s, origin ~100 ms; entry- vs model-level invalidation vs the origin direct);
 *                writes bench/site-results.json. The full run includes it too.
 * --skip-site    leave the site scenario out of a full run
 * --attack       only the attack scenario (bench/attack.mjs: the site workload plus an attacker sending
 *                unique documents for 30 s, against a project without and with origin protection);
 *                writes bench/attack-results.json
 * --site --locations=1,3,10  the site workload split evenly over N simulated locations (each
 *                its own isolate and Cache API), with the shared tier on and off
 *                (bench/site-locations.mjs); adds `locations` to bench/site-results.json, keeping
 *                the other fields. `--rate=R`: site-wide requests/s (default 150, what this
 *                2-core machine serves with room to spare; the issue's site has 2,000)
 *
 * Builds the gateway and the benchmark origin, serves gateway, origin, floor (workerd via
 * Miniflare's API) and the Yoga peer (Node), configures the gateway through its admin API, runs
 * every scenario with autocannon, then prints the table and writes bench/results.json and
 * bench/results.svg. Gateway failures are reported per scenario; the exit code is non-zero only
 * when the harness itself is broken.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TMP, buildAll } from "./build.mjs";
import { writeSvg } from "./chart.mjs";
import { configureGateway, probe } from "./gateway-setup.mjs";
import { load } from "./load.mjs";
import { heapReader } from "./heap.mjs";
import { memoryScenario } from "./memory.mjs";
import { profileWhile } from "./profile.mjs";
import { startPeer } from "./peer-process.mjs";
import { printTable, targets, writeResults } from "./report.mjs";
import { runScenario, scenarios } from "./scenarios.mjs";
import { printSite, siteScenario } from "./site.mjs";
import { attackScenario, printAttack } from "./attack.mjs";
import { locationsScenario, printLocations } from "./site-locations.mjs";
import { hitPathComparison, printHitPath } from "./hit-path.mjs";
import { GATEWAY_WORKER, startFloor, startGateway, startOrigin } from "./servers.mjs";
import { CONTENT_PATH, HIT_BODY, ORIGIN_PATH, QUERY, RANGES, post, uniqueBodies } from "./workload.mjs";

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;

const started = Date.now();
const quick = flag("quick");
const MODES = {
  quick: {
    warmup: 0.4,
    duration: 0.6,
    rounds: 3,
    memoryEntries: 10_000,
    memoryTimeLimit: 6,
    siteWarmup: 3,
    siteDuration: 8,
    locationsWarmup: 3,
    locationsDuration: 8,
  },
  // Misses (each one a Cache API write in Miniflare) fill at ~300/s here: 100,000 take ~5.5 min.
  // The limit is a hard bound; a fill that reaches it is reported as stopped early.
  full: {
    warmup: 2,
    duration: 3,
    rounds: 5,
    memoryEntries: 100_000,
    memoryTimeLimit: 480,
    siteWarmup: 10,
    siteDuration: 60,
    locationsWarmup: 20,
    locationsDuration: 30,
  },
};
const mode = quick ? "quick" : "full";
const settings = { ...MODES[mode], connections: Number(option("connections", 32)) };
const originMode = option("origin", "fixed");
const skipMemory = flag("skip-memory");
const only = option("only");
if (only && only !== "memory" && only !== "hit-path") throw new Error(`--only=${only}: --only=memory or --only=hit-path`);
const memoryOnly = only === "memory";
const hitPathOnly = only === "hit-path";
if (memoryOnly && skipMemory) throw new Error("--only=memory and --skip-memory exclude each other");
const siteOnly = flag("site");
const attackOnly = flag("attack");
if (siteOnly && memoryOnly) throw new Error("--site and --only=memory exclude each other");
const skipSite = flag("skip-site") || memoryOnly;
const locationCounts = option("locations")
  ?.split(",")
  .map((n) => Number(n));
if (locationCounts && (!siteOnly || !locationCounts.every((n) => Number.isInteger(n) && n >= 1 && n <= 32)))
  throw new Error("--locations=N[,N…] goes with --site; each N from 1 to 32");
if (flag("via-entry")) process.env.BENCH_VIA_ENTRY = "1";
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const out = (name) => fileURLToPath(new URL(name, import.meta.url));

const servers = {};
let exitCode = 0;

async function main() {
  if (locationCounts) return runLocations();
  if (siteOnly) return runSiteOnly();
  if (attackOnly) return runAttackOnly();
  log(
    `content-edge bench: ${mode} mode, ${settings.connections} connections, ${settings.rounds} × ${settings.duration} s rounds after ${settings.warmup} s warm-up, origin ${originMode}`,
  );
  const gatewayEntry = option("gateway-entry");
  const bundles = await buildAll({ demo: originMode === "demo", gatewayEntry: gatewayEntry && resolve(gatewayEntry), site: !skipSite });
  if (originMode === "demo" && !bundles.demo) throw new Error(`demo origin does not build: ${bundles.demoError}`);

  servers.origin = await startOrigin(bundles, { originMode });
  const sample = await fetch(`${servers.origin.url}${ORIGIN_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: HIT_BODY,
    signal: AbortSignal.timeout(15_000),
  });
  const body = await sample.text();
  if (sample.status !== 200) throw new Error(`origin answered ${sample.status}: ${body.slice(0, 300)}`);
  // The peer (a Node process) starts while the workerd servers start one after the other (one at
  // a time, so each new workerd PID is known to belong to the instance just started).
  const peerStarting = memoryOnly ? Promise.resolve(null) : startPeer(`${servers.origin.url}${ORIGIN_PATH}`);
  peerStarting.catch(() => {});
  if (!memoryOnly) servers.floor = await startFloor(body);

  const adminToken = `bench-admin-${randomBytes(12).toString("hex")}`;
  /** @type {{ project: { ok: boolean; reason?: string }; pat: { ok: boolean; reason?: string; token?: string } }} */
  let setup = { project: { ok: false, reason: "gateway not started" }, pat: { ok: false, reason: "gateway not started" } };
  if (bundles.gatewayError) servers.gateway = { error: bundles.gatewayError };
  else if (memoryOnly) servers.gateway = { error: "not started (--only=memory)" };
  else {
    try {
      servers.gateway = await startGateway(bundles, { adminToken, originMode, inspector: flag("profile") });
    } catch (error) {
      servers.gateway = { error: `gateway did not start: ${String(error.message ?? error).slice(0, 300)}` };
    }
  }
  servers.peer = await peerStarting;
  if (memoryOnly)
    log(`origin ${servers.origin.url} (pid ${servers.origin.pid}); answer ${Buffer.byteLength(body)} B; memory scenario only`);
  else
    log(
      `origin ${servers.origin.url} (pid ${servers.origin.pid}), floor ${servers.floor.url} (pid ${servers.floor.pid}), peer ${servers.peer.url} (pid ${servers.peer.pid}); answer ${Buffer.byteLength(body)} B`,
    );
  if (!servers.gateway.error) {
    setup = await configureGateway(servers.gateway.url, adminToken);
    log(
      `gateway ${servers.gateway.url} (pid ${servers.gateway.pid}): project ${setup.project.ok ? "configured" : setup.project.reason}; PAT ${setup.pat.ok ? "issued" : setup.pat.reason}`,
    );
  }
  if (servers.gateway.error && !memoryOnly) log(`gateway unavailable: ${servers.gateway.error}`);

  const results = [];
  for (const scenario of memoryOnly || hitPathOnly
    ? []
    : scenarios({ servers, pat: setup.pat, projectReason: setup.project.ok ? undefined : setup.project.reason })) {
    log(`scenario ${scenario.label}`);
    const result = await runScenario(scenario, settings, log);
    if (!result.ok) log(`  failed: ${result.reason}`);
    results.push(result);
  }

  // The hit against the floor, with both load generators and at a fixed offered load (issue 13).
  let hitPath = null;
  if (!memoryOnly && setup.project.ok && setup.pat.ok) {
    log("hit path vs floor (autocannon and wrk, interleaved; then latency at half the floor's rate)");
    hitPath = await hitPathComparison(
      [
        { id: "floor", label: "floor (bare worker)", url: servers.floor.url, request: post("/", HIT_BODY) },
        { id: "public", label: "gateway hit, public", url: servers.gateway.url, request: post(CONTENT_PATH, HIT_BODY) },
        {
          id: "pat",
          label: "gateway hit, PAT",
          url: servers.gateway.url,
          request: post(CONTENT_PATH, HIT_BODY, { authorization: `Bearer ${setup.pat.token}` }),
        },
      ],
      // Rounds of at least 2 s: wrk counts whole seconds, and shorter rounds are mostly warm-up noise.
      {
        connections: settings.connections,
        duration: Math.max(2, settings.duration),
        rounds: settings.rounds,
        warmup: settings.warmup,
        log,
      },
    );
  }

  let memory;
  if (hitPathOnly) memory = { ok: false, reason: "skipped (--only=hit-path)" };
  else if (skipMemory) memory = { ok: false, reason: "skipped (--skip-memory)" };
  else if (bundles.gatewayError) memory = { ok: false, reason: bundles.gatewayError };
  else if (!memoryOnly && !results.find((r) => r.id === "gateway-miss")?.ok)
    memory = { ok: false, reason: "gateway miss scenario failed, nothing to fill" };
  else memory = await runMemory(bundles, originMode);

  if (servers.gateway?.logs?.length && results.some((r) => r.id.startsWith("gateway") && !r.ok)) {
    log("last gateway runtime output:");
    for (const line of servers.gateway.logs.slice(-10)) log(`  ${line}`);
  }

  // Operations the peer forwarded over the whole run: ~1 for all peer hits, plus one per miss.
  const peerStats = servers.peer
    ? await fetch(`${servers.peer.url}/__stats`, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.json())
        .catch((error) => ({ error: error.message }))
    : { error: "peer not started" };

  const profiles =
    flag("profile") && !memoryOnly ? await profileGateway(hitPathOnly ? hitScenarioStubs() : results, bundles, setup) : undefined;

  // The site scenario last, on its own gateway and origin (the load scenarios' servers are idle by now).
  const site =
    skipSite || hitPathOnly ? undefined : bundles.gatewayError ? { ok: false, reason: bundles.gatewayError } : await runSite(bundles);

  const ratios = targets(results);
  printTable(results, ratios, memory, (line) => console.log(line));
  printHitPath(hitPath);
  if (site) printSite(site);
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    mode,
    originMode,
    machine: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    loadAverageAtStart: startLoad,
    loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    connections: settings.connections,
    warmupSeconds: settings.warmup,
    roundSeconds: settings.duration,
    rounds: settings.rounds,
    responseBytes: Buffer.byteLength(body),
    peerOriginCalls: peerStats.originCalls ?? peerStats.error,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (memoryOnly || hitPathOnly) {
    // A partial run never replaces the committed full results.
    const file = `${TMP}results-${only}.json`;
    writeResults(file, { ...meta, only, memory: memoryOnly ? memory : undefined, hitPath: hitPath ?? undefined, profiles });
    log(`wrote bench/.tmp/results-${only}.json (${meta.seconds} s)`);
    return;
  }
  // Only a full run replaces the committed results the README shows; a quick one goes to bench/.tmp/.
  const [json, svg] = quick ? [`${TMP}results-quick.json`, `${TMP}results-quick.svg`] : [out("./results.json"), out("./results.svg")];
  writeResults(json, { ...meta, scenarios: results, targets: ratios, hitPath, memory, profiles, site });
  writeSvg(svg, results, ratios, meta, memory);
  log(`wrote ${quick ? "bench/.tmp/results-quick.json and .svg" : "bench/results.json and bench/results.svg"} (${meta.seconds} s)`);
}

/** The site scenario with this mode's durations. */
function runSite(bundles) {
  const adminToken = `bench-admin-${randomBytes(12).toString("hex")}`;
  return siteScenario(bundles, {
    adminToken,
    duration: settings.siteDuration,
    warmup: settings.siteWarmup,
    connections: settings.connections,
    log,
  });
}

/** `--site --locations=…`: the site workload over N locations; merged into bench/site-results.json. */
async function runLocations() {
  log(
    `content-edge bench: site over ${locationCounts.join(", ")} locations, ${mode} mode (${settings.locationsDuration} s per run), ${settings.connections} connections`,
  );
  const bundles = await buildAll({ site: true, locations: true });
  if (bundles.gatewayError) throw new Error(bundles.gatewayError);
  const result = await locationsScenario(bundles, {
    counts: locationCounts,
    adminToken: `bench-admin-${randomBytes(12).toString("hex")}`,
    duration: settings.locationsDuration,
    warmup: settings.locationsWarmup,
    connections: settings.connections,
    rate: Number(option("rate", 150)),
    log,
  });
  printLocations(result);
  const file = quick ? `${TMP}site-results-quick.json` : out("./site-results.json");
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // first run: nothing to keep
  }
  const meta = runMeta();
  writeResults(file, { ...previous, locations: { ...meta, ...result } });
  log(`wrote \`locations\` to ${quick ? "bench/.tmp/site-results-quick.json" : "bench/site-results.json"} (${meta.seconds} s)`);
  if (result.runs.some((r) => !r.ok)) exitCode = 1;
}

/** What every single-scenario results file records about the run: when, where, in which mode, how long. */
function runMeta() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    mode,
    machine: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    loadAverageAtStart: startLoad,
    loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** `--site`: the site scenario alone; writes bench/site-results.json. */
async function runSiteOnly() {
  log(
    `content-edge bench: site scenario, ${mode} mode (${settings.siteDuration} s per invalidation mode), ${settings.connections} connections`,
  );
  const bundles = await buildAll({ site: true });
  if (bundles.gatewayError) throw new Error(bundles.gatewayError);
  const site = await runSite(bundles);
  printSite(site);
  const meta = runMeta();
  const file = quick ? `${TMP}site-results-quick.json` : out("./site-results.json");
  writeResults(file, { ...meta, site });
  log(`wrote ${quick ? "bench/.tmp/site-results-quick.json" : "bench/site-results.json"} (${meta.seconds} s)`);
  if (!site.ok) exitCode = 1;
}

/** `--attack`: the attack scenario alone; writes bench/attack-results.json (quick: bench/.tmp/). */
async function runAttackOnly() {
  log(`content-edge bench: attack scenario, ${mode} mode, ${settings.connections} legitimate connections`);
  const bundles = await buildAll({ site: true });
  if (bundles.gatewayError) throw new Error(bundles.gatewayError);
  const attack = await attackScenario(bundles, {
    adminToken: `bench-admin-${randomBytes(12).toString("hex")}`,
    duration: quick ? 8 : 30,
    warmup: settings.siteWarmup,
    connections: settings.connections,
    log,
  });
  printAttack(attack);
  const meta = runMeta();
  const file = quick ? `${TMP}attack-results-quick.json` : out("./attack-results.json");
  writeResults(file, { ...meta, attack });
  log(`wrote ${quick ? "bench/.tmp/attack-results-quick.json" : "bench/attack-results.json"} (${meta.seconds} s)`);
  if (!attack.ok) exitCode = 1;
}

/**
 * The memory scenario on its own, freshly started gateway (with workerd's inspector on, to read
 * its isolate's heap): the load scenarios' gateway already holds thousands of misses, so its
 * caches would be full before the fill starts and the fill could not show them filling up.
 */
async function runMemory(bundles, originMode) {
  const adminToken = `bench-admin-${randomBytes(12).toString("hex")}`;
  try {
    servers.memoryGateway = await startGateway(bundles, { adminToken, originMode, inspector: true });
  } catch (error) {
    return { ok: false, reason: `memory gateway did not start: ${String(error.message ?? error).slice(0, 300)}` };
  }
  const gateway = servers.memoryGateway;
  const setup = await configureGateway(gateway.url, adminToken);
  if (!setup.project.ok) return { ok: false, reason: `memory gateway: project not configured: ${setup.project.reason}` };
  const fillRequest = post(CONTENT_PATH, uniqueBodies(RANGES.memory));
  const checked = await probe(gateway.url, post(CONTENT_PATH, uniqueBodies(RANGES.memoryWarm + 1_000_000)()), {
    expectCache: "MISS",
    times: 1,
  });
  if (!checked.ok) return { ok: false, reason: `memory gateway probe: ${checked.reason}` };
  // Warm the code paths (parse, JIT) before the first reading, so "before" is the running gateway.
  const warm = uniqueBodies(RANGES.memoryWarm);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i++)
        await fetch(`${gateway.url}${CONTENT_PATH}`, { method: "POST", headers: fillRequest.headers, body: warm() }).then((r) =>
          r.arrayBuffer(),
        );
    }),
  );
  let heap = null;
  let heapError;
  try {
    heap = await heapReader({ inspectorUrl: gateway.inspectorUrl, workerName: GATEWAY_WORKER, pokeUrl: `${gateway.url}/` });
  } catch (error) {
    heapError = `isolate heap not measured: ${error.message}`;
    log(`  ${heapError}`);
  }
  log(
    `memory: filling a fresh gateway (pid ${gateway.pid}${heap ? `, isolate ${heap.target.id}` : ""}) with ${settings.memoryEntries} distinct queries…`,
  );
  try {
    return {
      ok: true,
      note: quick ? "quick mode: 10,000 instead of 100,000" : undefined,
      heapError,
      ...(await memoryScenario(gateway, fillRequest, {
        total: settings.memoryEntries,
        connections: settings.connections,
        timeLimitSec: settings.memoryTimeLimit,
        heap,
        log,
        // The first and the hundredth filled query, asked again afterwards.
        recheck: [0, 99].map((k) => JSON.stringify({ query: QUERY, variables: { skip: RANGES.memory + k } })),
      })),
    };
  } finally {
    heap?.close();
    await gateway.dispose().catch(() => {});
    servers.memoryGateway = undefined;
  }
}

/** Profiles the hit scenarios that succeeded, one load round each, and prints where time goes. */
/** With --only=hit-path there is no scenario table: both hit scenarios count as measured. */
function hitScenarioStubs() {
  return [
    { id: "gateway-hit-public", ok: true },
    { id: "gateway-hit-pat", ok: true },
  ];
}

async function profileGateway(results, bundles, setup) {
  const profiles = [];
  const targetsToProfile = [
    ["gateway-hit-public", post(CONTENT_PATH, HIT_BODY)],
    ["gateway-hit-pat", post(CONTENT_PATH, HIT_BODY, { authorization: `Bearer ${setup.pat.token}` })],
  ];
  for (const [id, request] of targetsToProfile) {
    if (!results.find((r) => r.id === id)?.ok) continue;
    log(`profiling ${id}…`);
    try {
      const summary = await profileWhile({
        inspectorUrl: servers.gateway.inspectorUrl,
        workerName: GATEWAY_WORKER,
        bundlePath: bundles.gateway,
        outPath: `${TMP}${id}.cpuprofile`,
        drive: () =>
          load(servers.gateway.url, request, { connections: settings.connections, duration: Math.max(2, settings.duration * 2) }),
      });
      profiles.push({ id, ...summary });
      console.log(`\n${id}: ${summary.samples} samples → ${summary.outPath}`);
      console.log("  self time by file:     " + summary.byFile.map((f) => `${f.name} ${f.percent}%`).join(", "));
      for (const f of summary.byFunction) console.log(`  ${String(f.percent).padStart(5)}%  ${f.name}`);
    } catch (error) {
      profiles.push({ id, error: error.message });
      log(`  profile failed: ${error.message}`);
    }
  }
  return profiles;
}

const startLoad = loadavg().map((v) => Math.round(v * 100) / 100);

async function shutdown() {
  for (const server of [servers.memoryGateway, servers.gateway, servers.peer, servers.floor, servers.origin]) {
    if (!server?.dispose) continue;
    try {
      await server.dispose();
    } catch (error) {
      console.error(`dispose ${server.label}: ${error.message}`);
    }
  }
}

// A hard bound on the whole run, whatever hangs.
const watchdog = setTimeout(
  () => {
    console.error("bench harness failed: the run exceeded its time bound");
    for (const s of [servers.peer, servers.memoryGateway, servers.gateway, servers.floor, servers.origin]) s?.dispose?.().catch?.(() => {});
    setTimeout(() => process.exit(1), 3000).unref();
  },
  // Full: ~4.5 min of load scenarios + the memory fill's 8-minute bound + its heap readings + the
  // site scenario (~3 min).
  (quick ? 240 : 1500) * 1000,
);
watchdog.unref();

try {
  await main();
} catch (error) {
  console.error(`bench harness failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await shutdown();
}
process.exit(exitCode);
