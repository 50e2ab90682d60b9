/**
 * Reads entries from D1 and turns rows into the entity objects the resolvers work with. Every
 * read goes through here so stage, locale and ordering rules are applied the same way everywhere.
 */
import { GraphQLError } from "graphql";
import { BASE_LOCALE, type Locale, type Model, type Stage } from "./models";
import { compileOrderBy, compileWhere, hasLocale, localeCondition, type Sql } from "./where";

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
export const rowHasLocale = (row: Row, locale: Locale): boolean =>
  String(row._locales ?? "").includes(`,${locale},`);

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
  db: D1Database, m: Model, stage: Stage, locales: Locale[], args: ListArgs, extra?: Sql, lookahead = 0,
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
export async function findUnique(db: D1Database, m: Model, stage: Stage, locales: Locale[], where: Record<string, unknown>): Promise<Entity | null> {
  const row = await findUniqueRow(db, m, stage, where);
  return row ? toEntity(m, row, stage, locales) : null;
}

/**
 * Batches look-ups by id within one request: all loads for the same model, stage and locales
 * issued in the same tick become one `IN (...)` query (to-one relations, node, nodes).
 */
export class Loader {
  private batches = new Map<string, { m: Model; stage: Stage; locales: Locale[]; ids: Map<string, ((e: Entity | null) => void)[]>; fail: ((e: unknown) => void)[] }>();

  constructor(private readonly db: D1Database) {}

  /** Loads one entry by id; resolves to null when it does not exist in that stage and locales. */
  load(m: Model, stage: Stage, locales: Locale[], id: string): Promise<Entity | null> {
    const key = `${m.name}|${stage}|${locales.join(",")}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { m, stage, locales, ids: new Map(), fail: [] };
      this.batches.set(key, batch);
      const b = batch;
      queueMicrotask(() => {
        this.batches.delete(key);
        void this.run(b);
      });
    }
    const b = batch;
    return new Promise((resolve, reject) => {
      const waiting = b.ids.get(id) ?? [];
      waiting.push(resolve);
      b.ids.set(id, waiting);
      b.fail.push(reject);
    });
  }

  private async run(b: { m: Model; stage: Stage; locales: Locale[]; ids: Map<string, ((e: Entity | null) => void)[]>; fail: ((e: unknown) => void)[] }) {
    try {
      const ids = [...b.ids.keys()];
      const sql = `SELECT t.* FROM "${b.m.name}" t WHERE t.stage = ? AND t.id IN (${ids.map(() => "?").join(", ")}) AND ${localeCondition(b.m, "t", b.locales)}`;
      const { results } = await statement(this.db, sql, [b.stage, ...ids]).all<Row>();
      const byId = new Map(results.map((r) => [String(r.id), r]));
      for (const [id, waiting] of b.ids) {
        const row = byId.get(id);
        const e = row ? toEntity(b.m, row, b.stage, b.locales) : null;
        for (const w of waiting) w(e);
      }
    } catch (e) {
      for (const f of b.fail) f(e);
    }
  }
}

/** SQL testing that alias `t` has `locale` (re-exported for the mutation code). */
export const hasLocaleSql = hasLocale;
