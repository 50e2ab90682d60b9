/**
 * Default-deny classification of the input fields of an origin schema: what the origin *evaluates*
 * when an argument holds a field (SPEC §3a "Arguments are reads too"). A filter is a read of the
 * data it compares, so every input field is one of:
 *
 * | family (Hygraph)                                                       | access        |
 * |------------------------------------------------------------------------|---------------|
 * | scalars and enums (`title_starts_with`, `id_in`, `orderBy` enums, …)   | value         |
 * | `AND` / `OR` / `NOT`, component filters (`seo: SeoWhereInput`), union   | nested        |
 * | filters (`blocks_some: PageBlocksWhereInput`), comparators, other input |               |
 * | objects that filter no model                                            |               |
 * | relation filters (`author`, `posts_some/every/none`), union members     | relation      |
 * | (`Post: PostWhereInput`), `createdBy/updatedBy/publishedBy` (User),     |               |
 * | `scheduledIn_*` (ScheduledOperation), `connect`/`set` in mutation data |               |
 * | `documentInStages_some/every/none` (an input holding the stage enum)   | stages        |
 * | `create`/`update`/`upsert`/`delete` in a relation's `…InlineInput`    | write         |
 *
 * A nested write in mutation data (`createPost(data: { author: { create: { … } } })`) writes the
 * related model: the analysis counts its actions too, so a writer of Post cannot create Authors.
 *
 * `value` compares the entry's own data (covered by the read of the field holding the argument);
 * `nested` is walked in the same entry; `relation` reads entries of other models (walked as a
 * filter of those models); `stages` reads the entry's own model in the stages it names, every
 * stage when it names none. An input object type *filters a model* when it is the `where` type of
 * a field returning that model alone, or named `<Model>Where…Input` after a model: a relation can
 * therefore never pass for a component.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLSchema,
} from "graphql";
import { rootListField, type SchemaKnowledge } from "./knowledge";

/** How the permission analysis treats one input field (see the module comment). */
export type InputFieldAccess =
  | { kind: "value" }
  | { kind: "nested" }
  | { kind: "relation"; models: string[] }
  | { kind: "stages" }
  | { kind: "write"; actions: NestedWriteAction[]; models: string[] };

/** What a nested write in mutation data does to the related model (`create`, `update`, `upsert`, `delete`). */
export type NestedWriteAction = "create" | "update" | "delete";

/** Input object type → field name → access; built once per schema. */
export type InputAccessTable = ReadonlyMap<string, ReadonlyMap<string, InputFieldAccess>>;

const INLINE_NAME = /^(.+?)(Create|Update)(One|Many)InlineInput$/;
const NESTED_WRITES: Record<string, NestedWriteAction[]> = {
  create: ["create"],
  update: ["update"],
  upsert: ["create", "update"],
  delete: ["delete"],
};
const WHERE_NAME = /^(.+?)(Where|ManyWhere)(Unique|Stage|Comparator)?Input$/;
const tables = new WeakMap<SchemaKnowledge, { schema: GraphQLSchema; table: InputAccessTable; filtered: ReadonlyMap<string, string[]> }>();

/**
 * The classification of every input field of `schema`, memoized per knowledge object.
 *
 * @example
 * const table = inputAccess(knowledge, schema);
 * table.get("PostWhereInput")?.get("author"); // { kind: "relation", models: ["Author"] }
 * table.get("PostWhereInput")?.get("documentInStages_some"); // { kind: "stages" }
 */
export function inputAccess(knowledge: SchemaKnowledge, schema: GraphQLSchema): InputAccessTable {
  return build(knowledge, schema).table;
}

/**
 * The models an input object type filters (`PostWhereInput` → `["Post"]`), or `[]` when it filters
 * none (a component's filter, a comparator, mutation data).
 *
 * @example filteredModels(knowledge, schema, "AuthorWhereInput"); // ["Author"]
 */
export function filteredModels(knowledge: SchemaKnowledge, schema: GraphQLSchema, inputType: string): string[] {
  return build(knowledge, schema).filtered.get(inputType) ?? [];
}

