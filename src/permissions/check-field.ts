/**
 * The request that asks the origin which entries satisfy a condition (entry-checks.ts), built
 * only from what the origin's schema has. Hygraph's root list fields take `where` (with `id_in`,
 * `OR` and `AND`), `stage`, `locales` and `first`, but another origin's may lack any of them, and
 * a request its schema cannot validate is refused by the forward guard (a 500). So:
 *
 * | the list field lacks | the check request |
 * |---|---|
 * | `id_in` in its where input | names the entries with `OR: [{ id: … }, …]` |
 * | `id_in` and `OR` (or `AND`) | cannot name them: the model is not checkable, and a request that needs a check is a 403 `CONDITION_UNENFORCEABLE` before anything is sent |
 * | `stage` | is in the `gcms-stage` header's stage: entries in another stage cannot be checked, and become `null` |
 * | `locales` | is in the `gcms-locales` header's locales: exact when the model has no `locale` field or the header names only the entry's locale, else the entry becomes `null` |
 * | `first` | is bounded by its filter: at most as many entries as ids are named |
 *
 * Ids are asked for `CHUNK` at a time, one aliased field each: Hygraph caps `first` at 100 and
 * answers 10 entries when `first` is absent (projects since June 2022), so a larger set is never
 * cut short or refused by the origin.
 */
import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  type ArgumentNode,
  type FieldNode,
  type GraphQLField,
  type ObjectFieldNode,
  type ValueNode,
} from "graphql";
import { rootListField, schemaFromKnowledge, type SchemaKnowledge } from "../schema/knowledge";
import { touchKey, type Touch } from "./touches";

/** A stage- or locale-typed argument of the check field (found by type, as the analysis finds them). */
interface ScopeArgument {
  name: string;
  /** Whether it takes a list (`[Locale!]`) rather than one value. */
  list: boolean;
}

/** A model's root list field, as far as a check request can use it. */
export interface CheckField {
  /** The field's name (`authors`). */
  name: string;
  /** How the request names the entries: `id_in: [...]`, or `OR: [{ id }, …]`. */
  ids: "id_in" | "OR";
  /** Its Stage argument, or `null`: the `gcms-stage` header decides. */
  stage: ScopeArgument | null;
  /** Its Locale argument, or `null`: the `gcms-locales` header decides. */
  locales: ScopeArgument | null;
  /** Whether it takes `first: Int`. */
  first: boolean;
}

/** Ids per field: Hygraph's `first` maximum, or its default page size where there is no `first`. */
export const CHUNK = { withFirst: 100, withoutFirst: 10 } as const;

/**
 * The check field of `model`, or `undefined` when its list field cannot name entries by id (no
 * `id_in` and no `OR` of `id`, or no `AND`), has a required argument the check cannot fill, or
 * has more than one stage or locale argument.
 *
 * @example
 * checkFieldOf(knowledge, "Author"); // { name: "authors", ids: "id_in", stage: { name: "stage", list: false }, locales: { name: "locales", list: true }, first: true }
 */
export function checkFieldOf(knowledge: SchemaKnowledge, model: string, schema = schemaFromKnowledge(knowledge)): CheckField | undefined {
  const name = rootListField(knowledge, model);
  const def = name ? schema.getQueryType()?.getFields()[name] : undefined;
  if (!name || !def) return undefined;
  const where = def.args.find((arg) => arg.name === "where");
  const whereType = where ? getNamedType(where.type) : undefined;
  if (!whereType || !isInputObjectType(whereType)) return undefined;
  const inputs = whereType.getFields();
  const isList = (field: string) => Boolean(inputs[field] && isListType(getNullableType(inputs[field].type)));
  if (!isList("AND")) return undefined;
  const ids = isList("id_in") ? "id_in" : inputs["id"] && isList("OR") ? "OR" : undefined;
  if (!ids) return undefined;

  const stage = scopeArguments(def, knowledge.stageEnum);
  const locales = scopeArguments(def, knowledge.localeEnum);
  if (stage.length > 1 || locales.length > 1) return undefined;
  const first = def.args.some((arg) => arg.name === "first" && getNullableType(arg.type).toString() === "Int");
  const filled = new Set(["where", ...(first ? ["first"] : []), ...stage.map((a) => a.name), ...locales.map((a) => a.name)]);
  // A required argument without a default the check does not fill: the origin would refuse the request.
  if (def.args.some((arg) => !filled.has(arg.name) && isNonNullType(arg.type) && arg.defaultValue === undefined)) return undefined;
  return { name, ids, stage: stage[0] ?? null, locales: locales[0] ?? null, first };
}

