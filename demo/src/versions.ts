/**
 * Document versions (Hygraph's `history` and `<model>Version`): each write to an entry in a stage
 * records a snapshot of the whole entry in that stage under the next revision of (id, stage), in
 * the `_Version` table (migrations/0003_versions.sql). Mutations add {@link recordVersion} to the
 * same D1 batch as the write, so a version exists exactly when its write happened.
 */
import { GraphQLError } from "graphql";
import { LOCALES, localeColumn, relationColumn, type Model, type Stage } from "./models";
import { rowHasLocale, statement, type Loader, type Row } from "./store";

/** One entry of `history`: enough to ask `<model>Version` for the snapshot. */
export interface VersionInfo {
  id: string;
  stage: Stage;
  revision: number;
  createdAt: string;
}

/** A `DocumentVersion`: the version and the whole document as it was. */
export interface DocumentVersion extends VersionInfo {
  data: Record<string, unknown>;
}

/**
 * The whole entry in its stage as plain JSON: system fields, non-localized fields, to-one
 * relations as `{ id }` (or null), and `localizations` with one object per locale the entry has,
 * in project locale order, holding that locale's localized fields. Reverse relations
 * (`Author.posts`) are stored on the other model and belong to its versions.
 *
 * @example snapshot(model("Page"), row) // { id, stage, createdAt, updatedAt, publishedAt, slug, localizations: [{ locale: "en", title, content }] }
 */
export function snapshot(m: Model, row: Row): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: row.id,
    stage: row.stage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    publishedAt: row.publishedAt ?? null,
  };
  for (const [name, f] of m.scalars) {
    if (f.localized) continue;
    doc[name] = f.kind === "StringList" ? JSON.parse(String(row[name] ?? "[]")) : (row[name] ?? null);
  }
  for (const [name] of m.relations) {
    const id = row[relationColumn(name)];
    doc[name] = typeof id === "string" ? { id } : null;
  }
  doc.localizations = LOCALES.filter((l) => rowHasLocale(row, l)).map((locale) => {
    const fields = m.localized.map((f) => [f, row[localeColumn(f, locale)] ?? null]);
    return { locale, ...Object.fromEntries(fields) };
  });
  return doc;
}

/**
 * Records `row` (an entry in `row.stage`, as just written) as the next revision of (id, stage).
 * The revision is computed inside the statement, so concurrent writers never share one.
 */
export function recordVersion(db: D1Database, m: Model, row: Row, createdAt: string): D1PreparedStatement {
  const sql = `INSERT INTO "_Version" (model, id, stage, revision, createdAt, data)
    SELECT ?, ?, ?, COALESCE(MAX(revision), 0) + 1, ?, ? FROM "_Version" WHERE id = ? AND stage = ?`;
  return statement(db, sql, [m.name, row.id, row.stage, createdAt, JSON.stringify(snapshot(m, row)), row.id, row.stage]);
}

/** Removes every version of an entry, in every stage (the entry was deleted). */
export const deleteVersions = (db: D1Database, id: unknown): D1PreparedStatement =>
  statement(db, `DELETE FROM "_Version" WHERE id = ?`, [id]);

/** Paging of `history`: Hygraph's `limit` (default 10) and `skip` (default 0). */
export interface HistoryArgs {
  limit: number;
  skip: number;
}

function checkHistoryArgs(args: HistoryArgs): void {
  if (args.limit < 0 || args.skip < 0) {
    throw new GraphQLError("`limit` and `skip` must not be negative", { extensions: { code: "BAD_USER_INPUT" } });
  }
}

/** The versions of many entries in one stage, newest first, paged per entry (one query). */
async function findHistories(
  db: D1Database,
  m: Model,
  stage: Stage,
  ids: string[],
  args: HistoryArgs,
): Promise<Map<string, VersionInfo[]>> {
  const sql = `SELECT id, stage, revision, createdAt FROM (
      SELECT v.id, v.stage, v.revision, v.createdAt, ROW_NUMBER() OVER (PARTITION BY v.id ORDER BY v.revision DESC) AS _rn
      FROM "_Version" v WHERE v.model = ? AND v.stage = ? AND v.id IN (${ids.map(() => "?").join(", ")}))
    WHERE _rn > ? AND _rn <= ? ORDER BY id, _rn`;
  const { results } = await statement(db, sql, [m.name, stage, ...ids, args.skip, args.skip + args.limit]).all<VersionInfo>();
  const out = new Map<string, VersionInfo[]>();
  for (const v of results) out.set(v.id, [...(out.get(v.id) ?? []), v]);
  return out;
}

/**
 * `history` of one entry in `stage`, newest first. Entries listed together are batched into one
 * query by the request's {@link Loader}.
 */
export function history(db: D1Database, loader: Loader, m: Model, id: string, stage: Stage, args: HistoryArgs): Promise<VersionInfo[]> {
  checkHistoryArgs(args);
  const key = `history|${m.name}|${stage}|${args.limit}|${args.skip}`;
  return loader.batch(key, id, (ids) => findHistories(db, m, stage, ids, args), []);
}

/** `<model>Version`: the snapshot of (id, stage, revision) of an entry of model `m`, or null. */
export async function findVersion(
  db: D1Database,
  m: Model,
  where: { id: string; stage: Stage; revision: number },
): Promise<DocumentVersion | null> {
  const sql = `SELECT id, stage, revision, createdAt, data FROM "_Version" WHERE model = ? AND id = ? AND stage = ? AND revision = ?`;
  const row = await statement(db, sql, [m.name, where.id, where.stage, where.revision]).first<VersionInfo & { data: string }>();
  return row ? { ...row, data: JSON.parse(row.data) as Record<string, unknown> } : null;
}
