import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM scripts, no declarations
import { resolveAdminToken } from "../../scripts/admin-token.mjs";
import { ephemeralPort, freePortAfter, portInUse, portInUseMessage } from "../../scripts/port.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const HOST = "127.0.0.1";
const servers: Server[] = [];

/** Listens on a free port and returns it; closed after each test. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, HOST, listening));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((closed) => server.close(closed))));
});

describe("npm start on a port that is taken", () => {
  it("says so in one line naming the PORT to set, before building anything, and exits 1", async () => {
    const port = await takenPort();
    const started = Date.now();
    const run = spawnSync(process.execPath, ["scripts/start.mjs"], {
      cwd: root,
      env: { ...process.env, PORT: String(port), ADMIN_TOKEN: "start-test-token" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(new RegExp(`^npm start: port ${port} on 127\\.0\\.0\\.1 is already in use .*Set PORT=\\d+ .*\\n$`));
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("tells a taken port from a free one, and suggests the next free one", async () => {
    const port = await takenPort();
    expect(await portInUse(HOST, port)).toBe(true);
    const free = await freePortAfter(HOST, port);
    expect(free).toBeGreaterThan(port);
    expect(await portInUse(HOST, free!)).toBe(false);
    expect(await portInUse(HOST, await ephemeralPort(HOST))).toBe(false);
  });

  it.each([
    [8787, 8788, "Set PORT=8788 to use another: PORT=8788 npm start"],
    [8787, 8790, "Set PORT=8790 to use another: PORT=8790 npm start"],
    [8787, undefined, "Set PORT=8788 to use another: PORT=8788 npm start"],
  ])("port %i taken, %s free: %s", (port, free, advice) => {
    expect(portInUseMessage(HOST, port, free)).toBe(
      `npm start: port ${port} on ${HOST} is already in use (another npm start or wrangler dev?). ${advice}`,
    );
  });
});

describe("two npm starts in one checkout", () => {
  it("keep their admin tokens in two files, one per port", () => {
    const checkout = mkdtempSync(join(tmpdir(), "content-edge-root-"));
    const first = resolveAdminToken(checkout, { ADMIN_TOKEN: "first" }, 8787) as { envFiles: string[] };
    const second = resolveAdminToken(checkout, { ADMIN_TOKEN: "second" }, 8788) as { envFiles: string[] };
    expect(first.envFiles).toEqual([join(checkout, ".wrangler", "tmp", "start-admin-token-8787.env")]);
    expect(second.envFiles).toEqual([join(checkout, ".wrangler", "tmp", "start-admin-token-8788.env")]);
    expect(readFileSync(first.envFiles[0]!, "utf8")).toBe('ADMIN_TOKEN="first"\n');
    expect(readFileSync(second.envFiles[0]!, "utf8")).toBe('ADMIN_TOKEN="second"\n');
  });

  it("take the port from PORT when none is given", () => {
    const checkout = mkdtempSync(join(tmpdir(), "content-edge-root-"));
    const resolved = resolveAdminToken(checkout, { ADMIN_TOKEN: "x", PORT: "9999" }) as { envFiles: string[] };
    expect(resolved.envFiles).toEqual([join(checkout, ".wrangler", "tmp", "start-admin-token-9999.env")]);
  });
});
