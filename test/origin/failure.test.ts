import { describe, expect, it } from "vitest";
import { probeConnection, reasonOfStatus, reasonOfThrown, type Connector } from "../../src/origin/failure";

describe("reasonOfThrown: what a thrown fetch error names", () => {
  it.each([
    ["Network connection lost.", "connect"],
    ["connection refused", "connect"],
    ["DNS lookup failed.; params.host = x.invalid", "dns"],
    ["getaddrinfo ENOTFOUND x.invalid", "dns"],
    ["OpenSSL error; message = error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER", "tls"],
    ["certificate has expired", "tls"],
    ["internal error; reference = 1jujoorvfiprb5m2tqi0hfru", undefined],
    ["The operation was aborted", undefined],
  ])("%j → %s", (message, reason) => {
    expect(reasonOfThrown(new Error(message))).toBe(reason);
  });
});

describe("reasonOfStatus: Cloudflare's own error statuses, else the origin's", () => {
  it.each([
    [500, "{}", "http-status"],
    [503, "", "http-status"],
    [302, "", "http-status"],
    [520, "error code: 520", "http-status"],
    [521, "error code: 521", "connect"],
    [522, "error code: 522", "connect"],
    [523, "error code: 523", "connect"],
    [525, "error code: 525", "tls"],
    [526, "error code: 526", "tls"],
    [530, "error code: 1016", "dns"],
    [530, "error code: 1001", "dns"],
    [530, "error code: 1033", "http-status"],
  ])("%i %j → %s", (status, body, reason) => {
    expect(reasonOfStatus(status, body)).toBe(reason);
  });
});

describe("probeConnection: DNS or TLS, after an error that names neither", () => {
  const opens: Connector = () => ({ opened: Promise.resolve(), close: async () => undefined });
  const fails: Connector = () => ({ opened: Promise.reject(new Error("cannot connect")), close: async () => undefined });
  const throws: Connector = () => {
    throw new Error("cannot connect");
  };
  const hangs: Connector = () => ({ opened: new Promise(() => undefined), close: async () => undefined });

  it.each([
    ["https://api.example/graphql", opens, "tls"],
    ["http://api.example/graphql", opens, "network"],
    ["https://api.example/graphql", fails, "dns"],
    ["https://api.example/graphql", throws, "dns"],
    ["https://api.example/graphql", hangs, "network"],
  ] as const)("%s, connection %#: %s", async (url, connector, reason) => {
    expect(await probeConnection(url, 50, connector)).toBe(reason);
  });

  it.each([
    ["https://api.example/graphql", 443],
    ["http://api.example/graphql", 80],
    ["https://api.example:8443/graphql", 8443],
  ])("connects to %s on port %i", async (url, port) => {
    const seen: unknown[] = [];
    await probeConnection(url, 50, (address) => (seen.push(address), { opened: Promise.resolve(), close: async () => undefined }));
    expect(seen).toEqual([{ hostname: "api.example", port }]);
  });
});