function scopeArguments(def: GraphQLField<unknown, unknown>, enumName: string | null): ScopeArgument[] {
  return def.args
    .filter((arg) => enumName !== null && getNamedType(arg.type).name === enumName)
    .map((arg) => ({ name: arg.name, list: isListType(getNullableType(arg.type)) }));
}

/** The entries of one touch (model, stage, locale) to check, and its condition as a literal of the field's where type. */
export interface CheckGroup {
  touch: Touch;
  ids: readonly string[];
  condition: ValueNode;
}

/** What the origin applies where the check field has no stage or locale argument: `gcms-stage` and `gcms-locales`. */
export interface HeaderScope {
  stage: string;
  locales: readonly string[];
}

/**
 * The fields (without aliases) that ask which of a group's entries satisfy its condition, or
 * `null` when this field cannot ask it exactly in the group's stage and locale, or only with a
 * read that was not authorised (see the module comment): those entries are then not confirmed.
 *
 * @example
 * checkFields(field, group, { stage: "PUBLISHED", locales: ["en"] }, { localized: true, authorised });
 * // authors(where: { AND: [{ id_in: ["a1"] }, { name: "Ada" }] }, stage: PUBLISHED, locales: [en], first: 1) { id }
 */
export function checkFields(
  field: CheckField,
  group: CheckGroup,
  header: HeaderScope,
  context: { localized: boolean; authorised: ReadonlySet<string> },
): FieldNode[] | null {
  const { touch } = group;
  if (!field.stage && header.stage !== touch.stage) return null;
  if (!field.locales) {
    // The header's locales are what the origin reads in (each a read the guard checks), and the
    // condition is evaluated in the entry's locale only when the header names that one alone.
    if (context.localized && (header.locales.length !== 1 || header.locales[0] !== touch.locale)) return null;
    const reads = header.locales.map((locale) => touchKey({ ...touch, locale }));
    if (!reads.every((key) => context.authorised.has(key))) return null;
  }
  const size = field.first ? CHUNK.withFirst : CHUNK.withoutFirst;
  const fields: FieldNode[] = [];
  for (let start = 0; start < group.ids.length; start += size) {
    const ids = group.ids.slice(start, start + size);
    const args: ArgumentNode[] = [argument("where", object([["AND", list([idFilter(field.ids, ids), group.condition])]]))];
    if (field.stage) args.push(argument(field.stage.name, scopeValue(field.stage, touch.stage)));
    if (field.locales) args.push(argument(field.locales.name, scopeValue(field.locales, touch.locale)));
    if (field.first) args.push(argument("first", { kind: Kind.INT, value: String(ids.length) }));
    fields.push({
      kind: Kind.FIELD,
      name: { kind: Kind.NAME, value: field.name },
      arguments: args,
      selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "id" } }] },
    });
  }
  return fields;
}

const argument = (name: string, value: ValueNode): ArgumentNode => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: name }, value });
const list = (values: ValueNode[]): ValueNode => ({ kind: Kind.LIST, values });
const object = (fields: [string, ValueNode][]): ValueNode => ({
  kind: Kind.OBJECT,
  fields: fields.map(([name, value]): ObjectFieldNode => ({ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: name }, value })),
});
const text = (value: string): ValueNode => ({ kind: Kind.STRING, value });

function idFilter(form: CheckField["ids"], ids: readonly string[]): ValueNode {
  if (form === "id_in") return object([["id_in", list(ids.map(text))]]);
  return object([["OR", list(ids.map((id) => object([["id", text(id)]])))]]);
}

function scopeValue(arg: ScopeArgument, value: string): ValueNode {
  const member: ValueNode = { kind: Kind.ENUM, value };
  return arg.list ? list([member]) : member;
}
