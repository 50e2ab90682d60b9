/**
 * Process memory: finds the workerd processes Miniflare spawns (children of this Node process) and
 * samples their resident set size from /proc. Linux only; elsewhere RSS is reported as null.
 */
import { readFileSync, readdirSync } from "node:fs";

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const ppid = Number(text.slice(close + 2).split(" ")[1]);
    return { pid, comm, ppid };
  } catch {
    return null;
  }
}

function allProcesses() {
  try {
    return readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .map(stat)
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** PIDs of the given process and all its descendants. */
export function descendants(root) {
  const all = allProcesses();
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const p of all) if (p.ppid === out[i]) out.push(p.pid);
  return out;
}

/** PIDs of workerd processes that are descendants of this process. */
export function workerdPids() {
  const mine = new Set(descendants(process.pid));
  return allProcesses()
    .filter((p) => mine.has(p.pid) && p.comm.startsWith("workerd"))
    .map((p) => p.pid);
}

/** Resident set size of one process in bytes, or 0 if it is gone. */
export function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed RSS of a process tree (workerd runs as one process, but be safe). */
export function treeRss(pid) {
  if (!pid) return null;
  return descendants(pid).reduce((sum, p) => sum + rss(p), 0);
}

/** Samples a process tree's RSS every `ms` until stopped; `stop()` returns the peak in bytes. */
export function sampleRss(pid, ms = 50) {
  if (!pid) return { stop: () => null };
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, ms);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRss(pid));
    },
  };
}
