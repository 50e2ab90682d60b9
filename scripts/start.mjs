#!/usr/bin/env node
// `npm start`: the gateway and the demo origin in one `wrangler dev --env demo` (local mode:
// Miniflare's KV, Cache, D1 and static assets), then project demo/master configured through the
// admin API for public reads of published content, then a banner. PORT and ADMIN_TOKEN come from
// the environment.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { demoProject } from "./demo-project.mjs";
import { resolveAdminToken } from "./admin-token.mjs";
import { buildConsole } from "./build-console.mjs";
import { buildExplorer } from "./build-explorer.mjs";
import { ephemeralPort, freePortAfter, portInUse, portInUseMessage } from "./port.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const host = "127.0.0.1";
const base = `http://${host}:${port}`;

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number, got "${process.env.PORT}"`);
  process.exit(2);
}
// Before building anything: a taken port is one line saying which PORT to set.
if (await portInUse(host, port)) {
  console.error(portInUseMessage(host, port, await freePortAfter(host, port)));
  process.exit(1);
}
// Per port, so that two `npm start`s in one checkout never overwrite each other's token file.
const { token: adminToken, source: adminTokenSource, envFiles } = resolveAdminToken(root, process.env, port);

// The console's and the explorer's files must exist before wrangler reads [assets] (and its
// _headers) and bundles the gateway. This is the start's one build: [env.demo] declares no [build]
// command, which `wrangler dev` would run twice (once before bundling, again as soon as its file
// watcher is ready: "console,explorer changed, restarting build"); watchPages() rebuilds on edits.
buildConsole({ quiet: true });
await buildExplorer({ quiet: true });

const wrangler = spawn(
  process.execPath,
  [
    fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url)),
    "dev",
    "-c",
    "wrangler.toml",
    "-c",
    "demo/wrangler.toml",
    // The gateway with the demo origin behind its service binding (wrangler.toml's [env.demo]).
    "--env",
    "demo",
    "--ip",
    host,
    "--port",
    String(port),
    // Not wrangler's fixed default 9229, which a second `npm start` begun at the same time would also take.
    "--inspector-port",
    String(await ephemeralPort(host)),
    ...envFiles.flatMap((file) => ["--env-file", file]),
    "--show-interactive-dev-session=false",
  ],
  { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);

// wrangler's own output is useful when something goes wrong; prefix it so the banner stands out.
// Lines naming the admin token are masked: it must never be echoed.
let portTaken = false;
const relay = (stream, out) =>
  stream.on("data", (chunk) => {
    for (const line of chunk.toString().split("\n")) {
      // The port was free when checked, but something took it since.
      if (line.includes(`Address already in use (${host}:${port})`)) portTaken = true;
      if (line.trim()) out.write(`[wrangler] ${line.replaceAll(adminToken, "********")}\n`);
    }
  });
relay(wrangler.stdout, process.stdout);
relay(wrangler.stderr, process.stderr);

let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  wrangler.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
wrangler.on("exit", async (code) => {
  if (!stopping) console.error(`wrangler dev exited (${code}).`);
  if (portTaken) console.error(portInUseMessage(host, port, await freePortAfter(host, port)));
  process.exit(code ?? 1);
});

watchPages();

try {
  await waitForHealth(`${base}/healthz`, 90_000);
  const response = await fetch(`${base}/admin/projects/demo/master`, {
    method: "PUT",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(demoProject),
  });
  if (!response.ok) throw new Error(`configuring project demo/master failed: ${response.status} ${await response.text()}`);
  printBanner();
} catch (error) {
  console.error(`npm start: ${error.message}`);
  stop(1);
}

/**
 * Rebuilds the console and the explorer when a file under console/ or explorer/ changes, as
 * wrangler's [build] watch_dir did: the new files land in .build/assets/ and the modules under
 * src/console/generated/ and src/explorer/generated/, which wrangler dev watches, so it reloads. A failed build is reported and the last good one kept.
 */
function watchPages() {
  let timer;
  let running = Promise.resolve();
  const rebuild = () =>
    (running = running.then(async () => {
      try {
        buildConsole({ quiet: true });
        await buildExplorer({ quiet: true });
      } catch (error) {
        console.error(`npm start: rebuilding the console or the explorer failed: ${error.message}`);
      }
    }));
  for (const dir of ["console", "explorer"]) {
    watch(join(root, dir), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(rebuild, 200);
    }).unref();
  }
}

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not answer ${url} within ${timeoutMs / 1000} s`);
}

function printBanner() {
  const token =
    adminTokenSource === "env"
      ? "(from $ADMIN_TOKEN)"
      : adminTokenSource === ".dev.vars"
        ? "(from .dev.vars)"
        : `${adminToken}   (dev default; set ADMIN_TOKEN or put it in .dev.vars)`;
  console.log(`
  Content Edge is running.

  Content API (cached, read-only)  ${base}/content/demo/master
  Regular API (queries, mutations) ${base}/v2/demo/master
  Admin console                    ${base}/admin
  Admin API                        ${base}/admin/projects/demo/master
  Health                           ${base}/healthz
  Admin token                      ${token}

  Try:
    curl -s ${base}/content/demo/master -H 'content-type: application/json' \\
      -d '{"query":"{ posts { title slug author { name } } }"}'

  A preview token (reads DRAFT):
    curl -s -X POST ${base}/admin/projects/demo/master/tokens \\
      -H "authorization: Bearer ${adminTokenSource === "default" ? adminToken : "$ADMIN_TOKEN"}" -H 'content-type: application/json' \\
      -d '{"name":"preview","defaultStage":"DRAFT","permissions":[{"action":"read","model":"*","stages":["DRAFT","PUBLISHED"],"locales":"*"}]}'
    then send it as  -H "authorization: Bearer <token>"

  Stop with Ctrl-C.
`);
}
