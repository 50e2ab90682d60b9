// Is `npm start`'s port free? wrangler finds out only after building and bundling both Workers,
// and then says "specify a different port with --port", which `npm start` does not take: checked
// first, a taken port is one line naming the PORT to set instead.
import { createServer } from "node:net";

/**
 * Whether something listens on host:port already: binds it for a moment and lets go. Any error
 * but EADDRINUSE (e.g. EACCES for a privileged port) is left for wrangler to report.
 *
 * @example
 * if (await portInUse("127.0.0.1", 8787)) …
 */
export function portInUse(host, port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (/** @type {NodeJS.ErrnoException} */ error) => (error.code === "EADDRINUSE" ? resolve(true) : reject(error)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/**
 * The first free port after `port` (trying `tries` of them), to suggest; undefined if none is.
 *
 * @example
 * await freePortAfter("127.0.0.1", 8787); // 8788
 */
export async function freePortAfter(host, port, tries = 20) {
  for (let candidate = port + 1; candidate <= Math.min(port + tries, 65535); candidate++) {
    if (!(await portInUse(host, candidate).catch(() => true))) return candidate;
  }
  return undefined;
}

/**
 * A port the system says is free now (listen on 0, read it, let go): for wrangler's inspector,
 * whose default 9229 two `npm start`s begun together would both pick, and the second fail on.
 *
 * @example
 * const inspectorPort = await ephemeralPort("127.0.0.1");
 */
export function ephemeralPort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The one line `npm start` prints when its port is taken.
 *
 * @example
 * portInUseMessage("127.0.0.1", 8787, 8788);
 * // "npm start: port 8787 on 127.0.0.1 is already in use (another npm start or wrangler dev?). Set PORT=8788 to use another: PORT=8788 npm start"
 */
export function portInUseMessage(host, port, free) {
  const suggestion = free ?? port + 1;
  return (
    `npm start: port ${port} on ${host} is already in use (another npm start or wrangler dev?). ` +
    `Set PORT=${suggestion} to use another: PORT=${suggestion} npm start`
  );
}
