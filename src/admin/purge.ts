import { Hono } from "hono";
import { normalizeScope, type Change } from "../authority/changes";
import { gatewayConfig } from "../config/gateway-config";
import { BadRequestError } from "../errors";
import { readBodyText } from "../http/body";
import { waitUntilOf } from "../platform/wait-until";
import { parseJsonText } from "../http/json-body";
import { requireProject } from "../projects/require-project";
import { adminRecord, type AdminEnv } from "../operators/identity";

/** A model or stage name (a GraphQL name), or `"*"`. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** At most this many entries in one purge (a webhook names one; a pasted list stays small). */
export const MAX_PURGE_ENTRIES = 100;
/** An entry id as Hygraph makes them (and any the origin uses): printable, without spaces, bounded. */
const ENTRY_ID = /^[\x21-\x7e]{1,128}$/;

/** At most this many documents in one purge. */
export const MAX_PURGE_DOCUMENTS = 100;
/** A document hash: SHA-256 hex of the query text as sent (APQ's `sha256Hash`). */
const DOCUMENT_HASH = /^[0-9a-fA-F]{64}$/;

/** What a purge invalidates: lists of names or `"*"` (everything), or exactly some entries or documents. */
export interface PurgeScope {
  /** `[]` for a purge of documents, which names no model. */
  models: string[] | "*";
  stages: string[] | "*";
  /** Only the answers that depend on these entries, and their models' lists (as a webhook for each would). */
  entries?: Array<{ model: string; id: string }>;
  /** Only the answers of these documents (lowercase SHA-256 hex), whatever their variables and permissions. */
  documents?: string[];
}

/**
 * Reads a purge body: empty, `{}`, or `{ "models"?: names | "*", "stages"?: names | "*" }` where
 * `names` is a non-empty list of GraphQL names — or `entries` (1 to 100 `{ model, id }`), or
 * `documents` (1 to 100 SHA-256 hex hashes), each instead of `models`, with `stages`. An absent
 * member means all. Unknown members are refused (a typo such as `"model"` must not silently purge
 * everything).
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
    if (key !== "models" && key !== "stages" && key !== "entries" && key !== "documents")
      throw new BadRequestError(`Unknown member "${key}"; a purge takes "models", "stages", "entries" and "documents".`, { field: key });
  }
  const body = raw as { models?: unknown; stages?: unknown; entries?: unknown; documents?: unknown };
  if (body.documents !== undefined) {
    for (const other of ["models", "entries"] as const)
      if (body[other] !== undefined) throw new BadRequestError(`A purge takes "documents" or "${other}", not both.`, { field: other });
    return { models: [], stages: names(body.stages, "stages"), documents: documentList(body.documents) };
  }
  if (body.entries === undefined) return { models: names(body.models, "models"), stages: names(body.stages, "stages") };
  // Entries name their models: a "models" beside them would make the scope ambiguous.
  if (body.models !== undefined) throw new BadRequestError('A purge takes "entries" or "models", not both.', { field: "models" });
  const entries = entryList(body.entries);
  return { models: [...new Set(entries.map((e) => e.model))].sort(), stages: names(body.stages, "stages"), entries };
}

function documentList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PURGE_DOCUMENTS)
    throw new BadRequestError(`documents must be a list of 1 to ${MAX_PURGE_DOCUMENTS} SHA-256 hex hashes.`, { field: "documents" });
  value.forEach((hash, i) => {
    if (typeof hash !== "string" || !DOCUMENT_HASH.test(hash))
      throw new BadRequestError(`documents[${i}] is not a SHA-256 hex hash of a document.`, { field: `documents[${i}]` });
  });
  return [...new Set(value.map((hash: string) => hash.toLowerCase()))];
}

function entryList(value: unknown): Array<{ model: string; id: string }> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PURGE_ENTRIES)
    throw new BadRequestError(`entries must be a list of 1 to ${MAX_PURGE_ENTRIES} { "model", "id" } objects.`, { field: "entries" });
  const seen = new Set<string>();
  const out: Array<{ model: string; id: string }> = [];
  value.forEach((entry, i) => {
    const { model, id, ...rest } = (entry ?? {}) as { model?: unknown; id?: unknown };
    if (typeof entry !== "object" || entry === null || Array.isArray(entry) || Object.keys(rest).length > 0)
      throw new BadRequestError(`entries[${i}] must be { "model", "id" }.`, { field: `entries[${i}]` });
    if (typeof model !== "string" || model === "*" || !NAME.test(model))
      throw new BadRequestError(`entries[${i}].model is not a model name.`, { field: `entries[${i}].model` });
    if (typeof id !== "string" || !ENTRY_ID.test(id))
      throw new BadRequestError(`entries[${i}].id is not an entry id.`, { field: `entries[${i}].id` });
    if (!seen.has(`${model}\n${id}`)) out.push({ model, id });
    seen.add(`${model}\n${id}`);
  });
  return out;
}

/**
 * The authority changes of a purge: the models in the stages, or — with `entries` — each entry in
 * the stages, relations included (what a webhook for that entry invalidates: the answers that read
 * it, and its model's lists); with `documents`, those documents' answers in the stages.
 *
 * @example purgeChanges({ models: ["Post"], stages: "*", entries: [{ model: "Post", id: "p1" }] });
 * // [{ kind: "entries", stages: "*", model: "Post", ids: ["p1"], relations: true }]
 */
export function purgeChanges(scope: PurgeScope): Change[] {
  if (scope.documents) return [{ kind: "documents", stages: scope.stages, hashes: scope.documents }];
  if (!scope.entries) return [{ kind: "model", stages: scope.stages, models: scope.models }];
  const byModel = new Map<string, string[]>();
  for (const { model, id } of scope.entries) byModel.set(model, [...(byModel.get(model) ?? []), id]);
  return [...byModel].map(([model, ids]) => ({ kind: "entries", stages: scope.stages, model, ids, relations: true }));
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
 * `stages` (each absent member: all) for the project and environment — or, with `entries`, only
 * the answers that depend on those entries and their models' lists; with `documents`, only the
 * answers of those documents, any variables, any permissions — by bumping version counters
 * at the project's authority: nothing is enumerated or deleted. Answers once the authority has the
 * change (every location serves fresh answers within its bound, 1.5 s):
 * `200 { purged: { models, stages, entries?, documents? } }`; `404` for an unknown project; `400` naming the field of a
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
    purgeChanges(scope),
    waitUntil,
    adminRecord(
      c,
      "purge",
      {
        models: scope.models,
        stages: scope.stages,
        ...(scope.entries ? { entries: scope.entries } : {}),
        ...(scope.documents ? { documents: scope.documents } : {}),
      },
      purgeTarget(scope),
    ),
  );
  return c.json({ purged: scope }, 200);
});

/** A purge's scope in one line: `models=Post,Author stages=*`. */
function purgeTarget(scope: PurgeScope): string {
  const list = (names: string[] | "*") => (names === "*" ? "*" : names.join(","));
  if (scope.documents) return `documents=${scope.documents.length} stages=${list(scope.stages)}`;
  if (scope.entries) return `entries=${scope.entries.length} models=${list(scope.models)} stages=${list(scope.stages)}`;
  return `models=${list(scope.models)} stages=${list(scope.stages)}`;
}
