import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { IpNotAllowedError, OriginNotAllowedError } from "../errors";
import { ipFirewall, type IpFirewall } from "../policies/ip-rules";
import { originPolicy, type OriginPolicy } from "../policies/origin-policy";
import type { ProjectConfig } from "../projects/types";
import type { GatewayEnv } from "../pipeline/graphql-endpoint";

/** Request headers a browser page may send (CORS, Fetch §3.2.3): GraphQL over HTTP plus Hygraph's. */
export const ALLOWED_REQUEST_HEADERS = [
  "content-type",
  "authorization",
  "gcms-stage",
  "gcms-locales",
  "hyg-stale-while-revalidate",
  "hyg-stale-if-error",
] as const;

/** Response headers a page may read beyond the CORS-safelisted ones: what the cache did and when. */
export const EXPOSED_RESPONSE_HEADERS = ["x-cache", "cache-status", "age", "etag", "server-timing"] as const;

/**
 * How long a browser may reuse a preflight answer (`Access-Control-Max-Age`), seconds: 2 hours,
 * Chromium's own upper limit. A cached preflight grants nothing by itself — every actual request
 * is checked again — so a longer reuse only saves round trips.
 */
export const PREFLIGHT_MAX_AGE = 7_200;

export interface ApiPoliciesOptions {
  /** The project the request addresses, `null` when none is configured (a KV failure throws: fail closed). */
  loadProject: (c: Context<GatewayEnv>) => Promise<ProjectConfig | null>;
  /** `Access-Control-Max-Age` of preflight answers; default {@link PREFLIGHT_MAX_AGE}. */
  preflightMaxAge?: number;
}

/** A project's policies, compiled once per configuration object the store hands out. */
interface CompiledPolicies {
  firewall: IpFirewall;
  origins: OriginPolicy;
}

/**
 * The per-project API policies in front of `/content` and `/v2` (SPEC §3b), in this order:
 *
 * 1. **IP firewall** — `ipRules` against `CF-Connecting-IP`: `403 IP_NOT_ALLOWED` before anything
 *    else (no parsing, no CORS headers, nothing else of the request looked at);
 * 2. **origin policy** — a request whose `Origin` is not in `allowedOrigins` (and is not the
 *    gateway's own origin): `403 ORIGIN_NOT_ALLOWED` with `Vary: Origin` and no CORS allow
 *    headers, preflights included, so the origin is never contacted for it;
 * 3. **CORS** (Fetch standard §3.2, with `hono/cors`): preflights answer `204` with
 *    {@link ALLOWED_REQUEST_HEADERS}, `GET, POST` and `Access-Control-Max-Age`; every other answer
 *    carries `Access-Control-Allow-Origin`, `Access-Control-Expose-Headers`
 *    ({@link EXPOSED_RESPONSE_HEADERS}) and `Timing-Allow-Origin` (W3C Resource Timing §4.5, so a
 *    page can read `Server-Timing`). A project allowing `"*"` answers `*`, the same for every
 *    origin; a project with a list echoes the allowed origin and says `Vary: Origin` on every
 *    answer, so no downstream cache hands one origin's answer to another.
 *
 * The loaded project is left in `c.var.project` for the endpoint. A project that does not exist
 * gets the defaults (any origin, no firewall), so a browser can read the endpoint's `404`.
 *
 * @example
 * app.use("/content/:projectId/:environment", apiPolicies({ loadProject: (c) => projects(c).get(ref(c)) }));
 */
export function apiPolicies(options: ApiPoliciesOptions): MiddlewareHandler<GatewayEnv> {
  if (typeof options.loadProject !== "function") throw new Error("apiPolicies: loadProject is required");
  const maxAge = options.preflightMaxAge ?? PREFLIGHT_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new Error("apiPolicies: preflightMaxAge must be a whole number of seconds");
  const shared = {
    allowMethods: ["GET", "POST"],
    allowHeaders: [...ALLOWED_REQUEST_HEADERS],
    exposeHeaders: [...EXPOSED_RESPONSE_HEADERS],
    maxAge,
  };
  // "*" is one answer for every origin (no Vary); a list echoes the origin hono/cors was given.
  const anyOriginCors = cors({ ...shared, origin: "*" });
  const listedOriginCors = cors({ ...shared, origin: (origin) => origin || null });
  const compiled = new WeakMap<ProjectConfig, CompiledPolicies>();
  const defaults: CompiledPolicies = { firewall: ipFirewall(undefined), origins: originPolicy(undefined) };
  const policiesOf = (project: ProjectConfig | null): CompiledPolicies => {
    if (!project) return defaults;
    let policies = compiled.get(project);
    if (!policies) {
      policies = { firewall: ipFirewall(project.ipRules), origins: originPolicy(project.allowedOrigins) };
      compiled.set(project, policies);
    }
    return policies;
  };

  return async (c, next) => {
    const project = await options.loadProject(c);
    c.set("project", project);
    const { firewall, origins } = policiesOf(project);

    if (firewall.active) {
      const verdict = firewall.check(c.req.header("cf-connecting-ip"));
      if (!verdict.allowed) throw new IpNotAllowedError(verdict.reason);
    }

    const origin = c.req.header("origin");
    if (!origins.any && origin !== undefined && !origins.allows(origin) && !isSameOrigin(origin, c))
      throw new OriginNotAllowedError(origin);
    // hono/cors answers a preflight itself (a Response) and otherwise decorates the endpoint's answer.
    const preflight = await (origins.any ? anyOriginCors : listedOriginCors)(c, next);
    if (preflight) return preflight;
    const timingOrigin = origins.any ? "*" : origin;
    if (timingOrigin) c.res.headers.set("timing-allow-origin", timingOrigin);
  };
}

/**
 * A page of the gateway itself (the explorer) calling its own endpoint: browsers send `Origin` on
 * same-origin POSTs, and no policy should keep the gateway from talking to itself.
 */
function isSameOrigin(origin: string, c: Context<GatewayEnv>): boolean {
  if (origin === new URL(c.req.url).origin) return true;
  const host = c.req.header("host");
  return host !== undefined && (origin === `https://${host}` || origin === `http://${host}`);
}
