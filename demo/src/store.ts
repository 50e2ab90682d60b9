/**
 * Reads entries from D1 and turns rows into the entity objects the resolvers work with. Every
 * read goes through here so stage, locale and ordering rules are applied the same way everywhere.
 */
import { GraphQLError } from "graphql";
import { BASE_LOCALE, type Locale, type Model, type Stage } from "./models";
import { compileOrderBy, compileWhere, localeCondition, type Sql } from "./where";

/** A raw table row. */
export type Row = Record<string, unknown>;

/** An entry as seen through one stage and a list of requested locales. */
export interface Entity {
  /** Model name; also how the `Node` interface resolves its concrete type. */
  __typename: string;
  row: Row;
  stage: Stage;
  /** The requested locales, in order; relations of this entry resolve in them too. */
  locales: Locale[];
  /** The locale the localized fields come from: the first requested one the entry has. */
  locale: Locale;
}

/** Pagination and filtering arguments shared by list fields, connections and relation lists. */
export interface ListArgs {
  where?: Record<string, unknown> | null;
  orderBy?: string | null;
  first?: number | null;
  skip?: number | null;
}

/** Entries returned when `first` is not given, like Hygraph's default page size. */
export const DEFAULT_PAGE_SIZE = 100;

/** Does the row have a localization in `locale`? (see the `_locales` column) */
export const rowHasLocale = (row: Row, locale: Locale): boolean => String(row._locales ?? "").includes(`,${locale},`);

/**
 * Wraps a row as an entity, choosing its locale by fallback through `locales`. Returns null when
 * the entry has none of them, which is how such entries are left out of results.
 */
export function toEntity(m: Model, row: Row, stage: Stage, locales: Locale[]): Entity | null {
  let locale: Locale | undefined;
  if (!m.localized.length) locale = locales[0] ?? BASE_LOCALE;
  else locale = locales.find((l) => rowHasLocale(row, l));
  if (!locale) return null;
  return { __typename: m.name, row, stage, locales, locale };
}

/** Caches prepared statements by SQL text per database: the SQL shapes repeat endlessly. */
const prepared = new WeakMap<D1Database, Map<string, D1PreparedStatement>>();

/** Prepares (once) and binds a statement. */
export function statement(db: D1Database, sql: string, params: unknown[] = []): D1PreparedStatement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size > 500) cache.clear(); // bound memory if queries are very varied
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return params.length ? stmt.bind(...params) : stmt;
}

function checkPaging(args: ListArgs): { limit: number; offset: number } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  const skip = args.skip ?? 0;
  if (first < 0 || skip < 0) throw new GraphQLError("`first` and `skip` must not be negative");
  return { limit: first, offset: skip };
}

function filter(m: Model, stage: Stage, locales: Locale[], where: ListArgs["where"], extra?: Sql): Sql {
  const w = compileWhere(m, where, "t", locales);
  const sql = `t.stage = ? AND ${localeCondition(m, "t", locales)} AND ${w.sql}${extra ? ` AND ${extra.sql}` : ""}`;
  return { sql, params: [stage, ...w.params, ...(extra?.params ?? [])] };
}

/**
 * Lists entries in a stage and locales. `extra` adds a condition on alias `t` (used for relation
 * lists). `lookahead` fetches that many rows beyond the page, to tell whether a next page exists.
 */
export async function findMany(
  db: D1Database,
  m: Model,
  stage: Stage,
  locales: Locale[],
  args: ListArgs,
  extra?: Sql,
  lookahead = 0,
): Promise<Entity[]> {
  const { limit, offset } = checkPaging(args);
  const f = filter(m, stage, locales, args.where, extra);
  const sql = `SELECT t.* FROM "${m.name}" t WHERE ${f.sql} ORDER BY ${compileOrderBy(m, args.orderBy, "t", locales)} LIMIT ? OFFSET ?`;
  const { results } = await statement(db, sql, [...f.params, limit + lookahead, offset]).all<Row>();
  return results.map((r) => toEntity(m, r, stage, locales)!);
}

/** Counts the entries a where filter matches in a stage and locales (for `aggregate.count`). */
export async function countMany(db: D1Database, m: Model, stage: Stage, locales: Locale[], where: ListArgs["where"]): Promise<number> {
  const f = filter(m, stage, locales, where);
  const row = await statement(db, `SELECT COUNT(*) AS n FROM "${m.name}" t WHERE ${f.sql}`, f.params).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Condition for a `WhereUniqueInput`: every given unique field must match. */
export function uniqueCondition(m: Model, where: Record<string, unknown>): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [k, v] of Object.entries(where)) {
    if (v === undefined || v === null) continue;
    if (k !== "id" && !m.scalars.some(([n, f]) => n === k && f.unique)) throw new GraphQLError(`"${k}" is not a unique field of ${m.name}`);
    parts.push(`t."${k}" = ?`);
    params.push(v);
  }
  if (!parts.length) throw new GraphQLError(`${m.name}WhereUniqueInput needs at least one value`);
  return { sql: parts.join(" AND "), params };
}

