/**
 * The demo origin Worker: a Hygraph-style GraphQL content API on D1, served on every path
 * (e.g. /graphql, /v2/demo/master) except the /__origin/ instrumentation API.
 */
import type { DemoEnv } from "./env";
import { handleGraphQL } from "./http";
import { INJECTED_COOKIE, injectedBody, injectedStatus, originApi, parseFaults, record, sleep } from "./instrumentation";
import { jwksApi } from "./jwks";
import { ensureMigrated } from "./migrate";

export type { DemoEnv };

export default {
  async fetch(req: Request, env: DemoEnv): Promise<Response> {
    const url = new URL(req.url);
    const instrumented = env.ORIGIN_INSTRUMENTATION === "on";
    if (instrumented && url.pathname.startsWith("/__origin/jwks/")) return jwksApi(req, url);
    if (instrumented && url.pathname === "/cdn-cgi/access/certs" && req.method === "GET") {
      return jwksApi(req, new URL("/__origin/jwks/access", url));
    }
    if (instrumented && url.pathname.startsWith("/__origin/")) return originApi(req, url);
    const body = req.method === "GET" || req.method === "HEAD" ? null : await req.text();
    const faults = instrumented ? parseFaults(url.pathname) : null;
    if (instrumented) record(req, url, body);
    if (faults?.delayMs) await sleep(faults.delayMs);
    if (faults?.status) return injectedStatus(faults.status);
    if (faults?.body) return injectedBody(faults.body);
    await ensureMigrated(env.DB);
    const res = await handleGraphQL(req, url, body, env.DB);
    if (faults?.setCookie) res.headers.append("set-cookie", INJECTED_COOKIE);
    return res;
  },
} satisfies ExportedHandler<DemoEnv>;