function build(knowledge: SchemaKnowledge, schema: GraphQLSchema) {
  const known = tables.get(knowledge);
  if (known && known.schema === schema) return known;
  const filtered = filteredTypes(knowledge, schema);
  const table = new Map<string, Map<string, InputFieldAccess>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type) || type.name.startsWith("__")) continue;
    const fields = new Map<string, InputFieldAccess>();
    for (const field of Object.values(type.getFields())) fields.set(field.name, classifyInputField(knowledge, filtered, type, field));
    table.set(type.name, fields);
  }
  const built = { schema, table, filtered };
  tables.set(knowledge, built);
  return built;
}

/** Input object type → the models it filters: `where` types of single-model fields, then `<Model>Where…Input` names. */
function filteredTypes(knowledge: SchemaKnowledge, schema: GraphQLSchema): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (type: string, models: readonly string[]) => {
    let set = out.get(type);
    if (!set) out.set(type, (set = new Set()));
    models.forEach((m) => set.add(m));
  };
  for (const fields of Object.values(knowledge.types))
    for (const field of Object.values(fields)) if (field.where && field.models.length > 0) add(field.where, field.models);
  const models = new Set(knowledge.models);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    const match = WHERE_NAME.exec(type.name);
    // `PostWhereStageInput` and `PostWhereComparatorInput` compare the entry with itself in another
    // stage (the `stages` family), they do not reach another model.
    if (match && models.has(match[1]!) && match[3] !== "Stage" && match[3] !== "Comparator") add(type.name, [match[1]!]);
  }
  return new Map([...out].map(([type, set]) => [type, [...set].sort()]));
}

function classifyInputField(
  knowledge: SchemaKnowledge,
  filtered: ReadonlyMap<string, string[]>,
  parent: GraphQLInputObjectType,
  field: GraphQLInputField,
): InputFieldAccess {
  const inline = INLINE_NAME.exec(parent.name);
  const writes = inline && knowledge.models.includes(inline[1]!) ? NESTED_WRITES[field.name] : undefined;
  if (inline && writes) return { kind: "write", actions: writes, models: [inline[1]!] };
  const named = getNamedType(field.type);
  if (!isInputObjectType(named)) return { kind: "value" };
  if (named === parent) return { kind: "nested" };
  const models = filtered.get(named.name);
  if (models && models.length > 0) return { kind: "relation", models };
  if (isStageComparison(knowledge, named)) return { kind: "stages" };
  return { kind: "nested" };
}

/** Hygraph's `<Model>WhereStageInput`: an input (not a model's filter) with a field of the stage enum. */
function isStageComparison(knowledge: SchemaKnowledge, type: GraphQLInputObjectType): boolean {
  if (!knowledge.stageEnum) return false;
  return Object.values(type.getFields()).some((f) => {
    const named = getNamedType(f.type);
    return isEnumType(named) && named.name === knowledge.stageEnum;
  });
}

/**
 * The `where` input type of a model's own list field on the query root (`Query.assets` →
 * `AssetWhereInput`), which is what a rule condition is written in. Hygraph's `…ManyWhereInput`
 * of the `updateMany…` mutations leaves out localized fields, so the query root comes first; any
 * other list field of the model is the fallback.
 *
 * @example modelListWhere(knowledge, "Asset"); // "AssetWhereInput"
 */
export function modelListWhere(knowledge: SchemaKnowledge, model: string): string | null {
  const rootFields = knowledge.types[knowledge.queryType] ?? {};
  const list = rootListField(knowledge, model);
  if (list) return rootFields[list]!.where;
  const isList = (f: { models: string[]; where: string | null; shape: string }) =>
    f.models.length === 1 && f.models[0] === model && f.where !== null && (f.shape === "list" || f.shape === "connection");
  const own = Object.values(rootFields).find(isList);
  if (own) return own.where;
  for (const fields of Object.values(knowledge.types)) for (const f of Object.values(fields)) if (isList(f)) return f.where;
  return null;
}