/** Reads the raw row of a unique entry in one stage, whatever its locales. */
export async function findUniqueRow(db: D1Database, m: Model, stage: Stage, where: Record<string, unknown>): Promise<Row | null> {
  const u = uniqueCondition(m, where);
  return statement(db, `SELECT t.* FROM "${m.name}" t WHERE t.stage = ? AND ${u.sql}`, [stage, ...u.params]).first<Row>();
}

/** Reads a unique entry in a stage and locales. */
export async function findUnique(
  db: D1Database,
  m: Model,
  stage: Stage,
  locales: Locale[],
  where: Record<string, unknown>,
): Promise<Entity | null> {
  const row = await findUniqueRow(db, m, stage, where);
  return row ? toEntity(m, row, stage, locales) : null;
}
/**
 * The list of a reverse relation (`Author.posts`) for many parents in one query: rows are
 * numbered per parent with a window function so `first`/`skip` apply to each parent's list.
 */
async function findChildren(
  db: D1Database,
  m: Model,
  column: string,
  stage: Stage,
  locales: Locale[],
  args: ListArgs,
  parentIds: string[],
): Promise<Map<string, Entity[]>> {
  const { limit, offset } = checkPaging(args);
  const f = filter(m, stage, locales, args.where, { sql: `t."${column}" IN (${parentIds.map(() => "?").join(", ")})`, params: parentIds });
  const order = compileOrderBy(m, args.orderBy, "t", locales);
  const sql = `SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t."${column}" ORDER BY ${order}) AS _rn FROM "${m.name}" t WHERE ${f.sql}) WHERE _rn > ? AND _rn <= ? ORDER BY "${column}", _rn`;
  const { results } = await statement(db, sql, [...f.params, offset, offset + limit]).all<Row>();
  const out = new Map<string, Entity[]>();
  for (const r of results) {
    const key = String(r[column]);
    const list = out.get(key) ?? [];
    list.push(toEntity(m, r, stage, locales)!);
    out.set(key, list);
  }
  return out;
}

interface Batch {
  waiting: Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }[]>;
}

/**
 * Batches look-ups within one request (avoiding N+1 queries): loads with the same batch key that
 * are issued in the same tick — graphql-js resolves all items of a list synchronously — become
 * one `IN (...)` query. Used for to-one relations, reverse relation lists, node, nodes and history.
 */
export class Loader {
  private batches = new Map<string, Batch>();

  constructor(private readonly db: D1Database) {}

  /**
   * Queues a look-up of `key`; every key queued under the same `batchKey` in this tick is fetched
   * by one call of `fetch`. Keys `fetch` does not return resolve to `missing`.
   */
  batch<T>(batchKey: string, key: string, fetch: (keys: string[]) => Promise<Map<string, T>>, missing: T): Promise<T> {
    let pending = this.batches.get(batchKey);
    if (!pending) {
      const b: Batch = { waiting: new Map() };
      pending = b;
      this.batches.set(batchKey, b);
      queueMicrotask(() => {
        this.batches.delete(batchKey);
        fetch([...b.waiting.keys()]).then(
          (found) => b.waiting.forEach((ws, k) => ws.forEach((w) => w.resolve(found.get(k) ?? missing))),
          (e: unknown) => b.waiting.forEach((ws) => ws.forEach((w) => w.reject(e))),
        );
      });
    }
    const waiting = pending.waiting;
    return new Promise<T>((resolve, reject) => {
      const ws = waiting.get(key) ?? [];
      ws.push({ resolve: resolve as (v: unknown) => void, reject });
      waiting.set(key, ws);
    });
  }

  /** Loads one entry by id; null when it does not exist in that stage and locales. */
  load(m: Model, stage: Stage, locales: Locale[], id: string): Promise<Entity | null> {
    return this.batch(
      `one|${m.name}|${stage}|${locales.join(",")}`,
      id,
      async (ids) => {
        const sql = `SELECT t.* FROM "${m.name}" t WHERE t.stage = ? AND t.id IN (${ids.map(() => "?").join(", ")}) AND ${localeCondition(m, "t", locales)}`;
        const { results } = await statement(this.db, sql, [stage, ...ids]).all<Row>();
        return new Map(results.map((r) => [String(r.id), toEntity(m, r, stage, locales)]));
      },
      null,
    );
  }

  /** Loads the entries of model `m` whose `column` points at `parentId` (a reverse relation list). */
  children(m: Model, column: string, stage: Stage, locales: Locale[], args: ListArgs, parentId: string): Promise<Entity[]> {
    const key = `many|${m.name}|${column}|${stage}|${locales.join(",")}|${JSON.stringify(args)}`;
    return this.batch(key, parentId, (ids) => findChildren(this.db, m, column, stage, locales, args, ids), []);
  }
}
