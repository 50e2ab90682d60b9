/**
 * Where a cache hit's remaining time goes, measured rather than guessed: the floor (a bare worker
 * returning the answer's bytes), then bare workers that each add one piece of what the gateway's
 * fast path must do, then the gateway's hit, all driven by `wrk` in interleaved rounds.
 *
 * 1. `+ headers`: the same bytes with the response headers a POST hit carries (one reused `Headers`);
 * 2. `+ key`: and the work of recognising a repeat — read the body, read the nine request headers
 *    that can change an answer, build the key, one `Map` lookup;
 * 3. the gateway answering the same POST from its fast path.
 *
 * If the gateway is as fast as (2), its hit does nothing beyond what recognising a repeat and
 * sending the contract's headers cost on this runtime (docs/performance.md).
 *
 * @example
 *   node bench/floor-variants.mjs        # 5 rounds of 3 s each; writes bench/.tmp/floor-variants.json
 *   node bench/floor-variants.mjs 10     # 10 rounds
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { buildAll, TMP } from "./build.mjs";
import { configureGateway } from "./gateway-setup.mjs";
import { hasWrk, wrkRun } from "./hit-path.mjs";
import { median } from "./load.mjs";
import { startBareWorker, startFloor, startGateway } from "./servers.mjs";
import { CONTENT_PATH, HIT_BODY } from "./workload.mjs";

const ADMIN_TOKEN = "floor-variants-admin-token";
const rounds = Number(process.argv[2] ?? 5);
const connections = 32;
const duration = 3;

if (!(await hasWrk())) {
  console.error("floor-variants needs wrk (Debian package `wrk`)");
  process.exit(1);
}

const bundles = await buildAll({});
const gateway = await startGateway(bundles, { adminToken: ADMIN_TOKEN, originMode: "fixed" });
await configureGateway(gateway.url, ADMIN_TOKEN);
const request = { method: "POST", path: CONTENT_PATH, headers: { "content-type": "application/json" }, body: HIT_BODY };
/** @returns {Promise<Response>} */
const ask = () => fetch(`${gateway.url}${CONTENT_PATH}`, { method: "POST", headers: request.headers, body: HIT_BODY });
const hit = await ask();
const body = await hit.text();
// The first answer is a MISS; the next ones are HITs that prime the fast path.
for (let i = 0; i < 3; i++) await (await ask()).text();
const probe = await ask();
await probe.text();
const hitHeaders = [...probe.headers].filter(([name]) => name !== "content-length");
console.log(`gateway answers ${probe.headers.get("x-cache")} with ${hitHeaders.length} headers: ${hitHeaders.map(([n]) => n).join(", ")}`);

// The headers the gateway's hit carries, with the values it sent, in one reused Headers object.
const HEADERS = `const HEADERS = new Headers(${JSON.stringify(Object.fromEntries(hitHeaders))});`;
const withHeaders = await startBareWorker(
  "headers",
  `let bytes; ${HEADERS}
export default { async fetch(request, env) { bytes ??= new TextEncoder().encode(env.BODY); if (request.body) await request.arrayBuffer(); return new Response(bytes, { headers: HEADERS }); } };`,
  body,
);
// The fast path's key: the same nine request headers as src/pipeline/fast-path.ts (KEYED_HEADERS).
const withKey = await startBareWorker(
  "key",
  `let bytes; ${HEADERS}
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const seen = new Map();
const KEYED = ["authorization", "gcms-stage", "gcms-locales", "hyg-stale-while-revalidate", "hyg-stale-if-error", "accept", "content-type", "origin", "if-none-match"];
export default { async fetch(request, env) {
  bytes ??= new TextEncoder().encode(env.BODY);
  const raw = await request.arrayBuffer();
  let key = request.method + "\\n" + request.url;
  for (const name of KEYED) { const value = request.headers.get(name); key += value === null ? "\\n-" : "\\n=" + value; }
  key += "\\n" + utf8.decode(raw);
  let answer = seen.get(key);
  if (!answer) seen.set(key, (answer = bytes));
  return new Response(answer, { headers: HEADERS });
} };`,
  body,
);
const floor = await startFloor(body);

const targets = [
  { id: "floor", label: "floor (bare worker)", url: floor.url },
  { id: "headers", label: "+ the hit's response headers", url: withHeaders.url },
  { id: "key", label: "+ recognising a repeat (body, 9 headers, key, Map)", url: withKey.url },
  { id: "gateway", label: "gateway hit, public (fast path)", url: gateway.url },
];
/** @type {Record<string, number[]>} */
const rps = Object.fromEntries(targets.map((t) => [t.id, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of targets) rps[target.id].push((await wrkRun(target.url, request, { connections, duration })).rps);
  const floorNow = rps.floor[round - 1];
  console.log(
    `round ${round}/${rounds}: ` +
      targets.map((t) => `${t.id} ${rps[t.id][round - 1]} (${(rps[t.id][round - 1] / floorNow).toFixed(2)})`).join("  "),
  );
}

const ratios = Object.fromEntries(targets.map((t) => [t.id, rps[t.id].map((value, i) => value / rps.floor[i])]));
console.log(`\n${"wrk, 32 connections".padEnd(56)} req/s (median)   ÷ floor per round (min–median–max)`);
for (const t of targets) {
  const r = ratios[t.id];
  console.log(
    `${t.label.padEnd(56)} ${String(median(rps[t.id])).padStart(8)}   ${Math.min(...r).toFixed(2)}–${median(r).toFixed(2)}–${Math.max(...r).toFixed(2)}`,
  );
}
mkdirSync(TMP, { recursive: true });
writeFileSync(`${TMP}floor-variants.json`, JSON.stringify({ date: new Date().toISOString(), connections, duration, rps, ratios }, null, 2));
console.log(`\nwrote ${TMP}floor-variants.json`);
await Promise.all([gateway, withHeaders, withKey, floor].map((server) => server.dispose()));
process.exit(0);
