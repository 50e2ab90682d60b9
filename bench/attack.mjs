/**
 * The attack scenario (issue 22 §5, `npm run bench -- --attack`): the site workload (bench/site.mjs:
 * 1,000 pages, Zipf, a ~100 ms origin) from legitimate clients, plus one attacker sending a unique
 * document per request as fast as it can, for 30 s. Three runs on the same gateway and origin:
 *
 * - **baseline** — the protected project, no attacker: the legitimate p50/p99 to compare with;
 * - **unprotected** — a project with no limits, attacked: every unique document is a miss at the origin;
 * - **protected** — the same attack on a project with `limits.originConcurrency`,
 *   `rateLimits: { missesPerMinute, by: "ip" }` and `trustedDocuments: "public"` (the site's two
 *   documents uploaded with `PUT …/documents`).
 *
 * Reported per run: origin requests/s (the origin's own count), the attacker's status mix and
 * request rate, the legitimate clients' throughput, p50 and p99. Targets: protected origin load within
 * the configured limits, legitimate p99 ≤ 1.5 × the baseline, and no attacker request at the origin.
 */
import { createHash } from "node:crypto";
import { load } from "./load.mjs";
import { startGateway, startOrigin } from "./servers.mjs";
import { SITE, siteWorkload } from "./site.mjs";

export const ATTACK = { seconds: 30, attackers: 8, originConcurrency: 16, missesPerMinute: 600 };
const PROJECTS = { open: "attack-open", guarded: "attack-guarded" };
/** Documentation addresses (RFC 5737): the legitimate clients' and the attacker's. */
const LEGIT_IP = "198.51.100.7";
const ATTACKER_IP = "203.0.113.66";

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, text: await response.text() };
}

