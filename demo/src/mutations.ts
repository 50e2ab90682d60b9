/**
 * Mutation resolvers with Hygraph semantics, generated per model: writes change the DRAFT row,
 * `publish` copies DRAFT to PUBLISHED, `unpublish` removes the PUBLISHED row, `delete` removes
 * every stage. Each write is one D1 batch, so it is all-or-nothing, and records the new content
 * of the stage it writes as that stage's next version (versions.ts).
 */
import { GraphQLError } from "graphql";
import { BASE_LOCALE, LOCALES, MODEL_MAP, localeColumn, model, relationColumn, type Locale, type Model, type Stage } from "./models";
import { badInput, connection, resultLocales, type Context, type Resolvers } from "./resolvers";
import { findMany, findUniqueRow, statement, toEntity, type Entity, type ListArgs, type Row } from "./store";
import { deleteVersions, recordVersion } from "./versions";

type Data = Record<string, unknown>;
type LocalizationInput = { locale: Locale; data: Data };

/** A new cuid-like id: 25 lower-case alphanumerics starting with "c", time-ordered. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const rand = [...bytes].map((b) => (b % 36).toString(36)).join("");
  return `c${Date.now().toString(36)}${rand}`.slice(0, 25);
}

const now = () => new Date().toISOString();
const addLocale = (row: Row, l: Locale) => {
  if (!String(row._locales).includes(`,${l},`)) row._locales = `${row._locales || ","}${l},`;
};
const dropLocale = (row: Row, l: Locale) => {
  row._locales = String(row._locales).replace(`,${l},`, ",");
};

/** Makes D1's constraint errors readable, like Hygraph's "value is not unique" message. */
function friendly(e: unknown): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /UNIQUE constraint failed: \w+\.(\w+)/.exec(msg);
  return m ? new GraphQLError(`value is not unique for the field "${m[1]}"`, { extensions: { code: "CONFLICT" } }) : e;
}

async function run(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (!statements.length) return;
  try {
    await db.batch(statements);
  } catch (e) {
    throw friendly(e);
  }
}

/**
 * Writes a whole row, inserting or updating by primary key (id, stage): used for creates, updates
 * and copies between stages. Not `INSERT OR REPLACE`, which would silently delete another entry
 * holding the same unique value instead of failing.
 */
function upsertRow(db: D1Database, m: Model, row: Row): D1PreparedStatement {
  const cols = m.columns.map((c) => `"${c}"`);
  const updates = cols.filter((c) => c !== '"id"' && c !== '"stage"').map((c) => `${c} = excluded.${c}`);
  const sql = `INSERT INTO "${m.name}" (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT (id, stage) DO UPDATE SET ${updates.join(", ")}`;
  return statement(
    db,
    sql,
    m.columns.map((c) => row[c] ?? null),
  );
}

/** Resolves a `connect` target to its id, in DRAFT where writes happen. */
async function connectId(db: D1Database, target: Model, where: Data): Promise<string> {
  const row = await findUniqueRow(db, target, "DRAFT", where);
  if (!row) throw badInput(`No ${target.name} found for connect: ${JSON.stringify(where)}`);
  return String(row.id);
}

/**
 * Applies create/update data to a DRAFT row in memory and returns the extra statements needed
 * for reverse relations (which are stored on the other model's rows).
 */
