/**
 * Query and field resolvers, generated per model from {@link MODEL_MAP}: no model has
 * hand-written resolvers. Mutations live in mutations.ts.
 */
import { GraphQLError, Kind, type GraphQLFieldResolver, type GraphQLResolveInfo } from "graphql";
import {
  BASE_LOCALE,
  LOCALES,
  MODEL_MAP,
  isLocale,
  isStage,
  localeColumn,
  model,
  plural,
  relationColumn,
  singular,
  type Locale,
  type Model,
  type Stage,
} from "./models";
import { DEFAULT_PAGE_SIZE, countMany, findMany, findUnique, type Entity, type ListArgs, type Loader } from "./store";
import { findVersion, history, type HistoryArgs } from "./versions";

/** Per-request context: database, batching loader and the stage/locales chosen by headers. */
export interface Context {
  db: D1Database;
  loader: Loader;
  /** From `gcms-stage`; used when a root field has no explicit `stage` argument. */
  headerStage?: Stage;
  /** From `gcms-locales`; used when a root field has no explicit `locales` argument. */
  headerLocales?: Locale[];
}

/** Resolver map in the usual `{ Type: { field: fn } }` shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver knows its own source and args
export type Resolvers = Record<string, Record<string, GraphQLFieldResolver<any, Context, any>>>;

/**
 * Parses the `gcms-stage` / `gcms-locales` request headers; invalid values are ignored. Values are
 * enum values and compared case-sensitively, as Hygraph does: `draft` is not a stage.
 */
export function headerScope(headers: Headers): Pick<Context, "headerStage" | "headerLocales"> {
  const stage = headers.get("gcms-stage")?.trim();
  const locales = (headers.get("gcms-locales") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(isLocale);
  return { headerStage: isStage(stage) ? stage : undefined, headerLocales: locales.length ? locales : undefined };
}

/**
 * Was the argument written in the query (literally or as a provided variable)? graphql-js fills
 * in SDL defaults, so this is the only way to let headers win over an omitted argument, as
 * Hygraph does.
 */
function explicit(info: GraphQLResolveInfo, name: string): boolean {
  const arg = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === name);
  if (!arg) return false;
  return arg.value.kind !== Kind.VARIABLE || arg.value.name.value in info.variableValues;
}

/** The `stage` / `locales` arguments every root query field has. */
export interface RootArgs {
  stage?: Stage | null;
  locales?: Locale[] | null;
}

/** Effective stage and locales of a root field: argument, else header, else PUBLISHED / [en]. */
export function rootScope(args: RootArgs, ctx: Context, info: GraphQLResolveInfo): { stage: Stage; locales: Locale[] } {
  const stage = explicit(info, "stage") ? args.stage : ctx.headerStage;
  const locales = explicit(info, "locales") ? args.locales : ctx.headerLocales;
  return { stage: stage ?? "PUBLISHED", locales: locales?.length ? [...new Set(locales)] : [BASE_LOCALE] };
}

/** The shape a `XConnection` resolves from; `aggregate.count` runs its query only when asked. */
export interface ConnectionValue {
  edges: { node: Entity; cursor: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null; pageSize: number };
  aggregate: { count: () => Promise<number> | number };
}

/** Builds a connection from a page of entities (fetched with one row of lookahead). */
export function connection(page: Entity[], first: number, skip: number, count: () => Promise<number> | number): ConnectionValue {
  const nodes = page.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: String(node.row.id) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.length > first,
      hasPreviousPage: skip > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      pageSize: edges.length,
    },
    aggregate: { count },
  };
}

function queryResolvers(m: Model): Resolvers[string] {
  return {
    [singular(m)]: (_: unknown, args: { where: Record<string, unknown> } & RootArgs, ctx: Context, info: GraphQLResolveInfo) => {
      const { stage, locales } = rootScope(args, ctx, info);
      return findUnique(ctx.db, m, stage, locales, args.where);
    },
    [plural(m)]: (_: unknown, args: ListArgs & RootArgs, ctx: Context, info: GraphQLResolveInfo) => {
      const { stage, locales } = rootScope(args, ctx, info);
      return findMany(ctx.db, m, stage, locales, args);
    },
    [`${plural(m)}Connection`]: async (_: unknown, args: ListArgs & RootArgs, ctx: Context, info: GraphQLResolveInfo) => {
      const { stage, locales } = rootScope(args, ctx, info);
      const page = await findMany(ctx.db, m, stage, locales, args, undefined, 1);
      return connection(page, args.first ?? DEFAULT_PAGE_SIZE, args.skip ?? 0, () => countMany(ctx.db, m, stage, locales, args.where));
    },
    // Stage and locales headers do not apply: the version is named by `where` alone.
    [`${singular(m)}Version`]: (_: unknown, args: { where: { id: string; revision: number; stage: Stage } }, ctx: Context) =>
      findVersion(ctx.db, m, args.where),
  };
}

