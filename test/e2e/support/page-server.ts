import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";

const pages = fileURLToPath(new URL("../pages/", import.meta.url));
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8" };

/**
 * A second local web server: a website on another origin than the gateway, serving the files of
 * `test/e2e/pages/` (a page and its script), as a site using the gateway from the browser would.
 */
export async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const name = new URL(request.url ?? "/", "http://page.test").pathname.slice(1);
    const type = TYPES[name.split(".").pop() ?? ""];
    if (!/^[a-z-]+\.(html|js)$/.test(name) || !type) {
      response.writeHead(404).end();
      return;
    }
    try {
      response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(readFileSync(`${pages}${name}`));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("page server: no address");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