async function applyData(db: D1Database, m: Model, row: Row, data: Data): Promise<D1PreparedStatement[]> {
  const extra: D1PreparedStatement[] = [];
  for (const [name, f] of m.scalars) {
    if (!(name in data)) continue;
    const v = data[name];
    if (f.localized) row[localeColumn(name, BASE_LOCALE)] = v ?? null;
    else if (f.kind === "StringList") row[name] = JSON.stringify(v ?? []);
    else row[name] = v ?? null;
  }
  for (const [name, rel] of m.relations) {
    const input = data[name] as { connect?: Data | null; disconnect?: boolean | null } | undefined | null;
    if (!input) continue;
    if (input.connect) row[relationColumn(name)] = await connectId(db, model(rel.model), input.connect);
    else if (input.disconnect) row[relationColumn(name)] = null;
  }
  for (const rev of m.reverse) {
    const input = data[rev.name] as { connect?: Data[] | null; disconnect?: Data[] | null; set?: Data[] | null } | undefined | null;
    if (!input) continue;
    const source = model(rev.source.name);
    const set = (ids: string[], value: unknown) =>
      ids.length &&
      extra.push(
        statement(
          db,
          `UPDATE "${source.name}" SET "${rev.column}" = ? WHERE stage = 'DRAFT' AND id IN (${ids.map(() => "?").join(", ")})`,
          [value, ...ids],
        ),
      );
    const ids = async (list: Data[] | null | undefined) => Promise.all((list ?? []).map((w) => connectId(db, source, w)));
    if (input.set) {
      extra.push(
        statement(db, `UPDATE "${source.name}" SET "${rev.column}" = NULL WHERE stage = 'DRAFT' AND "${rev.column}" = ?`, [row.id]),
      );
      set(await ids(input.set), row.id);
    }
    set(await ids(input.disconnect), null);
    set(await ids(input.connect), row.id);
  }
  const loc = data.localizations as
    | {
        create?: LocalizationInput[];
        update?: LocalizationInput[];
        upsert?: { locale: Locale; create: Data; update: Data }[];
        delete?: Locale[];
      }
    | undefined
    | null;
  const write = (l: Locale, d: Data) => {
    addLocale(row, l);
    for (const f of m.localized) if (f in d) row[localeColumn(f, l)] = d[f] ?? null;
  };
  for (const c of loc?.create ?? []) write(c.locale, c.data);
  for (const u of loc?.update ?? []) {
    if (!String(row._locales).includes(`,${u.locale},`)) throw badInput(`${m.name} has no ${u.locale} localization to update`);
    write(u.locale, u.data);
  }
  for (const u of loc?.upsert ?? []) write(u.locale, String(row._locales).includes(`,${u.locale},`) ? u.update : u.create);
  for (const l of loc?.delete ?? []) {
    if (l === BASE_LOCALE) throw badInput(`The base locale ${BASE_LOCALE} cannot be deleted`);
    dropLocale(row, l);
    for (const f of m.localized) row[localeColumn(f, l)] = null;
  }
  return extra;
}

const entity = (ctx: Context, m: Model, row: Row | null, stage: Stage): Entity | null =>
  row ? toEntity(m, row, stage, resultLocales(ctx)) : null;

/** The single-entry operations; the *Many variants reuse them entry by entry. */
function operations(m: Model) {
  const readDraft = (db: D1Database, where: Data) => findUniqueRow(db, m, "DRAFT", where);
  return {
    async create(ctx: Context, data: Data): Promise<Entity | null> {
      const t = now();
      const row: Row = { id: newId(), stage: "DRAFT", createdAt: t, updatedAt: t, publishedAt: null, _locales: `,${BASE_LOCALE},` };
      for (const [name, f] of m.scalars) if (f.kind === "StringList") row[name] = "[]";
      const extra = await applyData(ctx.db, m, row, data);
      await run(ctx.db, [upsertRow(ctx.db, m, row), recordVersion(ctx.db, m, row, t), ...extra]);
      return entity(ctx, m, row, "DRAFT");
    },
    async update(ctx: Context, where: Data, data: Data): Promise<Entity | null> {
      const row = await readDraft(ctx.db, where);
      if (!row) return null;
      const extra = await applyData(ctx.db, m, row, data);
      const t = now();
      row.updatedAt = t;
      await run(ctx.db, [upsertRow(ctx.db, m, row), recordVersion(ctx.db, m, row, t), ...extra]);
      return entity(ctx, m, row, "DRAFT");
    },
    async delete(ctx: Context, where: Data): Promise<Entity | null> {
      const row = (await readDraft(ctx.db, where)) ?? (await findUniqueRow(ctx.db, m, "PUBLISHED", where));
      if (!row) return null;
      const unlink = m.reverse.map((r) =>
        statement(ctx.db, `UPDATE "${r.source.name}" SET "${r.column}" = NULL WHERE "${r.column}" = ?`, [row.id]),
      );
      // A deleted entry takes its versions with it: they are not readable through the API anymore.
      await run(ctx.db, [statement(ctx.db, `DELETE FROM "${m.name}" WHERE id = ?`, [row.id]), deleteVersions(ctx.db, row.id), ...unlink]);
      return entity(ctx, m, row, row.stage as Stage);
    },
    async publish(
      ctx: Context,
      where: Data,
      args: { to: Stage[]; locales?: Locale[] | null; publishBase?: boolean | null; withDefaultLocale?: boolean | null },
    ): Promise<Entity | null> {
      if (args.to.some((s) => s !== "PUBLISHED")) throw badInput("Entries can only be published to PUBLISHED");
      const draft = await readDraft(ctx.db, where);
      if (!draft) return null;
      const t = now();
      draft.publishedAt = t;
      let published: Row = { ...draft, stage: "PUBLISHED" };
      if (args.locales) {
        // Partial publish: only the listed locales (plus the base one) replace published values.
        const old = await findUniqueRow(ctx.db, m, "PUBLISHED", { id: draft.id });
        const locales = new Set<Locale>(args.locales);
        if (args.withDefaultLocale !== false) locales.add(BASE_LOCALE);
        published = old && args.publishBase === false ? { ...old, publishedAt: t } : { ...published, _locales: old?._locales ?? "," };
        if (old) for (const l of LOCALES) for (const f of m.localized) published[localeColumn(f, l)] = old[localeColumn(f, l)] ?? null;
        else for (const l of LOCALES) for (const f of m.localized) published[localeColumn(f, l)] = null;
        for (const l of locales) {
          if (!String(draft._locales).includes(`,${l},`)) continue;
          addLocale(published, l);
          for (const f of m.localized) published[localeColumn(f, l)] = draft[localeColumn(f, l)] ?? null;
        }
      }
      await run(ctx.db, [upsertRow(ctx.db, m, draft), upsertRow(ctx.db, m, published), recordVersion(ctx.db, m, published, t)]);
      return entity(ctx, m, published, "PUBLISHED");
    },
    async unpublish(ctx: Context, where: Data, args: { from: Stage[]; locales?: Locale[] | null }): Promise<Entity | null> {
      if (args.from.some((s) => s !== "PUBLISHED")) throw badInput("Entries can only be unpublished from PUBLISHED");
      const published = await findUniqueRow(ctx.db, m, "PUBLISHED", where);
      const draft = await readDraft(ctx.db, where);
      if (!published) return entity(ctx, m, draft, "DRAFT");
      const rest = LOCALES.filter((l) => String(published._locales).includes(`,${l},`) && !args.locales?.includes(l));
      if (args.locales && rest.length && m.localized.length) {
        for (const l of args.locales) {
          dropLocale(published, l);
          for (const f of m.localized) published[localeColumn(f, l)] = null;
        }
        await run(ctx.db, [upsertRow(ctx.db, m, published), recordVersion(ctx.db, m, published, now())]);
      } else {
        // The PUBLISHED versions stay: they are the entry's publication history.
        await run(ctx.db, [statement(ctx.db, `DELETE FROM "${m.name}" WHERE id = ? AND stage = 'PUBLISHED'`, [published.id])]);
      }
      return entity(ctx, m, draft, "DRAFT");
    },
  };
}

