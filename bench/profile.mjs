/**
 * `--profile`: a CPU profile of the gateway under hit load, taken through workerd's inspector
 * (Chrome DevTools protocol). Writes a .cpuprofile (open it in Chrome DevTools) and summarizes
 * self time by function and by source file (esbuild's `// path` markers in the bundle).
 */
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";

/** A CDP session with one worker's isolate (`core:user:<name>` on workerd's inspector). */
export async function connect(inspectorUrl, workerName) {
  const { default: WebSocket } = await import("ws");
  const ws = new WebSocket(`${inspectorUrl.replace(/\/$/, "")}/core:user:${workerName}`);
  await once(ws, "open");
  let next = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      pending.set(id, (m) => (clearTimeout(timer), m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Which bundled source file each line of the bundle came from. */
function sourceOfLines(bundlePath) {
  const lines = readFileSync(bundlePath, "utf8").split("\n");
  const owner = new Array(lines.length);
  let current = "(bundle)";
  lines.forEach((line, i) => {
    const m = /^\/\/ ((?:src|node_modules|demo|bench)\/\S+)$/.exec(line);
    if (m)
      current = m[1].startsWith("node_modules/")
        ? m[1]
            .split("/")
            .slice(0, m[1][13] === "@" ? 3 : 2)
            .join("/")
        : m[1];
    owner[i] = current;
  });
  return owner;
}

function summarize(profile, bundlePath, top) {
  const owner = sourceOfLines(bundlePath);
  const total = profile.samples.length;
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byFunction = new Map();
  const byFile = new Map();
  for (const node of profile.nodes) {
    const n = counts.get(node.id);
    if (!n) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.endsWith(".mjs") && lineNumber >= 0 ? (owner[lineNumber] ?? "(bundle)") : url || "(runtime)";
    const fn = `${functionName || "(anonymous)"}  ${file}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
    byFile.set(file, (byFile.get(file) ?? 0) + n);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, percent: Math.round((n / total) * 1000) / 10 }));
  return { samples: total, byFunction: rank(byFunction), byFile: rank(byFile) };
}

/** Profiles while `drive()` runs load; returns the summary and the written profile path. */
export async function profileWhile({ inspectorUrl, workerName, bundlePath, outPath, drive, top = 15 }) {
  const inspector = await connect(inspectorUrl, workerName);
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
    await inspector.send("Profiler.start");
    await drive();
    const { profile } = await inspector.send("Profiler.stop");
    writeFileSync(outPath, JSON.stringify(profile));
    return { outPath, ...summarize(profile, bundlePath, top) };
  } finally {
    inspector.close();
  }
}
