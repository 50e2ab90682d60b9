/**
 * The cache hit against the runtime's floor (issue 13), measured two ways so a result cannot be
 * an artefact of one load generator:
 *
 * 1. **Throughput**: interleaved rounds (floor, public hit, PAT hit, floor, …) with autocannon and,
 *    when Debian's `wrk` is installed, with wrk; each target's median round.
 * 2. **Latency at a fixed offered load**: autocannon at 50 % of the floor's measured maximum
 *    (`overallRate`), so p50/p99 compare like with like instead of queueing at saturation.
 *
 * Targets: hit ÷ floor ≥ 0.9 for public and PAT hits with both generators; hit p99 ÷ floor p99 ≤
 * 1.5 at the fixed load.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { TMP } from "./build.mjs";
import { load, median } from "./load.mjs";

const run = promisify(execFile);

/** Whether wrk is installed (Debian package `wrk`). */
export async function hasWrk() {
  try {
    await run("wrk", ["--version"]);
    return true;
  } catch (error) {
    // wrk prints its version and exits 1.
    return typeof error?.stdout === "string" && error.stdout.includes("wrk");
  }
}

/** One wrk run; `request` is `{ method, path, headers, body }`. Returns req/s and latency percentiles (ms). */
export async function wrkRun(baseUrl, request, { connections, duration }) {
  const script = `${TMP}wrk-${Math.random().toString(36).slice(2)}.lua`;
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join("\n");
  writeFileSync(
    script,
    `wrk.method = ${JSON.stringify(request.method ?? "POST")}\nwrk.body = ${JSON.stringify(request.body ?? "")}\n${headers}\n`,
  );
  // wrk takes whole seconds.
  const { stdout } = await run(
    "wrk",
    [
      "-t",
      "2",
      "-c",
      String(connections),
      "-d",
      `${Math.max(1, Math.round(duration))}s`,
      "--latency",
      "-s",
      script,
      `${baseUrl}${request.path}`,
    ],
    {
      timeout: (duration + 30) * 1000,
    },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const ms = (label) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
    if (!m) return null;
    const value = Number(m[1]);
    return m[2] === "us" ? value / 1000 : m[2] === "s" ? value * 1000 : value;
  };
  return { rps: Math.round(rps), p50: ms("50"), p99: ms("99"), non2xx };
}

/** One autocannon run (bench/load.mjs), optionally at a fixed overall rate, as a round is recorded. */
async function autocannonRun(baseUrl, request, { connections, duration, rate = 0 }) {
  const { rps, p50, p99, statuses } = await load(baseUrl, request, { connections, duration, rate });
  return { rps, p50, p99, statuses };
}

/**
 * Runs the comparison. `targets`: `[{ id, label, url, request }]` with the floor first.
 * Returns `{ generators: { autocannon: { [id]: { rps, rounds } }, wrk?: … }, fixedLoad: { rate, [id]: { p50, p99 } }, ratios }`.
 */
export async function hitPathComparison(targets, { connections, duration, rounds, warmup, log }) {
  const floor = targets[0];
  const generators = { autocannon: {} };
  const useWrk = await hasWrk();
  if (useWrk) generators.wrk = {};
  else log("  wrk is not installed (apt-get install wrk): autocannon only");
  for (const t of targets) {
    for (const g of Object.keys(generators)) generators[g][t.id] = { label: t.label, rounds: [] };
    if (warmup > 0) await autocannonRun(t.url, t.request, { connections, duration: warmup });
  }
  for (let r = 0; r < rounds; r++) {
    for (const t of targets) {
      const a = await autocannonRun(t.url, t.request, { connections, duration });
      generators.autocannon[t.id].rounds.push(a);
      if (useWrk) generators.wrk[t.id].rounds.push(await wrkRun(t.url, t.request, { connections, duration }));
    }
    log(
      `  hit path round ${r + 1}/${rounds}: ${targets.map((t) => `${t.id} ${generators.autocannon[t.id].rounds.at(-1).rps}${useWrk ? `/${generators.wrk[t.id].rounds.at(-1).rps}` : ""}`).join(", ")} req/s`,
    );
  }
  for (const g of Object.values(generators)) for (const entry of Object.values(g)) entry.rps = median(entry.rounds.map((x) => x.rps));

  // Latency at a fixed offered load: half of what the floor sustained (autocannon's median).
  const rate = Math.round((generators.autocannon[floor.id].rps ?? 0) / 2);
  const fixedLoad = { rate };
  if (rate > 0) {
    for (const t of targets) {
      const samples = [];
      for (let r = 0; r < rounds; r++) samples.push(await autocannonRun(t.url, t.request, { connections, duration, rate }));
      fixedLoad[t.id] = {
        label: t.label,
        p50: median(samples.map((s) => s.p50)),
        p99: median(samples.map((s) => s.p99)),
        achieved: median(samples.map((s) => s.rps)),
        rounds: samples.map(({ rps, p50, p99 }) => ({ rps, p50, p99 })),
      };
    }
  }

  const ratios = [];
  for (const t of targets.slice(1)) {
    for (const [g, byId] of Object.entries(generators)) {
      const value = byId[t.id].rps && byId[floor.id].rps ? byId[t.id].rps / byId[floor.id].rps : null;
      ratios.push({ label: `${t.label} ÷ floor (req/s, ${g})`, value, target: "≥ 0.9", met: value == null ? null : value >= 0.9 });
    }
    const f = fixedLoad[floor.id];
    const h = fixedLoad[t.id];
    const value = f?.p99 && h?.p99 ? h.p99 / f.p99 : null;
    ratios.push({ label: `${t.label} p99 ÷ floor p99 at ${rate} req/s`, value, target: "≤ 1.5", met: value == null ? null : value <= 1.5 });
  }
  return { generators, fixedLoad, ratios };
}

/** Prints the comparison's table. */
export function printHitPath(result, log = console.log) {
  if (!result) return;
  const pad = (s, n, right = false) => (right ? String(s ?? "—").padStart(n) : String(s ?? "—").padEnd(n));
  const fmt = (v, d = 2) => (v == null ? "—" : v.toFixed(d));
  log("");
  log(
    `${pad("hit path vs floor", 24)} ${pad("autocannon", 11, true)} ${pad("wrk", 8, true)}   at ${result.fixedLoad.rate} req/s: ${pad("p50 ms", 8, true)} ${pad("p99 ms", 8, true)}`,
  );
  for (const [id, entry] of Object.entries(result.generators.autocannon)) {
    const fixed = result.fixedLoad[id];
    log(
      `${pad(entry.label, 24)} ${pad(entry.rps, 11, true)} ${pad(result.generators.wrk?.[id]?.rps, 8, true)}   ${pad("", 16)}${pad(fmt(fixed?.p50, 3), 8, true)} ${pad(fmt(fixed?.p99, 3), 8, true)}`,
    );
  }
  log("");
  for (const r of result.ratios)
    log(
      `${pad(r.label, 58)} ${pad(fmt(r.value), 6, true)}   target ${pad(r.target, 6)} ${r.met == null ? "not measured" : r.met ? "met" : "NOT met"}`,
    );
}
