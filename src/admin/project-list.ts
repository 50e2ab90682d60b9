import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import { BadRequestError } from "../errors";
import { assertOnlyParams } from "../http/query-params";
import type { AdminEnv } from "../operators/identity";
import { contentCacheRuntime } from "../pipeline/cache-runtime";
import { waitUntilOf } from "../platform/wait-until";
import { projectStore } from "../projects/store";

export const DEFAULT_PROJECT_PAGE = 50;
export const MAX_PROJECT_PAGE = 100;
const PARAMS = new Set(["search", "limit", "cursor"]);
/** A project reference as the directory names it: `<projectId>/<environment>`, each part of the allowed characters. */
const NAME = /^[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,64}$/;

/** The list's query: a case-insensitive substring of `<projectId>/<environment>`, a page size, the name to start after. */
export interface ProjectListQuery {
  search?: string;
  limit: number;
  after?: string;
}

/**
 * Parses `?search&limit&cursor` strictly (unknown or repeated parameters are `400` naming them).
 *
 * @example parseProjectListQuery(new URLSearchParams("search=shop&limit=10")); // { search: "shop", limit: 10 }
 */
export function parseProjectListQuery(params: URLSearchParams): ProjectListQuery {
  assertOnlyParams(params, PARAMS, "the project list");
  const query: ProjectListQuery = { limit: DEFAULT_PROJECT_PAGE };
  const search = params.get("search");
  if (search !== null) {
    if (search.length > 129) throw new BadRequestError("search is at most 129 characters.", { param: "search" });
    if (search !== "") query.search = search.toLowerCase();
  }
  const limit = params.get("limit");
  if (limit !== null) {
    const n = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_PROJECT_PAGE))
      throw new BadRequestError(`limit must be an integer from 1 to ${MAX_PROJECT_PAGE}.`, { param: "limit" });
    query.limit = n;
  }
  const cursor = params.get("cursor");
  if (cursor !== null) {
    if (!NAME.test(cursor))
      throw new BadRequestError("cursor is not one this list gave (use the previous page's next).", { param: "cursor" });
    query.after = cursor;
  }
  return query;
}

/** One page of the directory's names, sorted, filtered by `search`, after `after`. */
export function projectPage(names: readonly string[], query: ProjectListQuery): { names: string[]; next?: string } {
  const matching = names.filter(
    (name) =>
      NAME.test(name) &&
      (query.after === undefined || name > query.after) &&
      (query.search === undefined || name.toLowerCase().includes(query.search)),
  );
  const page = matching.slice(0, query.limit);
  return matching.length > query.limit ? { names: page, next: page[page.length - 1]! } : { names: page };
}

/**
 * `GET /admin/projects?search&limit&cursor` (viewer): every configured project and environment,
 * sorted by name, with its origin and its hit ratio over the last 24 hours (`null` before any
 * cacheable request) — `{ "projects": [{ "projectId", "environment", "origin", "hitRatio" }], "next"? }`.
 * The names come from the project directory (every location's view of it is at most a second old).
 */
export const projectListRoute = new Hono<AdminEnv>().get("/", async (c) => {
  const query = parseProjectListQuery(new URL(c.req.url).searchParams);
  const gateway = await gatewayConfig(c.env);
  const store = projectStore({ kv: gateway.kv, authority: gateway.authority, waitUntil: waitUntilOf(c) });
  const { stats } = contentCacheRuntime(gateway.kv, gateway.stats);
  const page = projectPage(await gateway.authority.directory.list(), query);
  const projects = await Promise.all(
    page.names.map(async (name) => {
      const [projectId, environment] = name.split("/") as [string, string];
      const [config, summary] = await Promise.all([
        store.get({ projectId, environment }).catch(() => null),
        stats.read(projectId, environment).catch(() => null),
      ]);
      return { projectId, environment, origin: config?.origin ?? null, hitRatio: summary?.hitRatio ?? null };
    }),
  );
  return c.json({ projects, ...(page.next === undefined ? {} : { next: page.next }) }, 200, { "cache-control": "no-store" });
});
