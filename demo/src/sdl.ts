/**
 * Generates the Hygraph-style GraphQL SDL from {@link MODELS}. The output is plain SDL text so it
 * can be read, diffed and printed; resolvers are attached separately (schema.ts).
 */
import { LOCALES, MODEL_MAP, STAGES, plural, singular, type Model, type ScalarFieldDef } from "./models";
import { GRAPHQL_SCALAR, OPERATORS } from "./operators";

/** Hygraph's `history` field, on every model type. */
const HISTORY = "history(limit: Int! = 10, skip: Int! = 0, stageOverride: Stage): [Version!]!";

/** An SDL type definition: `head { field… }`, one field per line. */
const block = (head: string, fields: string[]) => `${head} {\n${fields.map((f) => `  ${f}`).join("\n")}\n}`;

/** Types of Hygraph's version families: `history` lists `Version`s, `<model>Version` reads one. */
const VERSION_TYPES = [
  `"""Raw JSON value"""\nscalar Json`,
  `"""A version of a document in a stage; its id, revision and stage are what \`<model>Version\` takes."""\n` +
    block("type Version", ["id: ID!", "stage: Stage!", "revision: Int!", "createdAt: DateTime!"]),
  block("input VersionWhereInput", ["id: ID!", "revision: Int!", "stage: Stage!"]),
  `"""One version of a document; \`data\` is the whole document as it was in that stage (every field, every localization)."""\n` +
    block("type DocumentVersion", ["id: ID!", "stage: Stage!", "revision: Int!", "data: Json", "createdAt: DateTime!"]),
];

/** Root-field arguments that choose stage and locales (defaults come from headers when omitted). */
const STAGE_LOCALES = `stage: Stage! = PUBLISHED, locales: [Locale!]! = [${LOCALES[0]}]`;

function fieldType(f: ScalarFieldDef): string {
  if (f.kind === "StringList") return "[String!]!";
  const t = GRAPHQL_SCALAR[f.kind];
  return f.required && !f.localized ? `${t}!` : t;
}

/** Where input fields: system fields, scalars with their operators, relation filters, AND/OR/NOT. */
function whereInput(m: Model, name: string, withRelations: boolean): string {
  const lines: string[] = [];
  const add = (field: string, kind: keyof typeof OPERATORS) => {
    for (const o of OPERATORS[kind]) {
      const t = GRAPHQL_SCALAR[kind];
      lines.push(`  ${field}${o.suffix}: ${o.list ? `[${t}!]` : t}`);
    }
  };
  add("id", "ID");
  for (const f of ["createdAt", "updatedAt", "publishedAt"]) add(f, "DateTime");
  for (const [n, f] of m.scalars) add(n, f.kind);
  if (withRelations) {
    for (const [n, r] of m.relations) lines.push(`  ${n}: ${r.model}WhereInput`);
    for (const r of m.reverse) {
      for (const q of ["some", "every", "none"]) lines.push(`  ${r.name}_${q}: ${r.source.name}WhereInput`);
    }
  }
  for (const l of ["AND", "OR", "NOT"]) lines.push(`  ${l}: [${name}!]`);
  return `"""Filter for ${m.name} entries; all given conditions must hold."""\ninput ${name} {\n${lines.join("\n")}\n}`;
}

function orderByEnum(m: Model): string {
  const fields = ["id", "createdAt", "updatedAt", "publishedAt", ...m.scalars.filter(([, f]) => f.kind !== "StringList").map(([n]) => n)];
  return `enum ${m.name}OrderByInput {\n${fields.map((f) => `  ${f}_ASC\n  ${f}_DESC`).join("\n")}\n}`;
}

const listArgs = (m: Model) => `where: ${m.name}WhereInput, orderBy: ${m.name}OrderByInput, skip: Int, first: Int`;

