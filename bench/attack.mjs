/**
 * The attack scenario (issue 22 §5, `npm run bench -- --attack`): the site workload (bench/site.mjs:
 * 1,000 pages, Zipf, a ~100 ms origin) from legitimate clients, plus one attacker sending a unique
 * document per request as fast as it can, for 30 s. Three runs on the same gateway and origin:
 *
 * - **baseline** — the protected project, no attacker: the legitimate p50/p99 to compare with;
 * - **unprotected** — a project with no limits, attacked: every unique document is a miss at the origin;
 * - **limited** — the same attack on a project with `limits.originConcurrency` and
 *   `rateLimits: { missesPerMinute, by: "ip" }`: the attacker's origin requests are capped;
 * - **protected** — the same attack on a project with those limits and `trustedDocuments: "public"`
 *   (the site's two documents uploaded with `PUT …/documents`): none reaches the origin.
 *
 * Every project's 1,000 pages are fetched once before its runs, so each run starts from a warm cache.
 *
 * Reported per run: origin requests/s (the origin's own count), the attacker's status mix and
 * request rate, the legitimate clients' throughput, p50 and p99. Targets: protected origin load within
 * the configured limits, legitimate p99 ≤ 1.5 × the baseline, and no attacker request at the origin.
 */
import { createHash } from "node:crypto";
import { load } from "./load.mjs";
import { startSiteServers, siteWorkload } from "./site.mjs";

export const ATTACK = { seconds: 30, attackers: 8, originConcurrency: 16, missesPerMinute: 600 };
const PROJECTS = { open: "attack-open", limited: "attack-limited", guarded: "attack-guarded" };
/**
 * Documentation addresses (RFC 5737): legitimate visitors come from 250 addresses of one block (a
 * site's readers are many people, each under the per-address limit); the attacker from one.
 */
const visitorIp = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
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
    const { gateway, origin, admin } = await startSiteServers(bundles, adminToken, servers);
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
    const limited = {
      ...base,
      limits: { originConcurrency: ATTACK.originConcurrency },
      rateLimits: { missesPerMinute: ATTACK.missesPerMinute, by: "ip" },
    };
    const configs = { [PROJECTS.open]: base, [PROJECTS.limited]: limited, [PROJECTS.guarded]: { ...limited, trustedDocuments: "public" } };
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

    // Every page once per project, 32 at a time, from the visitors' addresses: warm caches to start from.
    for (const projectId of Object.values(PROJECTS)) {
      const pages = [...workload.pages];
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let page = pages.pop(); page !== undefined; page = pages.pop())
            await call(`${gateway}/content/${projectId}/master`, {
              method: "POST",
              headers: { "content-type": "application/json", "cf-connecting-ip": visitorIp() },
              body: page,
            });
        }),
      );
    }
    log(`attack: ${workload.pages.length} pages warmed in each of ${Object.keys(PROJECTS).length} projects`);
    const served = async () => JSON.parse((await call(`${origin}/__stats`)).text).served;
    const run = async (name, projectId, attacked) => {
      const path = `/content/${projectId}/master`;
      const request = {
        method: "POST",
        path,
        headers: { "content-type": "application/json" },
        headersFor: () => ({ "cf-connecting-ip": visitorIp() }),
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
      const ended = Date.now();
      const seconds = (ended - started) / 1000;
      // The miss limit counts per clock minute: a run spanning two minutes may use two minutes' worth.
      const windows = Math.floor(ended / 60_000) - Math.floor(started / 60_000) + 1;
      const originRequests = (await served()) - before;
      const originRps = Math.round((originRequests / seconds) * 10) / 10;
      const result = {
        originRps,
        originRequests,
        minuteWindows: windows,
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
      limited: await run("limited", PROJECTS.limited, true),
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
  const { baseline, limited, protected: guarded } = result.runs;
  const ratio = (run) => (run.legit.p99 && baseline.legit.p99 ? Math.round((run.legit.p99 / baseline.legit.p99) * 100) / 100 : null);
  // The attacker's misses the limit allows in the clock minutes the run spans, plus what the
  // legitimate misses need (the baseline's origin load over the same time), as origin requests.
  const allowed = ATTACK.missesPerMinute * limited.minuteWindows + Math.ceil(baseline.originRps * result.attack.duration);
  const attackerAtOrigin = guarded.attacker?.statuses?.["200"] ?? 0;
  const row = (id, label, target, value, met) => ({ id, label, target, value, met });
  return [
    row(
      "attack-origin-load",
      "limited: origin requests in the run",
      `≤ ${allowed}`,
      limited.originRequests,
      limited.originRequests <= allowed,
    ),
    row(
      "attack-limited-p99",
      "limited: legit p99 ÷ baseline p99",
      "≤ 1.5",
      ratio(limited),
      ratio(limited) == null ? null : ratio(limited) <= 1.5,
    ),
    row(
      "attack-legit-p99",
      "protected: legit p99 ÷ baseline p99",
      "≤ 1.5",
      ratio(guarded),
      ratio(guarded) == null ? null : ratio(guarded) <= 1.5,
    ),
    row("attack-none-at-origin", "protected: attacker answers from the origin (200s)", "0", attackerAtOrigin, attackerAtOrigin === 0),
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
