import { Hono } from "hono";
import { normalizeScope } from "../authority/changes";
import { gatewayConfig } from "../config/gateway-config";
import { BadRequestError } from "../errors";
import { readBodyText } from "../http/body";
import { waitUntilOf } from "../platform/wait-until";
import { parseJsonText } from "../http/json-body";
import { requireProject } from "../projects/require-project";
import { adminRecord, type AdminEnv } from "../operators/identity";

/** A model or stage name (a GraphQL name), or `"*"`. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** What a purge invalidates: lists of names or `"*"` (everything). */
export interface PurgeScope {
  models: string[] | "*";
  stages: string[] | "*";
}

/**
 * Reads a purge body: empty, `{}`, or `{ "models"?: names | "*", "stages"?: names | "*" }` where
 * `names` is a non-empty list of GraphQL names. An absent member means all. Unknown members are
 * refused (a typo such as `"model"` must not silently purge everything).
 *
 * @throws {BadRequestError} naming the offending field in `extensions.field`.
 * @example parsePurgeBody('{"models":["Post"]}'); // { models: ["Post"], stages: "*" }
 */
export function parsePurgeBody(text: string): PurgeScope {
  if (!text.trim()) return { models: "*", stages: "*" };
  const raw = parseJsonText(text);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new BadRequestError('The body must be a JSON object: { "models"?: [...], "stages"?: [...] }.', { field: "body" });
  }
  for (const key of Object.keys(raw)) {
    if (key !== "models" && key !== "stages")
      throw new BadRequestError(`Unknown member "${key}"; a purge takes "models" and "stages".`, { field: key });
  }
  const body = raw as { models?: unknown; stages?: unknown };
  return { models: names(body.models, "models"), stages: names(body.stages, "stages") };
}

function names(value: unknown, field: "models" | "stages"): string[] | "*" {
  if (value === undefined || value === "*") return "*";
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequestError(`${field} must be "*" or a non-empty list of names.`, { field });
  }
  value.forEach((name, i) => {
    if (typeof name !== "string" || (name !== "*" && !NAME.test(name))) {
      throw new BadRequestError(`${field}[${i}] is not a ${field === "models" ? "model" : "stage"} name.`, { field: `${field}[${i}]` });
    }
  });
  return normalizeScope(value as string[]);
}

/**
 * `POST /admin/projects/{projectId}/{environment}/purge` (SPEC §5): invalidates `models` in
 * `stages` (each absent member: all) for the project and environment, by bumping version
 * counters at the project's authority — nothing is enumerated or deleted. Answers once the
 * authority has the change (every location serves fresh answers within its bound, 1.5 s):
 * `200 { purged: { models, stages } }`; `404` for an unknown project; `400` naming the field of a
 * bad body; `503` when the authority cannot be reached (nothing was purged). The admin-auth
 * middleware runs before this route.
 */
export const purgeRoutes = new Hono<AdminEnv>().post("/:projectId/:environment/purge", async (c) => {
  const config = await gatewayConfig(c.env);
  const waitUntil = waitUntilOf(c);
  const ref = { projectId: c.req.param("projectId"), environment: c.req.param("environment") };
  await requireProject(config, ref, waitUntil);
  const scope = parsePurgeBody(await readBodyText(c.req.raw, config.limits.maxBodyBytes));
  await config.authority.invalidate(
    ref,
    [{ kind: "model", stages: scope.stages, models: scope.models }],
    waitUntil,
    adminRecord(c, "purge", { models: scope.models, stages: scope.stages }, purgeTarget(scope)),
  );
  return c.json({ purged: scope }, 200);
});

/** A purge's scope in one line: `models=Post,Author stages=*`. */
function purgeTarget(scope: PurgeScope): string {
  const list = (names: string[] | "*") => (names === "*" ? "*" : names.join(","));
  return `models=${list(scope.models)} stages=${list(scope.stages)}`;
}