function objectType(m: Model): string {
  const n = m.name;
  const lines = [
    "  id: ID!",
    "  stage: Stage!",
    `  """The locale the localized fields of this entry were resolved in."""`,
    "  locale: Locale!",
    "  createdAt: DateTime!",
    "  updatedAt: DateTime!",
    "  publishedAt: DateTime",
    `  documentInStages(stages: [Stage!]! = [DRAFT, PUBLISHED], includeCurrent: Boolean! = false, inheritLocale: Boolean! = false): [${n}!]!`,
    `  localizations(locales: [Locale!]! = [${LOCALES.join(", ")}], includeCurrent: Boolean! = false): [${n}!]!`,
  ];
  for (const [name, f] of m.scalars) lines.push(`  ${name}: ${fieldType(f)}`);
  for (const [name, r] of m.relations) lines.push(`  ${name}(locales: [Locale!]): ${r.model}`);
  for (const r of m.reverse) {
    lines.push(`  ${r.name}(${listArgs(r.source as Model)}, locales: [Locale!]): [${r.source.name}!]!`);
  }
  lines.push(`  """List of ${n} versions, newest first, in the entry's stage or \`stageOverride\`."""`, `  ${HISTORY}`);
  return `type ${n} implements Node {\n${lines.join("\n")}\n}`;
}

/** Input types for writes: create/update/updateMany data, relation and localization inputs. */
function writeInputs(m: Model): string {
  const n = m.name;
  const localizedLines = m.localized.map((f) => `  ${f}: String`);
  const out: string[] = [];
  const create = [],
    update = [],
    many = [];
  for (const [name, f] of m.scalars) {
    const t = f.kind === "StringList" ? "[String!]" : GRAPHQL_SCALAR[f.kind];
    create.push(`  ${name}: ${t}${f.required && !f.localized ? "!" : ""}`);
    update.push(`  ${name}: ${t}`);
    if (!f.unique) many.push(`  ${name}: ${t}`);
  }
  for (const [name, r] of m.relations) {
    create.push(`  ${name}: ${r.model}CreateOneInlineInput`);
    update.push(`  ${name}: ${r.model}UpdateOneInlineInput`);
  }
  for (const r of m.reverse) {
    create.push(`  ${r.name}: ${r.source.name}CreateManyInlineInput`);
    update.push(`  ${r.name}: ${r.source.name}UpdateManyInlineInput`);
  }
  if (m.localized.length) {
    create.push(`  localizations: ${n}CreateLocalizationsInput`);
    update.push(`  localizations: ${n}UpdateLocalizationsInput`);
    out.push(
      `input ${n}CreateLocalizationDataInput {\n${localizedLines.join("\n")}\n}`,
      `input ${n}UpdateLocalizationDataInput {\n${localizedLines.join("\n")}\n}`,
      `input ${n}CreateLocalizationInput {\n  data: ${n}CreateLocalizationDataInput!\n  locale: Locale!\n}`,
      `input ${n}UpdateLocalizationInput {\n  data: ${n}UpdateLocalizationDataInput!\n  locale: Locale!\n}`,
      `input ${n}UpsertLocalizationInput {\n  create: ${n}CreateLocalizationDataInput!\n  update: ${n}UpdateLocalizationDataInput!\n  locale: Locale!\n}`,
      `input ${n}CreateLocalizationsInput {\n  create: [${n}CreateLocalizationInput!]\n}`,
      `input ${n}UpdateLocalizationsInput {\n  create: [${n}CreateLocalizationInput!]\n  update: [${n}UpdateLocalizationInput!]\n  upsert: [${n}UpsertLocalizationInput!]\n  delete: [Locale!]\n}`,
    );
  }
  out.push(
    `input ${n}CreateInput {\n${create.join("\n")}\n}`,
    `input ${n}UpdateInput {\n${update.join("\n")}\n}`,
    `input ${n}UpdateManyInput {\n${many.join("\n") || "  _: Boolean"}\n}`,
    `input ${n}CreateOneInlineInput {\n  connect: ${n}WhereUniqueInput\n}`,
    `input ${n}UpdateOneInlineInput {\n  connect: ${n}WhereUniqueInput\n  disconnect: Boolean\n}`,
    `input ${n}CreateManyInlineInput {\n  connect: [${n}WhereUniqueInput!]\n}`,
    `input ${n}UpdateManyInlineInput {\n  connect: [${n}WhereUniqueInput!]\n  disconnect: [${n}WhereUniqueInput!]\n  set: [${n}WhereUniqueInput!]\n}`,
  );
  return out.join("\n\n");
}

