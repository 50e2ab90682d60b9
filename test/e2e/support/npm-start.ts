import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** A running `npm start` (wrangler dev with the gateway and the demo origin) on a free port. */
export interface NpmStart {
  base: string;
  port: number;
  adminToken: string;
  /** Everything it printed so far. */
  output: () => string;
  stop: () => void;
}

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the real `npm start` as a newcomer would and waits for its banner (the demo project is
 * configured by then). `stop()` ends the process group it started, and only that.
 */
export async function startNpmStart(timeoutMs = 100_000): Promise<NpmStart> {
  const port = await freePort();
  const adminToken = `e2e-${Math.random().toString(36).slice(2)}`;
  let output = "";
  const server: ChildProcess = spawn("npm", ["start"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ADMIN_TOKEN: adminToken, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));
  const stop = () => {
    if (!server.pid) return;
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes("Content Edge is running")) {
    if (server.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      stop();
      throw new Error(`npm start did not print its banner:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { base: `http://127.0.0.1:${port}`, port, adminToken, output: () => output, stop };
}
