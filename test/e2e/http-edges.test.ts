import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodeOf, rawExchange, send, type Answer, type Send } from "./support/raw-http";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * The edges of HTTP through the real `npm start` (wrangler dev: its proxy worker in one workerd,
 * the gateway in another) over real sockets: answers that leave a request body unread must not
 * break the keep-alive connection they came on, nor the connections of other clients, and every
 * oversized POST gets its 413 answer. Root causes and evidence: docs/http-edges.md.
 */
let server: NpmStart;

beforeAll(async () => {
  server = await startNpmStart();
});

afterAll(() => server?.stop());

const QUERY = JSON.stringify({ query: "{ posts { title } }" });
const JSON_TYPE = { "content-type": "application/json" };
const big = (bytes: number) =>
  JSON.stringify({ query: "{ posts { title } }", variables: { pad: "x".repeat(bytes - 60) } }).padEnd(bytes, " ");

/** A request that is known to work: public read of published posts. */
const goodQuery = (agent?: http.Agent): Send => ({ method: "POST", path: "/content/demo/master", headers: JSON_TYPE, body: QUERY, agent });

function expectServed(answer: Answer, status = 200): void {
  expect(answer.error, `transport error ${answer.error} (status ${answer.status})`).toBeUndefined();
  expect(answer.status, answer.body?.slice(0, 200)).toBe(status);
}

describe("an answer that leaves the request body unread does not break the next request", () => {
  const admin = () => ({ authorization: `Bearer ${server.adminToken}`, ...JSON_TYPE });
  it.each<[string, () => Send, number, string]>([
    [
      "POST /content, 100 KB with Content-Length",
      () => ({ method: "POST", path: "/content/demo/master", headers: JSON_TYPE, body: big(100_000) }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "POST /content, 100 KB chunked",
      () => ({ method: "POST", path: "/content/demo/master", headers: JSON_TYPE, body: big(100_000), chunked: true }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "POST /webhooks, 1.1 MiB",
      () => ({ method: "POST", path: "/webhooks/demo/master", headers: JSON_TYPE, body: big(1_150_000) }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "PUT /admin/projects, 100 KB",
      () => ({ method: "PUT", path: "/admin/projects/e2e-big/master", headers: admin(), body: big(100_000) }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "POST /content, 100 KB of text/plain (refused unread)",
      () => ({ method: "POST", path: "/content/demo/master", headers: { "content-type": "text/plain" }, body: big(300_000) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "PUT /admin/projects with a wrong token, 100 KB (refused unread)",
      () => ({
        method: "PUT",
        path: "/admin/projects/e2e-big/master",
        headers: { ...JSON_TYPE, authorization: "Bearer wrong" },
        body: big(300_000),
      }),
      401,
      "UNAUTHENTICATED",
    ],
    ["POST to no route, 100 KB", () => ({ method: "POST", path: "/nowhere", headers: JSON_TYPE, body: big(300_000) }), 404, "NOT_FOUND"],
  ])("%s: answered, then the same keep-alive connection and another client are served", async (_name, request, status, code) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(server.base, { ...request(), agent });
      expectServed(refused, status);
      expect(errorCodeOf(refused)).toBe(code);

      // The same connection: /healthz must not hang, a query must not be a 503.
      const health = await send(server.base, { path: "/healthz", agent, timeoutMs: 5_000 });
      expectServed(health);
      expect(health.reusedSocket).toBe(true);
      const again = await send(server.base, goodQuery(agent));
      expectServed(again);
      expect(again.reusedSocket).toBe(true);

      // Another client, on its own connection.
      expectServed(await send(server.base, goodQuery()));
      expectServed(await send(server.base, { path: "/healthz", timeoutMs: 5_000 }));
    } finally {
      agent.destroy();
    }
  });

  it("a keep-alive client alternating 413s and queries is never reset", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 10; i++) {
        const refused = await send(server.base, {
          method: "POST",
          path: "/content/demo/master",
          headers: JSON_TYPE,
          body: big(70_000 + i * 10_000),
          chunked: i % 2 === 1,
          agent,
        });
        expectServed(refused, 413);
        expectServed(await send(server.base, goodQuery(agent)));
      }
    } finally {
      agent.destroy();
    }
  });
});

describe("oversized POSTs on fresh connections", () => {
  it.each([
    ["with Content-Length", false],
    ["chunked", true],
  ])("every one of 30 POSTs of 65,537, 100,000 and 300,000 bytes %s gets its 413 PAYLOAD_TOO_LARGE", async (_name, chunked) => {
    const outcomes: Record<string, number> = {};
    for (const size of [65_537, 100_000, 300_000]) {
      for (let i = 0; i < 10; i++) {
        const answer = await send(server.base, {
          method: "POST",
          path: "/content/demo/master",
          headers: JSON_TYPE,
          body: big(size),
          chunked,
        });
        const outcome = answer.error ?? `${answer.status} ${String(errorCodeOf(answer))}`;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }
    expect(outcomes).toEqual({ "413 PAYLOAD_TOO_LARGE": 30 });
    expectServed(await send(server.base, goodQuery()));
  });
});

describe("an absolute-form request target (RFC 9112 §3.2.2)", () => {
  it("is answered like the same request in origin-form (workerd 1.20260426.1 refused it with a plain-text 500: docs/http-edges.md)", async () => {
    const target = `http://127.0.0.1:${server.port}/content/demo/master?query=${encodeURIComponent("{ posts { title } }")}`;
    const answer = await rawExchange(
      server.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const originForm = await send(server.base, {
      path: new URL(target).pathname + new URL(target).search,
      headers: { accept: "application/json" },
    });
    expectServed(originForm);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual(JSON.parse(originForm.body ?? ""));
  });
});
