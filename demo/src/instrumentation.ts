/**
 * Test and benchmark helpers, active only when ORIGIN_INSTRUMENTATION is "on": a per-isolate ring
 * of received GraphQL requests (read and cleared under /__origin/requests) and fault injection
 * by path segments, so a gateway project whose origin URL contains `/__delay/3000/`,
 * `/__status/500/` or `/__body/html/` gets a slow or failing origin without any extra wiring.
 */

/** One received GraphQL request, as the gateway sent it. */
export interface RequestRecord {
  /** Epoch milliseconds when the request arrived. */
  at: number;
  method: string;
  path: string;
  /** The query string including `?`, or "" (GET requests carry the GraphQL params here). */
  search: string;
  /** Every request header, names lower-cased. */
  headers: Record<string, string>;
  /** The raw request body (null for GET). */
  body: string | null;
}

/** Ring capacity: enough for a test file's worth of requests, bounded for the benchmark. */
export const MAX_RECORDS = 2000;
const records: RequestRecord[] = [];

/** Remembers a request, dropping the oldest beyond {@link MAX_RECORDS}. */
export function record(req: Request, url: URL, body: string | null): void {
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  records.push({ at: Date.now(), method: req.method, path: url.pathname, search: url.search, headers, body });
  if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
}

/**
 * Serves `GET /__origin/requests?prefix=/t/abc` (records whose path starts with prefix, oldest
 * first) and `DELETE /__origin/requests?prefix=…` (forget them; `{ "cleared": n }`).
 */
export function originApi(req: Request, url: URL): Response {
  if (url.pathname !== "/__origin/requests") return Response.json({ error: "not found" }, { status: 404 });
  const prefix = url.searchParams.get("prefix") ?? "";
  if (req.method === "GET") return Response.json(records.filter((r) => r.path.startsWith(prefix)));
  if (req.method === "DELETE") {
    const keep = records.filter((r) => !r.path.startsWith(prefix));
    const cleared = records.length - keep.length;
    records.splice(0, records.length, ...keep);
    return Response.json({ cleared });
  }
  return new Response(null, { status: 405, headers: { allow: "GET, DELETE" } });
}

/** Faults requested by path segments. */
export interface Faults {
  delayMs: number;
  status: number | null;
  setCookie: boolean;
  /** `/__body/html/`: a 200 HTML page (an origin URL that is not the GraphQL endpoint); `/__body/json/`: JSON that is not a GraphQL result. */
  body: "html" | "json" | null;
}

/** Upper bound for `/__delay/{ms}/`, so a typo cannot hang a test run. */
export const MAX_DELAY_MS = 60_000;

/** Reads `/__delay/{ms}/`, `/__status/{code}/`, `/__body/{html|json}/` and `/__set-cookie/` anywhere in the path. */
export function parseFaults(path: string): Faults {
  const seg = path.split("/");
  const faults: Faults = { delayMs: 0, status: null, setCookie: false, body: null };
  seg.forEach((s, i) => {
    const next = Number(seg[i + 1]);
    if (s === "__delay" && Number.isFinite(next)) faults.delayMs = Math.min(Math.max(next, 0), MAX_DELAY_MS);
    if (s === "__status" && Number.isInteger(next) && next >= 200 && next <= 599) faults.status = next;
    if (s === "__set-cookie") faults.setCookie = true;
    if (s === "__body" && (seg[i + 1] === "html" || seg[i + 1] === "json")) faults.body = seg[i + 1] as "html" | "json";
  });
  return faults;
}

/** The answer for `/__status/{code}/`; null-body statuses (204, 205, 304) get no body, as HTTP requires. */
export function injectedStatus(status: number): Response {
  if (status === 204 || status === 205 || status === 304) return new Response(null, { status });
  return Response.json({ errors: [{ message: "injected" }] }, { status });
}

/** The answer for `/__body/{kind}/`: a 200 that is not a GraphQL result, as a misconfigured origin URL gives. */
export function injectedBody(kind: "html" | "json"): Response {
  if (kind === "json") return Response.json({ message: "injected: JSON, but not a GraphQL result" });
  return new Response("<!doctype html><title>injected</title><p>Not a GraphQL endpoint.", { headers: { "content-type": "text/html" } });
}

/** The cookie `/__set-cookie/` adds, which a cache must never store. */
export const INJECTED_COOKIE = "demo_session=injected; Path=/; HttpOnly";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