function scalarResolver(name: string, localized: boolean, list: boolean): GraphQLFieldResolver<Entity, Context> {
  if (localized) return (e) => e.row[localeColumn(name, e.locale)] ?? null;
  if (list) return (e) => JSON.parse(String(e.row[name] ?? "[]")) as unknown;
  return (e) => e.row[name] ?? null;
}

function modelResolvers(m: Model): Resolvers[string] {
  const r: Resolvers[string] = {
    id: (e: Entity) => e.row.id,
    stage: (e: Entity) => e.stage,
    locale: (e: Entity) => e.locale,
    createdAt: (e: Entity) => e.row.createdAt,
    updatedAt: (e: Entity) => e.row.updatedAt,
    publishedAt: (e: Entity) => e.row.publishedAt ?? null,
    documentInStages: async (e: Entity, args: { stages: Stage[]; includeCurrent: boolean; inheritLocale: boolean }, ctx: Context) => {
      const stages = [...new Set(args.stages)].filter((s) => s !== e.stage || args.includeCurrent);
      const locales = args.inheritLocale ? e.locales : [BASE_LOCALE];
      const found = await Promise.all(stages.map((s) => ctx.loader.load(m, s, locales, String(e.row.id))));
      return found.filter((x): x is Entity => x !== null);
    },
    localizations: (e: Entity, args: { locales: Locale[]; includeCurrent: boolean }) =>
      [...new Set(args.locales)]
        .filter((l) => (l !== e.locale || args.includeCurrent) && String(e.row._locales).includes(`,${l},`))
        .map((l): Entity => ({ ...e, locales: [l], locale: l })),
    history: (e: Entity, args: HistoryArgs & { stageOverride?: Stage | null }, ctx: Context) =>
      history(ctx.db, ctx.loader, m, String(e.row.id), args.stageOverride ?? e.stage, args),
  };
  for (const [name, f] of m.scalars) r[name] = scalarResolver(name, !!f.localized, f.kind === "StringList");
  for (const [name, rel] of m.relations) {
    const target = model(rel.model);
    r[name] = (e: Entity, args: { locales?: Locale[] | null }, ctx: Context) => {
      const id = e.row[relationColumn(name)];
      if (typeof id !== "string") return null;
      return ctx.loader.load(target, e.stage, args.locales ?? e.locales, id);
    };
  }
  for (const rev of m.reverse) {
    const source = model(rev.source.name);
    r[rev.name] = (e: Entity, args: ListArgs & { locales?: Locale[] | null }, ctx: Context) =>
      ctx.loader.children(source, rev.column, e.stage, args.locales ?? e.locales, args, String(e.row.id));
  }
  return r;
}

/** Finds an entry by id in any model (ids are unique across models, as in Hygraph). */
async function findNode(ctx: Context, id: string, stage: Stage, locales: Locale[]): Promise<Entity | null> {
  const found = await Promise.all([...MODEL_MAP.values()].map((m) => ctx.loader.load(m, stage, locales, id)));
  return found.find((e) => e !== null) ?? null;
}

/** Builds the resolvers of Query, of every model type and of the Node interface's type lookup. */
export function queryAndModelResolvers(): Resolvers {
  const query: Resolvers[string] = {
    node: (_: unknown, args: { id: string } & RootArgs, ctx: Context, info: GraphQLResolveInfo) => {
      const { stage, locales } = rootScope(args, ctx, info);
      return findNode(ctx, args.id, stage, locales);
    },
    nodes: (_: unknown, args: { ids: string[] } & RootArgs, ctx: Context, info: GraphQLResolveInfo) => {
      const { stage, locales } = rootScope(args, ctx, info);
      return Promise.all(args.ids.map((id) => findNode(ctx, id, stage, locales)));
    },
  };
  const out: Resolvers = { Query: query };
  for (const m of MODEL_MAP.values()) {
    Object.assign(query, queryResolvers(m));
    out[m.name] = modelResolvers(m);
  }
  return out;
}

/** Locales to read a mutation's result in: the requested ones, then any, so it is never hidden. */
export function resultLocales(ctx: Context): Locale[] {
  return [...new Set([...(ctx.headerLocales ?? [BASE_LOCALE]), ...LOCALES])];
}

/** Thrown for invalid input the schema cannot express (e.g. publishing *to* DRAFT). */
export const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
