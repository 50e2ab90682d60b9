/**
 * Which headers reach the origin. An allowlist, not a blocklist: hop-by-hop headers (RFC 9110
 * §7.6.1: Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade, Proxy-*), the client's
 * `Authorization` and cookies never pass, because the origin must trust the gateway's decision
 * and credential, not the caller's.
 *
 * On `/content` an origin's answer is cached and served to every caller with the same key, so a
 * client header that could change the answer must either be in the key or not reach the origin.
 * Apart from the `gcms-*` scope (in the key through its effective values) only the tracing
 * headers pass: they name the request, not the content (W3C Trace Context), so a request can be
 * followed end to end. The client's `User-Agent` does not: an origin may vary by it (a mobile
 * layout, bot rules), and one client's answer would then be served to another. The gateway is
 * the origin's client and says so with its own {@link GATEWAY_USER_AGENT}, on `/v2` too: one
 * rule for both endpoints, and an origin (or its firewall) sees who calls it.
 */
const FORWARDED_CLIENT_HEADERS = ["traceparent", "tracestate", "x-request-id"] as const;

/** The `User-Agent` of the operations the gateway sends to an origin (never the client's, see above). */
export const GATEWAY_USER_AGENT = "content-edge";

export interface OriginHeaderInput {
  /** The caller's request headers. */
  client: Headers;
  /** The effective stage and locales: always sent, so the origin's defaults never decide (SPEC §2). */
  stage: string;
  locales: readonly string[];
  /** The project's credential for the origin, sent as a Bearer token. */
  originToken?: string | undefined;
  /** Headers the gateway itself adds (e.g. the user id for attribution on /v2). */
  extra?: Record<string, string> | undefined;
}

/**
 * Builds the origin request's headers.
 *
 * @example
 * originHeaders({ client: req.headers, stage: "PUBLISHED", locales: ["en"], originToken: "…" });
 * // content-type, accept, gcms-stage: PUBLISHED, gcms-locales: en, user-agent: content-edge, authorization: Bearer …
 */
export function originHeaders(input: OriginHeaderInput): Headers {
  const headers = new Headers({
    "content-type": "application/json",
    accept: "application/json",
    "gcms-stage": input.stage,
    "gcms-locales": input.locales.join(","),
    "user-agent": GATEWAY_USER_AGENT,
  });
  for (const name of FORWARDED_CLIENT_HEADERS) {
    const value = input.client.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (input.originToken) headers.set("authorization", `Bearer ${input.originToken}`);
  for (const [name, value] of Object.entries(input.extra ?? {})) headers.set(name, value);
  return headers;
}
