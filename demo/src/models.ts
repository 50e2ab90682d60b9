/**
 * The single source of truth for the demo origin's content model. The GraphQL schema, the
 * where-filter compiler, the resolvers and the mutation inputs are all generated from this list;
 * adding a model or a field here (plus its column in a migration) is all that is needed.
 */

/** Content stages, as in Hygraph. Writes go to DRAFT; publishing copies to PUBLISHED. */
export const STAGES = ["DRAFT", "PUBLISHED"] as const;
export type Stage = (typeof STAGES)[number];

/** Locales of the project. The first one is the base (default) locale. */
export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];
export const BASE_LOCALE: Locale = LOCALES[0];

/** Scalar kinds a content field can have; each kind has its own where operators. */
export type ScalarKind = "String" | "Int" | "StringList";

/** A scalar content field, stored in one column (or one column per locale when localized). */
export interface ScalarFieldDef {
  kind: ScalarKind;
  /** One value per locale; stored as `<name>_<locale>` columns. */
  localized?: boolean;
  /** Usable in `WhereUniqueInput`; the migration enforces `UNIQUE(column, stage)`. */
  unique?: boolean;
  /** Non-null in the schema and mandatory on create. Only for non-localized fields. */
  required?: boolean;
}

/** A to-one relation stored as `<name>Id` on this model, with a generated reverse list field. */
export interface RelationFieldDef {
  kind: "Relation";
  model: string;
  /** Name of the list field generated on the target model (e.g. `Author.posts`). */
  reverse: string;
}

export type FieldDef = ScalarFieldDef | RelationFieldDef;

/** One model: a name, its plural (for list/connection root fields) and its fields. */
export interface ModelDef {
  name: string;
  plural: string;
  fields: Record<string, FieldDef>;
}

/** The demo project's models. */
export const MODELS: readonly ModelDef[] = [
  {
    name: "Post",
    plural: "Posts",
    fields: {
      title: { kind: "String", localized: true },
      slug: { kind: "String", unique: true, required: true },
      excerpt: { kind: "String", localized: true },
      body: { kind: "String", localized: true },
      tags: { kind: "StringList" },
      readingMinutes: { kind: "Int" },
      author: { kind: "Relation", model: "Author", reverse: "posts" },
    },
  },
  {
    name: "Author",
    plural: "Authors",
    fields: {
      name: { kind: "String", required: true },
      slug: { kind: "String", unique: true, required: true },
      bio: { kind: "String", localized: true },
    },
  },
  {
    name: "Page",
    plural: "Pages",
    fields: {
      title: { kind: "String", localized: true },
      slug: { kind: "String", unique: true, required: true },
      content: { kind: "String", localized: true },
    },
  },
];

/** A reverse (one-to-many) relation seen from its target model: `Author.posts` ← `Post.author`. */
export interface ReverseRelation {
  /** Field name on the target model (`posts`). */
  name: string;
  /** The model holding the foreign key (`Post`). */
  source: ModelDef;
  /** The foreign key column on the source model (`authorId`). */
  column: string;
}

/** A model with its derived facts precomputed, so hot paths never re-derive them. */
export interface Model extends ModelDef {
  scalars: [string, ScalarFieldDef][];
  localized: string[];
  relations: [string, RelationFieldDef][];
  reverse: ReverseRelation[];
  /** Every stored column, in a stable order (used for inserts and copies between stages). */
  columns: string[];
}

/** Lower-camel singular root field name: `Post` → `post`. */
export const singular = (m: ModelDef): string => m.name[0]!.toLowerCase() + m.name.slice(1);
/** Lower-camel plural root field name: `Posts` → `posts`. */
export const plural = (m: ModelDef): string => m.plural[0]!.toLowerCase() + m.plural.slice(1);
/** Column of a localized field for one locale. */
export const localeColumn = (field: string, locale: Locale): string => `${field}_${locale}`;
/** Foreign key column of a to-one relation field. */
export const relationColumn = (field: string): string => `${field}Id`;

/** System columns every model table has, besides its fields. */
export const SYSTEM_COLUMNS = ["id", "stage", "createdAt", "updatedAt", "publishedAt", "_locales"] as const;

function derive(def: ModelDef, all: readonly ModelDef[]): Model {
  const entries = Object.entries(def.fields);
  const scalars = entries.filter((e): e is [string, ScalarFieldDef] => e[1].kind !== "Relation");
  const relations = entries.filter((e): e is [string, RelationFieldDef] => e[1].kind === "Relation");
  const reverse: ReverseRelation[] = [];
  for (const source of all) {
    for (const [name, f] of Object.entries(source.fields)) {
      if (f.kind === "Relation" && f.model === def.name) {
        reverse.push({ name: f.reverse, source, column: relationColumn(name) });
      }
    }
  }
  const columns: string[] = [...SYSTEM_COLUMNS];
  for (const [name, f] of scalars) {
    if (f.localized) columns.push(...LOCALES.map((l) => localeColumn(name, l)));
    else columns.push(name);
  }
  for (const [name] of relations) columns.push(relationColumn(name));
  return {
    ...def,
    scalars,
    localized: scalars.filter(([, f]) => f.localized).map(([n]) => n),
    relations,
    reverse,
    columns,
  };
}

/** All models with derived facts, by name. */
export const MODEL_MAP: ReadonlyMap<string, Model> = new Map(MODELS.map((m) => [m.name, derive(m, MODELS)]));

/** Looks a model up by name; throws on a name that is not in {@link MODELS} (a programming error). */
export function model(name: string): Model {
  const m = MODEL_MAP.get(name);
  if (!m) throw new Error(`unknown model ${name}`);
  return m;
}

export const isStage = (v: unknown): v is Stage => (STAGES as readonly unknown[]).includes(v);
export const isLocale = (v: unknown): v is Locale => (LOCALES as readonly unknown[]).includes(v);
