import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMiniflareGateway, type MiniflareGateway } from "./support/miniflare-gateway";
import { errorCodeOf, send, type Send } from "./support/raw-http";

/**
 * workerd itself (no `wrangler dev` proxy in front): an answer given without reading the request
 * body — a 415, a 401, a 404, a 405 — must leave the keep-alive connection usable. workerd
 * cannot reuse a connection whose request body was not consumed and closes it without a
 * `Connection: close`, so the client's next request on it is reset (docs/http-edges.md).
 */
let gateway: MiniflareGateway;

beforeAll(async () => {
  gateway = await startMiniflareGateway();
  const configured = await send(gateway.direct, {
    method: "PUT",
    path: "/admin/projects/demo/master",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      origin: "https://demo-origin.internal/v2/demo/master",
      publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
    }),
  });
  if (configured.status !== 200) throw new Error(`configuring demo/master: ${configured.status} ${configured.body}`);
});

afterAll(() => gateway?.dispose());

const JSON_TYPE = { "content-type": "application/json" };
const QUERY = JSON.stringify({ query: "{ posts { title } }" });

describe.each(["direct", "entry"] as const)("through Miniflare's %s socket", (socket) => {
  const cases: [string, (size: number) => Send, number, string][] = [
    [
      "POST /content as text/plain (415)",
      (size) => ({ method: "POST", path: "/content/demo/master", headers: { "content-type": "text/plain" }, body: "x".repeat(size) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "PUT /content (405)",
      (size) => ({ method: "PUT", path: "/content/demo/master", headers: JSON_TYPE, body: "x".repeat(size) }),
      405,
      "METHOD_NOT_ALLOWED",
    ],
    [
      "PUT /admin/projects with a wrong token (401)",
      (size) => ({
        method: "PUT",
        path: "/admin/projects/x/master",
        headers: { ...JSON_TYPE, authorization: "Bearer wrong" },
        body: "x".repeat(size),
      }),
      401,
      "UNAUTHENTICATED",
    ],
    [
      "POST /webhooks for an unknown project (404)",
      (size) => ({ method: "POST", path: "/webhooks/nope/master", headers: JSON_TYPE, body: "x".repeat(size) }),
      404,
      "NOT_FOUND",
    ],
    [
      "POST to no route (404)",
      (size) => ({ method: "POST", path: "/nowhere", headers: JSON_TYPE, body: "x".repeat(size) }),
      404,
      "NOT_FOUND",
    ],
    [
      "POST /content over the limit (413)",
      (size) => ({ method: "POST", path: "/content/demo/master", headers: JSON_TYPE, body: "x".repeat(size + 65_536) }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
  ];
  const sizes = [1_000, 300_000];

  it.each(cases.flatMap(([name, request, status, code]) => sizes.map((size) => [name, size, request, status, code] as const)))(
    "%s with a %i-byte body: answered, then the same keep-alive connection serves a query",
    async (_name, size, request, status, code) => {
      const base = gateway[socket];
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (const chunked of [false, true]) {
          const refused = await send(base, { ...request(size), chunked, agent });
          expect(refused.error).toBeUndefined();
          expect(refused.status).toBe(status);
          expect(errorCodeOf(refused)).toBe(code);
          const next = await send(base, {
            method: "POST",
            path: "/content/demo/master",
            headers: JSON_TYPE,
            body: QUERY,
            agent,
            timeoutMs: 5_000,
          });
          expect(next.error, `the next request failed with ${next.error}`).toBeUndefined();
          expect(next.status).toBe(200);
          expect(next.reusedSocket).toBe(true);
        }
      } finally {
        agent.destroy();
      }
    },
  );
});
