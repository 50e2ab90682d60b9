/** Starts and stops bench/peer.mjs as a child process; its RSS is the peer's memory figure. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export function startPeer(originGraphqlUrl, { timeoutMs = 20_000 } = {}) {
  const child = fork(fileURLToPath(new URL("./peer.mjs", import.meta.url)), [originGraphqlUrl], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // As a Yoga deployment would run (graphql-js skips its development-mode checks).
    env: { ...process.env, NODE_ENV: "production" },
  });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`peer did not start within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited (${code}) before listening: ${output}`));
    });
    child.once("message", (/** @type {{ port: number }} */ { port }) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        label: "peer",
        url: `http://127.0.0.1:${port}`,
        pid: child.pid,
        logs: () => output,
        dispose: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
            child.once("exit", () => (clearTimeout(kill), done()));
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
