/**
 * The load scenarios, in the order they run, and how each is checked and measured. All run at the
 * same concurrency except the two "1 conn" latency runs (origin direct and gateway miss, each with
 * unique variables), which measure what a miss adds without queueing on the two cores. A scenario
 * whose server is missing or whose probe fails is recorded as failed with the reason, not run.
 */
import { probe } from "./gateway-setup.mjs";
import { rounds } from "./load.mjs";
import { sampleRss } from "./proc.mjs";
import { CONTENT_PATH, HIT_BODY, ORIGIN_PATH, PEER_PATH, RANGES, REFUSED_BODY, post, uniqueBodies } from "./workload.mjs";

/**
 * `servers`: { floor, origin, peer, gateway } (each `{ url, pid }` or an `{ error }`);
 * `pat`: `{ ok, token, reason }`; `projectReason`: why the gateway project is not configured.
 */
export function scenarios({ servers, pat, projectReason }) {
  const gatewayDown = servers.gateway?.error ?? projectReason;
  return [
    { id: "floor", label: "floor (bare worker)", server: servers.floor, request: post("/", HIT_BODY) },
    { id: "origin", label: "origin direct", server: servers.origin, request: post(ORIGIN_PATH, HIT_BODY) },
    {
      id: "origin-1c",
      label: "origin direct, 1 conn",
      server: servers.origin,
      connections: 1,
      request: post(ORIGIN_PATH, uniqueBodies(RANGES.originLatency)),
    },
    { id: "peer-hit", label: "peer hit (Yoga)", server: servers.peer, request: post(PEER_PATH, HIT_BODY) },
    {
      id: "gateway-hit-public",
      label: "gateway hit, public",
      server: servers.gateway,
      down: gatewayDown,
      expectCache: "HIT",
      request: post(CONTENT_PATH, HIT_BODY),
    },
    {
      id: "gateway-hit-pat",
      label: "gateway hit, PAT",
      server: servers.gateway,
      down: gatewayDown ?? (pat.ok ? undefined : pat.reason),
      expectCache: "HIT",
      request: post(CONTENT_PATH, HIT_BODY, { authorization: `Bearer ${pat.token}` }),
    },
    {
      id: "gateway-refused",
      label: "gateway refused (403)",
      server: servers.gateway,
      down: gatewayDown,
      expectStatus: 403,
      request: post(CONTENT_PATH, REFUSED_BODY),
    },
    {
      id: "gateway-miss",
      label: "gateway miss",
      server: servers.gateway,
      down: gatewayDown,
      expectCache: "MISS",
      probeTimes: 1,
      request: post(CONTENT_PATH, uniqueBodies(RANGES.miss)),
    },
    {
      id: "gateway-miss-1c",
      label: "gateway miss, 1 conn",
      server: servers.gateway,
      down: gatewayDown,
      connections: 1,
      expectCache: "MISS",
      probeTimes: 1,
      request: post(CONTENT_PATH, uniqueBodies(RANGES.missLatency)),
    },
    {
      id: "peer-miss",
      label: "peer miss (Yoga)",
      server: servers.peer,
      probeTimes: 1,
      request: post(PEER_PATH, uniqueBodies(RANGES.peerMiss)),
    },
  ];
}

/**
 * Probes then measures one scenario; never throws.
 *
 * @returns {Promise<{ ok: boolean; reason?: string; [key: string]: any }>}
 */
export async function runScenario(scenario, settings, log) {
  const { id, label, server } = scenario;
  const base = { id, label };
  const reason = scenario.down ?? server?.error;
  if (reason || !server?.url) return { ...base, ok: false, reason: reason ?? "server not started" };
  const expectStatus = scenario.expectStatus ?? 200;
  const checked = await probe(server.url, scenario.request, {
    expectStatus,
    expectCache: scenario.expectCache,
    times: scenario.probeTimes ?? 2,
  });
  if (!checked.ok) return { ...base, ok: false, reason: checked.reason };
  log(`  ${label}: probe ${checked.status}, x-cache ${checked.xCache ?? "-"}, ${checked.bytes} B; measuring…`);
  const sampler = sampleRss(server.pid);
  try {
    const measured = await rounds(server.url, scenario.request, { ...settings, connections: scenario.connections ?? settings.connections });
    const peakRss = sampler.stop();
    const unexpected = Object.entries(measured.statuses)
      .filter(([status]) => Number(status) !== expectStatus)
      .map(([status, n]) => `${n}× ${status}`);
    const notes = [checked.warning, unexpected.length ? `unexpected statuses: ${unexpected.join(", ")}` : null].filter(Boolean);
    if (!measured.responses) notes.push("no response completed within a round");
    if (measured.errors || measured.timeouts) notes.push(`${measured.errors} errors, ${measured.timeouts} timeouts`);
    return {
      ...base,
      ok: true,
      connections: scenario.connections ?? settings.connections,
      rps: measured.rps,
      p50: measured.p50,
      p99: measured.p99,
      peakRssMB: peakRss == null ? null : Math.round((peakRss / 1048576) * 10) / 10,
      responseBytes: checked.bytes,
      xCache: checked.xCache,
      statuses: measured.statuses,
      errors: measured.errors,
      timeouts: measured.timeouts,
      rounds: measured.rounds,
      notes,
    };
  } catch (error) {
    sampler.stop();
    return { ...base, ok: false, reason: `load failed: ${error.message}` };
  }
}
