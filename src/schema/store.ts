import { getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { OriginError, StoreUnavailableError } from "../errors";
import { callOrigin, fetcherFor } from "../origin/client";
import { Lru } from "../platform/lru";
import { refKeyPart } from "../projects/key-part";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import { buildSchemaKnowledge, KNOWLEDGE_VERSION, schemaFromKnowledge, type SchemaKnowledge } from "./knowledge";

/** The origin's schema as the gateway knows it: the models map and a graphql-js schema. */
export interface KnownSchema {
  knowledge: SchemaKnowledge;
  schema: GraphQLSchema;
  /** When it was learned from the origin (ms since the epoch). */
  fetchedAt: number;
}

/**
 * How long an isolate uses its copy before re-reading KV, and how old a KV copy may be before it
 * is re-learned from the origin in the background. A schema change is also picked up at once
 * when a query names a field the known schema lacks, and on `POST …/schema/refresh`.
 */
export const SCHEMA_ISOLATE_TTL_MS = 60_000;
export const SCHEMA_MAX_AGE_MS = 10 * 60_000;
/** At most one forced refresh per project per isolate in this window: unknown fields cannot hammer the origin. */
export const SCHEMA_REFRESH_COOLDOWN_MS = 30_000;

interface StoredSchema {
  origin: string;
  fetchedAt: number;
  knowledge: SchemaKnowledge;
}

export interface SchemaStoreDeps {
  kv: KVNamespace;
  serviceOrigins: ReadonlyMap<string, Fetcher>;
  originTimeoutMs: number;
  now?: () => number;
}

/**
 * The KV key of a project's learned schema (each part encoded: `key-part.ts`).
 *
 * @example schemaKey({ projectId: "demo", environment: "master" }); // "schema:demo:master"
 */
export function schemaKey(ref: ProjectRef): string {
  return `schema:${refKeyPart(ref, ":")}`;
}

/**
 * Schemas kept per isolate: a schema (its knowledge and a graphql-js schema) can be a few MiB, and
 * an isolate keeps those of the projects it serves most recently, not one per project ever seen.
 */
const SCHEMA_COPIES_MAX = 100;
const isolateCopies = new Lru<{ known: KnownSchema; origin: string; readAt: number }>({ maxEntries: SCHEMA_COPIES_MAX });
/** Copy ids by reference object: the fast path asks about the same `ref` objects again and again. */
const copyIds = new WeakMap<ProjectRef, string>();
/** Times of the last forced refresh, by project (an LRU too: one small entry per project served). */
const lastForcedRefresh = new Lru<number>({ maxEntries: 1_000 });

/**
 * Returns the project's schema knowledge: from the isolate, else KV, else the origin's
 * introspection (then stored in KV). A copy learned from a different origin URL is ignored, so
 * re-pointing a project re-learns its schema.
 *
 * @example
 * const { knowledge, schema } = await knownSchema(ref, project, deps, ctx.waitUntil.bind(ctx));
 */
export async function knownSchema(
  ref: ProjectRef,
  project: ProjectConfig,
  deps: SchemaStoreDeps,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<KnownSchema> {
  const now = (deps.now ?? Date.now)();
  const id = refKeyPart(ref, ":");
  const copy = isolateCopies.get(id);
  if (copy && copy.origin === project.origin && now - copy.readAt < SCHEMA_ISOLATE_TTL_MS) return copy.known;

  let stored: StoredSchema | null;
  try {
    stored = await deps.kv.get<StoredSchema>(schemaKey(ref), "json");
  } catch {
    throw new StoreUnavailableError("The schema store cannot be read; try again shortly.");
  }
  // A copy learned from another origin URL, or stored by a gateway with another knowledge shape, is re-learned.
  if (!stored || stored.origin !== project.origin || stored.knowledge?.version !== KNOWLEDGE_VERSION)
    return refreshSchema(ref, project, deps);
  const known = remember(id, project.origin, stored, now);
  if (now - stored.fetchedAt > SCHEMA_MAX_AGE_MS) waitUntil(refreshSchema(ref, project, deps).catch(() => undefined));
  return known;
}

/**
 * The schema as this isolate or KV knows it now, without asking the origin and without keeping a
 * copy: what the admin explain decides with. `null` when it has not been learned (for this origin).
 *
 * @throws StoreUnavailableError (503) when KV cannot be read.
 */
export async function peekSchema(ref: ProjectRef, project: ProjectConfig, kv: KVNamespace): Promise<KnownSchema | null> {
  const copy = isolateCopies.peek(refKeyPart(ref, ":"));
  if (copy && copy.origin === project.origin) return copy.known;
  let stored: StoredSchema | null;
  try {
    stored = await kv.get<StoredSchema>(schemaKey(ref), "json");
  } catch {
    throw new StoreUnavailableError("The schema store cannot be read; try again shortly.");
  }
  if (!stored || stored.origin !== project.origin || stored.knowledge?.version !== KNOWLEDGE_VERSION) return null;
  return { knowledge: stored.knowledge, schema: schemaFromKnowledge(stored.knowledge), fetchedAt: stored.fetchedAt };
}

/**
 * The hash of the schema this isolate would decide with right now — its copy, for the same
 * origin, read within {@link SCHEMA_ISOLATE_TTL_MS} — or `undefined` when `knownSchema` would have
 * to look further (no promise: the hit path's fast check).
 */
export function currentSchemaHash(ref: ProjectRef, origin: string, now = Date.now()): string | undefined {
  let id = copyIds.get(ref);
  if (id === undefined) copyIds.set(ref, (id = refKeyPart(ref, ":")));
  // `peek`: recency is kept by `knownSchema`, which the project's misses and decisions reach.
  const copy = isolateCopies.peek(id);
  return copy && copy.origin === origin && now - copy.readAt < SCHEMA_ISOLATE_TTL_MS ? copy.known.knowledge.schemaHash : undefined;
}

/**
 * Re-learns the schema from the origin now and stores it. With `force: "if-cooled-down"`, does
 * nothing (returns `null`) when this isolate already refreshed the project within the cooldown.
 */
export async function refreshSchema(ref: ProjectRef, project: ProjectConfig, deps: SchemaStoreDeps): Promise<KnownSchema>;
export async function refreshSchema(
  ref: ProjectRef,
  project: ProjectConfig,
  deps: SchemaStoreDeps,
  force: "if-cooled-down",
): Promise<KnownSchema | null>;
export async function refreshSchema(
  ref: ProjectRef,
  project: ProjectConfig,
  deps: SchemaStoreDeps,
  force?: "if-cooled-down",
): Promise<KnownSchema | null> {
  const now = (deps.now ?? Date.now)();
  const id = refKeyPart(ref, ":");
  if (force && now - (lastForcedRefresh.get(id) ?? -Infinity) < SCHEMA_REFRESH_COOLDOWN_MS) return null;
  lastForcedRefresh.set(id, now);
  const knowledge = buildSchemaKnowledge(await introspect(project, deps));
  const stored: StoredSchema = { origin: project.origin, fetchedAt: now, knowledge };
  try {
    await deps.kv.put(schemaKey(ref), JSON.stringify(stored));
  } catch {
    // The isolate copy still serves; the next isolate re-learns it.
  }
  return remember(id, project.origin, stored, now);
}

function remember(id: string, origin: string, stored: StoredSchema, now: number): KnownSchema {
  const known: KnownSchema = { knowledge: stored.knowledge, schema: schemaFromKnowledge(stored.knowledge), fetchedAt: stored.fetchedAt };
  isolateCopies.set(id, { known, origin, readAt: now });
  return known;
}

async function introspect(project: ProjectConfig, deps: SchemaStoreDeps): Promise<IntrospectionQuery> {
  const headers = new Headers({ "content-type": "application/json", accept: "application/json" });
  if (project.originToken) headers.set("authorization", `Bearer ${project.originToken}`);
  const answer = await callOrigin({
    url: project.origin,
    body: JSON.stringify({ query: getIntrospectionQuery() }),
    headers,
    timeoutMs: deps.originTimeoutMs,
    fetch: fetcherFor(project.origin, deps.serviceOrigins),
  });
  let result: { data?: IntrospectionQuery } | undefined;
  try {
    result = answer.status === 200 ? (JSON.parse(answer.body) as { data?: IntrospectionQuery }) : undefined;
  } catch {
    result = undefined;
  }
  if (!result?.data?.__schema) {
    throw new OriginError("The origin's schema could not be learned (its introspection failed).", { originStatus: answer.status });
  }
  return result.data;
}
