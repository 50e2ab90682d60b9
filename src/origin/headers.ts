/**
 * Which headers reach the origin. An allowlist, not a blocklist: hop-by-hop headers (RFC 9110
 * §7.6.1: Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade, Proxy-*), the client's
 * `Authorization` and cookies never pass, because the origin must trust the gateway's decision
 * and credential, not the caller's. Tracing headers pass so a request can be followed end to end.
 */
const FORWARDED_CLIENT_HEADERS = ["traceparent", "tracestate", "x-request-id", "user-agent"] as const;

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
 * // content-type, accept, gcms-stage: PUBLISHED, gcms-locales: en, authorization: Bearer …
 */
export function originHeaders(input: OriginHeaderInput): Headers {
  const headers = new Headers({
    "content-type": "application/json",
    accept: "application/json",
    "gcms-stage": input.stage,
    "gcms-locales": input.locales.join(","),
  });
  for (const name of FORWARDED_CLIENT_HEADERS) {
    const value = input.client.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (input.originToken) headers.set("authorization", `Bearer ${input.originToken}`);
  for (const [name, value] of Object.entries(input.extra ?? {})) headers.set(name, value);
  return headers;
}
