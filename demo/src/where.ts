/**
 * Compiles Hygraph-style `where` inputs and `orderBy` values into SQLite fragments over the
 * tables of migrations/0001. Values are always bound parameters; identifiers only ever come from
 * the model definitions, never from the request.
 */
import { GraphQLError } from "graphql";
import { MODEL_MAP, localeColumn, model, relationColumn, type Locale, type Model, type ScalarKind } from "./models";
import { OPERATORS, type Operator } from "./operators";

/** A SQL fragment with its positional parameters. */
export interface Sql {
  sql: string;
  params: unknown[];
}

type WhereKey =
  | { type: "scalar"; field: string; kind: ScalarKind | "ID" | "DateTime"; localized: boolean; op: Operator }
  | { type: "relation"; model: string; column: string }
  | { type: "reverse"; source: Model; column: string; quantifier: "some" | "every" | "none" };

/** Where-input keys per model, built once: `title_contains` → how to compile it. */
const KEYS = new Map<string, Map<string, WhereKey>>();
for (const m of MODEL_MAP.values()) {
  const keys = new Map<string, WhereKey>();
  const add = (field: string, kind: ScalarKind | "ID" | "DateTime", localized = false) => {
    for (const op of OPERATORS[kind]) keys.set(field + op.suffix, { type: "scalar", field, kind, localized, op });
  };
  add("id", "ID");
  for (const f of ["createdAt", "updatedAt", "publishedAt"]) add(f, "DateTime");
  for (const [n, f] of m.scalars) add(n, f.kind, !!f.localized);
  for (const [n, r] of m.relations) keys.set(n, { type: "relation", model: r.model, column: relationColumn(n) });
  for (const r of m.reverse) {
    for (const q of ["some", "every", "none"] as const) {
      keys.set(`${r.name}_${q}`, { type: "reverse", source: model(r.source.name), column: r.column, quantifier: q });
    }
  }
  KEYS.set(m.name, keys);
}

/** Tests the `_locales` marker column: does the entry have a localization in `locale`? */
export const hasLocale = (alias: string, locale: Locale): string => `instr(${alias}._locales, ',${locale},') > 0`;

/** The entry exists in one of `locales` (always true for models without localized fields). */
export function localeCondition(m: Model, alias: string, locales: readonly Locale[]): string {
  if (!m.localized.length) return "1";
  return `(${locales.map((l) => hasLocale(alias, l)).join(" OR ")})`;
}

/**
 * Column expression of a field as the API sees it: a localized field resolves to the first of
 * `locales` the entry has (Hygraph's entry-level fallback), so filters and sorting agree with
 * what the resolvers return.
 */