/** Runs one operation for every entry a `*ManyConnection` mutation's where selects. */
async function many(ctx: Context, m: Model, stage: Stage, args: ListArgs, op: (id: string) => Promise<Entity | null>) {
  const targets = await findMany(ctx.db, m, stage, [...LOCALES], args);
  const results: Entity[] = [];
  for (const t of targets) {
    const e = await op(String(t.row.id));
    if (e) results.push(e);
  }
  return connection(results, results.length, 0, () => results.length);
}

/** Builds the Mutation resolvers for every model. */
export function mutationResolvers(): Resolvers {
  const r: Resolvers[string] = {};
  for (const m of MODEL_MAP.values()) {
    const ops = operations(m);
    const n = m.name;
    const p = m.plural;
    r[`create${n}`] = (_: unknown, a: { data: Data }, ctx: Context) => ops.create(ctx, a.data);
    r[`update${n}`] = (_: unknown, a: { where: Data; data: Data }, ctx: Context) => ops.update(ctx, a.where, a.data);
    r[`delete${n}`] = (_: unknown, a: { where: Data }, ctx: Context) => ops.delete(ctx, a.where);
    r[`publish${n}`] = (_: unknown, a: { where: Data; to: Stage[] }, ctx: Context) => ops.publish(ctx, a.where, a);
    r[`unpublish${n}`] = (_: unknown, a: { where: Data; from: Stage[] }, ctx: Context) => ops.unpublish(ctx, a.where, a);
    r[`updateMany${p}Connection`] = (_: unknown, a: ListArgs & { data: Data }, ctx: Context) =>
      many(ctx, m, "DRAFT", a, (id) => ops.update(ctx, { id }, a.data));
    r[`deleteMany${p}Connection`] = (_: unknown, a: ListArgs, ctx: Context) => many(ctx, m, "DRAFT", a, (id) => ops.delete(ctx, { id }));
    r[`publishMany${p}Connection`] = (_: unknown, a: ListArgs & { from?: Stage | null; to: Stage[] }, ctx: Context) =>
      many(ctx, m, a.from ?? "DRAFT", a, (id) => ops.publish(ctx, { id }, a));
    r[`unpublishMany${p}Connection`] = (_: unknown, a: ListArgs & { stage?: Stage | null; from: Stage[] }, ctx: Context) =>
      many(ctx, m, a.stage ?? "DRAFT", a, (id) => ops.unpublish(ctx, { id }, a));
  }
  return { Mutation: r };
}
