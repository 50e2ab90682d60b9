/**
 * The gateway ISOLATE's memory, read through workerd's inspector (Chrome DevTools protocol), as
 * opposed to the workerd process RSS, which also holds Miniflare's Cache API storage, KV, the
 * origin worker's isolate and workerd itself.
 *
 * Each reading forces a full garbage collection first (`HeapProfiler.collectGarbage`), so the
 * figure is live memory, not garbage waiting for the next GC. workerd runs that GC as a task on
 * the isolate's thread, which only happens when the isolate is next entered, so the reader pokes
 * the gateway with a cheap request (`GET /`, a 404 that touches no cache) until the GC has run.
 * Then `Runtime.getHeapUsage`:
 *   usedSize            live objects on the V8 heap (JS objects, strings, code)
 *   totalSize           the V8 heap as committed (used + free space V8 holds on to)
 *   backingStorageSize  ArrayBuffer backing stores, outside the V8 heap: the cached bodies
 *                       (`Uint8Array`) live here, so it must be counted
 *   embedderHeapUsedSize  workerd's own C++ objects owned by the isolate (cppgc)
 * "live" = used + backing stores + embedder: what the isolate keeps alive.
 */
import { connect } from "./profile.mjs";

const MiB = 1024 * 1024;
const mib = (bytes) => (bytes == null ? null : Math.round((bytes / MiB) * 100) / 100);

/**
 * Opens a heap reader on `workerName`'s isolate. Throws unless the inspector lists exactly that
 * worker (`core:user:<name>`), so the origin's isolate, hosted by the same workerd, is never read.
 */
export async function heapReader({ inspectorUrl, workerName, pokeUrl }) {
  const base = inspectorUrl.replace(/^ws/, "http").replace(/\/$/, "");
  const id = `core:user:${workerName}`;
  const targets = await fetch(`${base}/json/list`, { signal: AbortSignal.timeout(5000) }).then((r) => r.json());
  const target = targets.find((t) => t.id === id);
  if (!target || !String(target.title).endsWith(id)) {
    throw new Error(`inspector lists no ${id} (targets: ${targets.map((t) => t.id).join(", ")})`);
  }
  const inspector = await connect(inspectorUrl, workerName);

  async function collectGarbage() {
    let done = false;
    const gc = inspector.send("HeapProfiler.collectGarbage").then(() => (done = true));
    gc.catch(() => {});
    const deadline = Date.now() + 20_000;
    while (!done && Date.now() < deadline) {
      await fetch(pokeUrl, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.arrayBuffer())
        .catch(() => {});
      await Promise.race([gc, new Promise((r) => setTimeout(r, 50))]);
    }
    await gc;
  }

  return {
    target: { id: target.id, title: target.title, url: target.webSocketDebuggerUrl },
    /** Two full GCs, then the isolate's heap usage, in MiB. */
    async read() {
      await collectGarbage();
      await collectGarbage();
      const u = await inspector.send("Runtime.getHeapUsage");
      const live = u.usedSize + (u.backingStorageSize ?? 0) + (u.embedderHeapUsedSize ?? 0);
      return {
        liveMiB: mib(live),
        usedMiB: mib(u.usedSize),
        totalMiB: mib(u.totalSize),
        arrayBuffersMiB: mib(u.backingStorageSize),
        embedderMiB: mib(u.embedderHeapUsedSize),
      };
    },
    close: () => inspector.close(),
  };
}