function modelTypes(m: Model): string {
  const n = m.name;
  const unique = ["  id: ID", ...m.scalars.filter(([, f]) => f.unique).map(([f]) => `  ${f}: String`)];
  return [
    objectType(m),
    whereInput(m, `${n}WhereInput`, true),
    whereInput(m, `${n}ManyWhereInput`, false),
    `input ${n}WhereUniqueInput {\n${unique.join("\n")}\n}`,
    orderByEnum(m),
    `type ${n}Edge {\n  node: ${n}!\n  cursor: String!\n}`,
    `type ${n}Connection {\n  edges: [${n}Edge!]!\n  pageInfo: PageInfo!\n  aggregate: Aggregate!\n}`,
    writeInputs(m),
  ].join("\n\n");
}

function queryFields(m: Model): string[] {
  const n = m.name;
  return [
    `  ${singular(m)}(where: ${n}WhereUniqueInput!, ${STAGE_LOCALES}): ${n}`,
    `  ${plural(m)}(${listArgs(m)}, ${STAGE_LOCALES}): [${n}!]!`,
    `  ${plural(m)}Connection(${listArgs(m)}, ${STAGE_LOCALES}): ${n}Connection!`,
    `  """One version of a ${n}, whatever its current stage."""`,
    `  ${singular(m)}Version(where: VersionWhereInput!): DocumentVersion`,
  ];
}

function mutationFields(m: Model): string[] {
  const n = m.name;
  const p = m.plural;
  const where = `where: ${n}WhereUniqueInput!`;
  const many = `where: ${n}ManyWhereInput, skip: Int, first: Int`;
  return [
    `  create${n}(data: ${n}CreateInput!): ${n}`,
    `  update${n}(${where}, data: ${n}UpdateInput!): ${n}`,
    `  delete${n}(${where}): ${n}`,
    `  publish${n}(${where}, locales: [Locale!], publishBase: Boolean = true, withDefaultLocale: Boolean = true, to: [Stage!]! = [PUBLISHED]): ${n}`,
    `  unpublish${n}(${where}, from: [Stage!]! = [PUBLISHED], locales: [Locale!], unpublishBase: Boolean = true): ${n}`,
    `  updateMany${p}Connection(${many}, data: ${n}UpdateManyInput!): ${n}Connection!`,
    `  deleteMany${p}Connection(${many}): ${n}Connection!`,
    `  publishMany${p}Connection(${many}, locales: [Locale!], publishBase: Boolean = true, withDefaultLocale: Boolean = true, from: Stage = DRAFT, to: [Stage!]! = [PUBLISHED]): ${n}Connection!`,
    `  unpublishMany${p}Connection(${many}, from: [Stage!]! = [PUBLISHED], stage: Stage = DRAFT, locales: [Locale!], unpublishBase: Boolean = true): ${n}Connection!`,
  ];
}

/** Builds the complete SDL of the demo origin. Pure: same models, same text. */
export function generateSdl(): string {
  const models = [...MODEL_MAP.values()];
  return [
    `"""An ISO-8601 timestamp, e.g. 2024-01-01T10:00:00.000Z."""\nscalar DateTime`,
    `enum Stage {\n${STAGES.map((s) => `  ${s}`).join("\n")}\n}`,
    `enum Locale {\n${LOCALES.map((l) => `  ${l}`).join("\n")}\n}`,
    `"""An object with an ID, in a stage (Hygraph's Node)."""\ninterface Node {\n  id: ID!\n  stage: Stage!\n}`,
    `type PageInfo {\n  hasNextPage: Boolean!\n  hasPreviousPage: Boolean!\n  startCursor: String\n  endCursor: String\n  pageSize: Int\n}`,
    `type Aggregate {\n  count: Int!\n}`,
    ...VERSION_TYPES,
    ...models.map(modelTypes),
    `type Query {\n  node(id: ID!, ${STAGE_LOCALES}): Node\n  nodes(ids: [ID!]!, ${STAGE_LOCALES}): [Node]!\n${models.flatMap(queryFields).join("\n")}\n}`,
    `type Mutation {\n${models.flatMap(mutationFields).join("\n")}\n}`,
  ].join("\n\n");
}