/** The attacker: `workers` loops, each sending a never-seen document until `until`; counts statuses. */
async function attack(gateway, path, until) {
  const statuses = {};
  let sent = 0;
  let n = 0;
  const loop = async () => {
    while (Date.now() < until) {
      const body = JSON.stringify({ query: `query Scan${n++} { posts(first: 1, skip: ${n % 997}) { title } }` });
      try {
        const response = await fetch(`${gateway}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": ATTACKER_IP },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
      sent++;
    }
  };
  await Promise.all(Array.from({ length: ATTACK.attackers }, loop));
  return { sent, statuses };
}

/**
 * Runs the three runs; `duration` is the attack (and measurement) time of each, `warmup` the
 * legitimate warm-up before it.
 */
export async function attackScenario(bundles, { adminToken, duration = ATTACK.seconds, warmup, connections, log }) {
  const servers = {};
  try {
    servers.gateway = await startGateway(bundles, {
      adminToken,
      originMode: "site",
      exposeOrigin: true,
      originDelayMs: SITE.originDelayMs,
    });
    servers.origin = await startOrigin(bundles, { originMode: "site", originDelayMs: SITE.originDelayMs });
    const gateway = servers.gateway.url;
    const origin = servers.gateway.secondUrl;
    const admin = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
    const workload = siteWorkload();
    const documents = [...new Set(workload.pages.map((page) => JSON.parse(page).query))].map((query) => ({
      sha256: createHash("sha256").update(query).digest("hex"),
      query,
    }));
    const base = {
      origin: "https://demo-origin.internal/graphql",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
      cache: { maxAge: 3600, staleWhileRevalidate: 0, staleIfError: 86_400 },
    };
    const configs = {
      [PROJECTS.open]: base,
      [PROJECTS.guarded]: {
        ...base,
        limits: { originConcurrency: ATTACK.originConcurrency },
        rateLimits: { missesPerMinute: ATTACK.missesPerMinute, by: "ip" },
        trustedDocuments: "public",
      },
    };
    for (const [projectId, config] of Object.entries(configs)) {
      const put = await call(`${gateway}/admin/projects/${projectId}/master`, {
        method: "PUT",
        headers: admin,
        body: JSON.stringify(config),
      });
      if (put.status !== 200) return { ok: false, reason: `PUT ${projectId} → ${put.status} ${put.text.slice(0, 200)}` };
    }
    const upload = await call(`${gateway}/admin/projects/${PROJECTS.guarded}/master/documents`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ documents }),
    });
    if (upload.status >= 300) return { ok: false, reason: `PUT documents → ${upload.status} ${upload.text.slice(0, 200)}` };

    const served = async () => JSON.parse((await call(`${origin}/__stats`)).text).served;
    const run = async (name, projectId, attacked) => {
      const path = `/content/${projectId}/master`;
      const request = {
        method: "POST",
        path,
        headers: { "content-type": "application/json", "cf-connecting-ip": LEGIT_IP },
        body: siteWorkload().next,
      };
      log(`attack ${name}: ${warmup} s warm-up, then ${duration} s${attacked ? ` with ${ATTACK.attackers} attacker loops` : ""}…`);
      await load(gateway, request, { connections, duration: warmup, record: false });
      const before = await served();
      const started = Date.now();
      const [legit, attacker] = await Promise.all([
        load(gateway, request, { connections, duration }),
        attacked ? attack(gateway, path, Date.now() + duration * 1000) : Promise.resolve(null),
      ]);
      const seconds = (Date.now() - started) / 1000;
      const originRps = Math.round((((await served()) - before) / seconds) * 10) / 10;
      const result = {
        originRps,
        legit: { rps: legit.rps, p50: legit.p50, p99: legit.p99, statuses: legit.statuses },
        ...(attacker ? { attacker: { rps: Math.round((attacker.sent / seconds) * 10) / 10, statuses: attacker.statuses } } : {}),
      };
      log(
        `  origin ${originRps} req/s, legit p50 ${legit.p50} ms p99 ${legit.p99} ms${attacker ? `, attacker ${JSON.stringify(attacker.statuses)}` : ""}`,
      );
      return result;
    };
    const runs = {
      baseline: await run("baseline", PROJECTS.guarded, false),
      unprotected: await run("unprotected", PROJECTS.open, true),
      protected: await run("protected", PROJECTS.guarded, true),
    };
    const result = { ok: true, attack: { ...ATTACK, duration, warmup, connections }, runs };
    result.targets = attackTargets(result);
    return result;
  } catch (error) {
    return { ok: false, reason: String(error.stack ?? error).slice(0, 500) };
  } finally {
    for (const server of [servers.gateway, servers.origin]) await server?.dispose?.().catch(() => {});
  }
}

/** The issue's targets. */
export function attackTargets(result) {
  const { baseline, protected: guarded } = result.runs;
  const ratio = guarded.legit.p99 && baseline.legit.p99 ? Math.round((guarded.legit.p99 / baseline.legit.p99) * 100) / 100 : null;
  // At most the rate limit's share a second plus what the legitimate misses need (the baseline's origin load).
  const allowed = Math.round((ATTACK.missesPerMinute / 60 + baseline.originRps) * 10) / 10;
  const attackerAtOrigin = Object.entries(guarded.attacker?.statuses ?? {})
    .filter(([status]) => status === "200")
    .reduce((n, [, c]) => n + c, 0);
  return [
    {
      id: "attack-origin-load",
      label: "protected origin req/s",
      target: `≤ ${allowed}`,
      value: guarded.originRps,
      met: guarded.originRps <= allowed,
    },
    {
      id: "attack-legit-p99",
      label: "protected legit p99 ÷ baseline p99",
      target: "≤ 1.5",
      value: ratio,
      met: ratio == null ? null : ratio <= 1.5,
    },
    {
      id: "attack-none-at-origin",
      label: "attacker answers from the origin (200s)",
      target: "0",
      value: attackerAtOrigin,
      met: attackerAtOrigin === 0,
    },
  ];
}

/** The scenario as printed lines. */
export function printAttack(result, log = console.log) {
  if (!result.ok) return log(`\nattack scenario failed: ${result.reason}`);
  log("");
  log(
    `attack: site workload, ${result.attack.connections} legitimate connections, ${ATTACK.attackers} attacker loops of unique documents, ${result.attack.duration} s each`,
  );
  log(`${"".padEnd(14)} ${"origin r/s".padStart(10)} ${"legit r/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}  attacker`);
  for (const [name, run] of Object.entries(result.runs))
    log(
      `${name.padEnd(14)} ${String(run.originRps).padStart(10)} ${String(run.legit.rps).padStart(9)} ${String(run.legit.p50).padStart(8)} ${String(run.legit.p99).padStart(8)}  ${run.attacker ? `${run.attacker.rps} req/s ${JSON.stringify(run.attacker.statuses)}` : "—"}`,
    );
  for (const t of result.targets)
    log(`  ${t.label}: ${t.value ?? "—"} (target ${t.target}) ${t.met === null ? "—" : t.met ? "met" : "NOT met"}`);
}
