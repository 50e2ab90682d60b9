import { connect } from "cloudflare:sockets";

/**
 * Why the origin failed, sent as `extensions.reason` of `502 ORIGIN_ERROR` and `504
 * ORIGIN_TIMEOUT` so that an operator sees the cause (a typo in the host, a refused port, a bad
 * certificate, a 5xx) without reading logs:
 *
 * - `dns`: the origin's host name does not resolve;
 * - `connect`: the connection was refused, reset or lost;
 * - `tls`: the TLS handshake failed (no TLS on that port, a bad or expired certificate);
 * - `timeout`: no answer within `ORIGIN_TIMEOUT_MS`;
 * - `http-status`: it answered a 5xx or a redirect (`originStatus` says which);
 * - `invalid-json`: its answer is not JSON;
 * - `not-graphql`: its answer is JSON but not a GraphQL result (neither `data` nor `errors`);
 * - `service-binding-not-running`, `service-binding-failed`: an origin behind a service binding
 *   whose Worker is not running, or threw;
 * - `network`: a network failure the runtime does not name.
 */
export type OriginFailureReason =
  | "dns"
  | "connect"
  | "tls"
  | "timeout"
  | "http-status"
  | "invalid-json"
  | "not-graphql"
  | "service-binding-not-running"
  | "service-binding-failed"
  | "network";

/** The message each reason is answered with: a cause and what to check, never the origin's URL or its words. */
export const FAILURE_MESSAGES: Readonly<Record<OriginFailureReason, string>> = {
  dns: "The origin's host name could not be resolved (DNS): check the host in the project's origin URL.",
  connect: "The connection to the origin was refused or lost: check the origin URL's host and port, and that the origin is up.",
  tls: "The TLS handshake with the origin failed: check that the origin URL's port speaks HTTPS and that its certificate is valid.",
  timeout: "The origin did not answer in time.",
  "http-status": "The origin answered with an HTTP status that is not a GraphQL result.",
  "invalid-json": "The origin's answer is not JSON: check that the origin URL is the GraphQL endpoint itself.",
  "not-graphql": "The origin's answer is not a GraphQL result: check that the origin URL is the GraphQL endpoint itself.",
  "service-binding-not-running": "The origin is a Worker reached through a service binding, and that Worker is not running.",
  "service-binding-failed": "The origin is a Worker reached through a service binding, and that Worker failed.",
  network: "The origin could not be reached.",
};

/**
 * The reason a thrown `fetch` error names, or `undefined` when it names none. workerd throws
 * `Network connection lost.` for a refused or dropped connection, but `internal error; reference =
 * …` for both a failed DNS lookup and a failed TLS handshake (its log has the detail, the script
 * does not): those need {@link probeConnection}. The DNS and TLS patterns match the runtime's own
 * wording should it ever pass it on.
 *
 * @example
 * reasonOfThrown(new Error("Network connection lost.")); // "connect"
 * reasonOfThrown(new Error("internal error; reference = 1jujoo")); // undefined
 */
export function reasonOfThrown(error: unknown): OriginFailureReason | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/DNS lookup failed|name (or service )?not known|ENOTFOUND/i.test(message)) return "dns";
  if (/\b(TLS|SSL)\b|certificate|handshake/i.test(message)) return "tls";
  if (/network connection lost|connection (refused|reset|closed)|ECONNREFUSED|ECONNRESET/i.test(message)) return "connect";
  return undefined;
}

/**
 * The reason Cloudflare's own error statuses stand for, when a Worker's subrequest meets them
 * instead of an exception (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/):
 * 521–523 cannot connect, 525–526 TLS, 530 with error 1016 or 1001 DNS. Any other status is the
 * origin's own, `http-status`.
 *
 * @example
 * reasonOfStatus(526, "error code: 526"); // "tls"
 * reasonOfStatus(500, "{}"); // "http-status"
 */
export function reasonOfStatus(status: number, body: string): OriginFailureReason {
  if (status >= 521 && status <= 523) return "connect";
  if (status === 525 || status === 526) return "tls";
  if (status === 530 && /\b10(16|01)\b/.test(body)) return "dns";
  return "http-status";
}

/** Opens a TCP connection to an address (`cloudflare:sockets` in the Worker; a fake in tests). */
export type Connector = (address: { hostname: string; port: number }) => { opened: Promise<unknown>; close(): Promise<void> };

/**
 * Tells a failed DNS lookup from a failed TLS handshake after `fetch` threw an error naming
 * neither: opens (and at once closes) a bare TCP connection to the origin's host and port, which
 * sends no byte. It fails → the name did not resolve (a refused port would have made `fetch` say
 * `Network connection lost.`); it opens → the host was reached, so an `https:` origin failed at
 * TLS. Bounded by `withinMs`; a probe that cannot decide is `network`. Only on this failure path,
 * never on a request that succeeds.
 *
 * @example
 * await probeConnection("https://no-such-host.invalid/graphql", 1_000); // "dns"
 */
export async function probeConnection(url: string, withinMs: number, open: Connector = connect): Promise<OriginFailureReason> {
  const target = new URL(url);
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<"network">((resolve) => (timer = setTimeout(() => resolve("network"), Math.max(withinMs, 0))));
  const attempt = (async (): Promise<OriginFailureReason> => {
    let socket: ReturnType<Connector>;
    try {
      socket = open({ hostname: target.hostname, port });
      await socket.opened;
    } catch {
      return "dns";
    }
    await socket.close().catch(() => undefined);
    return target.protocol === "https:" ? "tls" : "network";
  })();
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