export function fieldExpr(m: Model, alias: string, field: string, locales: readonly Locale[]): string {
  if (!m.localized.includes(field)) return `${alias}."${field}"`;
  const whens = locales.map((l) => `WHEN ${hasLocale(alias, l)} THEN ${alias}."${localeColumn(field, l)}"`);
  return `(CASE ${whens.join(" ")} END)`;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

function scalarCondition(c: string, key: Extract<WhereKey, { type: "scalar" }>, value: unknown): Sql {
  const { op } = key.op;
  if (value === null || value === undefined) {
    if (op === "eq") return { sql: `${c} IS NULL`, params: [] };
    if (op === "not") return { sql: `${c} IS NOT NULL`, params: [] };
    return { sql: "1", params: [] };
  }
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  const like = (pattern: string, negate: boolean): Sql =>
    negate
      ? { sql: `(${c} IS NULL OR ${c} NOT LIKE ? ESCAPE '\\')`, params: [pattern] }
      : { sql: `${c} LIKE ? ESCAPE '\\'`, params: [pattern] };
  const s = likeEscape(String(value));
  switch (op) {
    case "eq":
      return { sql: `${c} = ?`, params: [value] };
    case "not":
      return { sql: `(${c} IS NULL OR ${c} <> ?)`, params: [value] };
    case "in":
      return list.length ? { sql: `${c} IN (${placeholders(list.length)})`, params: list } : { sql: "0", params: [] };
    case "not_in":
      return list.length ? { sql: `(${c} IS NULL OR ${c} NOT IN (${placeholders(list.length)}))`, params: list } : { sql: "1", params: [] };
    case "contains":
      return like(`%${s}%`, false);
    case "not_contains":
      return like(`%${s}%`, true);
    case "starts_with":
      return like(`${s}%`, false);
    case "not_starts_with":
      return like(`${s}%`, true);
    case "ends_with":
      return like(`%${s}`, false);
    case "not_ends_with":
      return like(`%${s}`, true);
    case "lt":
      return { sql: `${c} < ?`, params: [value] };
    case "lte":
      return { sql: `${c} <= ?`, params: [value] };
    case "gt":
      return { sql: `${c} > ?`, params: [value] };
    case "gte":
      return { sql: `${c} >= ?`, params: [value] };
    case "contains_some":
    case "contains_none": {
      const exists = `EXISTS (SELECT 1 FROM json_each(${c}) WHERE value IN (${placeholders(list.length)}))`;
      if (!list.length) return { sql: op === "contains_some" ? "0" : "1", params: [] };
      return { sql: op === "contains_some" ? exists : `NOT ${exists}`, params: list };
    }
    case "contains_all": {
      const distinct = [...new Set(list)];
      if (!distinct.length) return { sql: "1", params: [] };
      return {
        sql: `(SELECT COUNT(DISTINCT value) FROM json_each(${c}) WHERE value IN (${placeholders(distinct.length)})) = ${distinct.length}`,
        params: distinct,
      };
    }
  }
}

/** Joins fragments with a SQL operator; an empty list yields `empty`. */
function join(parts: Sql[], op: "AND" | "OR", empty: string): Sql {
  if (!parts.length) return { sql: empty, params: [] };
  return { sql: `(${parts.map((p) => p.sql).join(` ${op} `)})`, params: parts.flatMap((p) => p.params) };
}

/** Per-compilation counter so nested subqueries get distinct table aliases. */
export interface AliasCounter {
  n: number;
}

/**
 * Compiles a where input for model `m` whose row is `alias`. Relation filters look at related
 * entries in the same stage (`alias.stage`) and locales, as relations resolve.
 */
export function compileWhere(
  m: Model,
  where: Record<string, unknown> | null | undefined,
  alias: string,
  locales: readonly Locale[],
  counter: AliasCounter = { n: 0 },
): Sql {
  if (!where) return { sql: "1", params: [] };
  const keys = KEYS.get(m.name)!;
  const parts: Sql[] = [];
  for (const [k, v] of Object.entries(where)) {
    if (v === undefined) continue;
    if (k === "AND" || k === "OR" || k === "NOT") {
      const subs = ((v as Record<string, unknown>[] | null) ?? []).map((w) => compileWhere(m, w, alias, locales, counter));
      if (k === "AND") parts.push(join(subs, "AND", "1"));
      else if (k === "OR") parts.push(join(subs, "OR", "1"));
      else if (subs.length) parts.push({ sql: `NOT ${join(subs, "OR", "0").sql}`, params: subs.flatMap((s) => s.params) });
      continue;
    }
    const key = keys.get(k);
    if (!key) throw new GraphQLError(`Unknown filter "${k}" on ${m.name}`);
    if (key.type === "scalar") {
      parts.push(scalarCondition(fieldExpr(m, alias, key.field, locales), key, v));
    } else if (key.type === "relation") {
      if (v === null) {
        parts.push({ sql: `${alias}."${key.column}" IS NULL`, params: [] });
        continue;
      }
      const target = model(key.model);
      const a = `r${++counter.n}`;
      const sub = compileWhere(target, v as Record<string, unknown>, a, locales, counter);
      parts.push({
        sql: `EXISTS (SELECT 1 FROM "${target.name}" ${a} WHERE ${a}.id = ${alias}."${key.column}" AND ${a}.stage = ${alias}.stage AND ${localeCondition(target, a, locales)} AND ${sub.sql})`,
        params: sub.params,
      });
    } else {
      const a = `r${++counter.n}`;
      const sub = compileWhere(key.source, (v as Record<string, unknown> | null) ?? {}, a, locales, counter);
      const cond = key.quantifier === "every" ? `NOT ${sub.sql}` : sub.sql;
      const exists = `EXISTS (SELECT 1 FROM "${key.source.name}" ${a} WHERE ${a}."${key.column}" = ${alias}.id AND ${a}.stage = ${alias}.stage AND ${localeCondition(key.source, a, locales)} AND ${cond})`;
      parts.push({ sql: key.quantifier === "some" ? exists : `NOT ${exists}`, params: sub.params });
    }
  }
  return join(parts, "AND", "1");
}

/**
 * ORDER BY clause for an `orderBy` enum value (`title_DESC`), always ending in `id` so that
 * equal sort keys still give a stable, deterministic order. Default: createdAt, then id.
 */
export function compileOrderBy(m: Model, orderBy: string | null | undefined, alias: string, locales: readonly Locale[]): string {
  if (!orderBy) return `${alias}.createdAt ASC, ${alias}.id ASC`;
  const i = orderBy.lastIndexOf("_");
  const field = orderBy.slice(0, i);
  const dir = orderBy.slice(i + 1) === "DESC" ? "DESC" : "ASC";
  if (field === "id") return `${alias}.id ${dir}`;
  return `${fieldExpr(m, alias, field, locales)} ${dir}, ${alias}.id ${dir}`;
}
