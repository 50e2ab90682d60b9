/**
 * Entry checks: exact condition enforcement where a condition cannot be AND-ed into a `where`
 * (conditions.ts): unique lookups, single relations, `node`, and lists without `where`
 * (`nodes`, unions, `documentInStages`, `localizations`). The origin still does the evaluating:
 *
 * 1. The forwarded document asks, at each such position, for each conditioned model's identity
 *    (`id`, `stage`, `locale`, and `__typename` where the type is abstract) under hidden aliases
 *    with a prefix no response key of the client's document has.
 * 2. The answer's entries at those positions are collected (`collectEntries`), and one more
 *    request asks the origin which of them satisfy the condition in their own stage and locale
 *    (`checkQuery`): `posts(where: { AND: [{ id_in: [...] }, <condition>] }, stage, locales) { id }`,
 *    with only the arguments the model's list field has (check-field.ts).
 * 3. The answer is rewritten (`applyEntryChecks`): an entry that does not satisfy its condition
 *    becomes `null` at a single position and is left out of a list, as if the origin had not
 *    found it (a `null` in a non-null position nulls the nearest nullable parent, as GraphQL
 *    execution does), and every hidden key is removed, so the client sees its own shape.
 *
 * An entry whose identity is missing, or whose stage and locale were not authorised, never
 * passes. Pure: the pipeline (pipeline/checked-origin.ts) does the requests.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { Condition } from "../projects/types";
import type { SchemaKnowledge } from "../schema/knowledge";
import type { TouchCondition } from "./decide";
import { checkFieldOf, checkFields, type HeaderScope } from "./check-field";
import { touchKey, type Touch } from "./touches";

/** What the pipeline needs to check the entries of an answer (part of the memoized decision). */
export interface EntryChecks {
  /** Prefix of the hidden response keys (`<prefix>id`, `<prefix>s`, `<prefix>l`, `<prefix>t`). */
  prefix: string;
  /** The decision's conditions: touch → where. */
  conditions: TouchCondition[];
}

/**
 * One entry found at a checked position; `id` and `stage` are undefined when the answer did not
 * identify it, `locale` when its model has no `locale` field (no localized fields in Hygraph).
 */
export interface EntryRef {
  model: string;
  id: string | undefined;
  stage: string | undefined;
  locale: string | undefined;
}

const field = (alias: string, name: string): FieldNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: alias },
  name: { kind: Kind.NAME, value: name },
});

/** A prefix no response key or field name of the document starts with. */
export function hiddenPrefix(document: DocumentNode): string {
  const keys: string[] = [];
  visit(document, { Field: (node) => void keys.push(node.alias?.value ?? node.name.value, node.name.value) });
  let prefix = "_cev_";
  for (let i = 1; keys.some((key) => key.startsWith(prefix)); i++) prefix = `_cev${i}_`;
  return prefix;
}

/**
 * Whether entries of `model` can be checked: `id` and `stage` fields, and a root list field that
 * can name entries by id (check-field.ts). When not, a position that needs a check is refused.
 *
 * @example
 * checkableModel(knowledge, "Author"); // true: `authors(where: { id_in })`
 */
export function checkableModel(knowledge: SchemaKnowledge, model: string): boolean {
  const fields = knowledge.types[model];
  return Boolean(fields?.["id"] && fields["stage"] && checkFieldOf(knowledge, model));
}

/**
 * The selection set of a checked position, with each conditioned model's identity under hidden
 * aliases (`locale` only for models that have the field).
 */
export function withIdentity(
  set: SelectionSetNode,
  models: readonly string[],
  prefix: string,
  knowledge: SchemaKnowledge,
): SelectionSetNode {
  const identity = models.map((model): SelectionNode => {
    const fields = [field(`${prefix}id`, "id"), field(`${prefix}s`, "stage")];
    if (knowledge.types[model]?.["locale"]) fields.push(field(`${prefix}l`, "locale"));
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: model } },
      selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
    };
  });
  return { ...set, selections: [...set.selections, ...identity] };
}

/** Every field of an abstract type also asks for `__typename` (hidden), so answers can be walked by type. */
export function withTypenames(document: DocumentNode, schema: GraphQLSchema, prefix: string): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const type = typeInfo.getType();
        if (!node.selectionSet || !type || !isAbstractType(getNamedType(type))) return undefined;
        return {
          ...node,
          selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, field(`${prefix}t`, "__typename")] },
        };
      },
    }),
  );
}

/** The forwarded document and answer data to walk. */
export interface AnswerInput {
  schema: GraphQLSchema;
  /** The document as forwarded (with the hidden fields). */
  document: DocumentNode;
  operationName: string | null;
  prefix: string;
  data: unknown;
}

/** Every entry at a checked position of the answer. */
export function collectEntries(input: AnswerInput): EntryRef[] {
  const entries: EntryRef[] = [];
  new AnswerWalk(input, (entry) => (entries.push(entry), true), false).run();
  return entries;
}

/** The answer data with entries that fail `keep` removed (see the module comment) and hidden keys stripped; mutates `data`. */
export function applyEntryChecks(input: AnswerInput, keep: (entry: EntryRef) => boolean): unknown {
  return new AnswerWalk(input, keep, true).run();
}

/** The check request, and how to read its answer. */
export interface CheckQuery {
  document: DocumentNode;
  /** The entries (as `entryKey`s) the check answer's `data` says satisfy their condition. */
  passed: (data: Record<string, unknown>) => Set<string>;
}

/** The key of an identified entry in a touch context: touch key, NUL, id. */
const entryKey = (touch: string, id: string) => `${touch}\u0000${id}`;

/**
 * The touch contexts an entry may be shown in: its own (model, stage, locale), or — for a model
 * without a `locale` field, whose content is the same in every locale — every authorised locale of
 * its model and stage. It stays if it may be shown in one of them.
 */
function contexts(entry: EntryRef, authorised: readonly Touch[]): string[] {
  if (entry.locale !== undefined) return [touchKey({ action: "read", model: entry.model, stage: entry.stage!, locale: entry.locale })];
  return authorised.filter((t) => t.action === "read" && t.model === entry.model && t.stage === entry.stage).map(touchKey);
}

/**
 * Builds the check request for the conditioned, identified, authorised entries among `entries`,
 * or `null` when there are none. `conditionAst` writes a condition as a literal of the model's
 * list `where` type; `header` is the `gcms-stage` / `gcms-locales` the request is sent with. The
 * request uses only the arguments the model's list field has (check-field.ts); entries it cannot
 * ask about exactly are left unconfirmed, so they do not stay.
 *
 * @example
 * const query = checkQuery(knowledge, checks, collectEntries(input), allowed.touches, conditionOf, { stage: "PUBLISHED", locales: ["en"] });
 * print(query.document); // '{ g0: authors(where: { AND: [{ id_in: ["a1"] }, { id: "a1" }] }, stage: PUBLISHED, locales: [en], first: 1) { id } }'
 */
export function checkQuery(
  knowledge: SchemaKnowledge,
  checks: EntryChecks,
  entries: readonly EntryRef[],
  authorised: readonly Touch[],
  conditionAst: (condition: Condition, model: string) => ValueNode,
  header: HeaderScope,
): CheckQuery | null {
  const conditions = new Map(checks.conditions.map((c) => [touchKey(c.touch), c]));
  const allowed = new Set(authorised.map(touchKey));
  const groups = new Map<string, { touch: Touch; where: Condition; ids: Set<string> }>();
  for (const entry of entries) {
    if (entry.id === undefined || entry.stage === undefined) continue;
    for (const key of contexts(entry, authorised)) {
      const condition = conditions.get(key);
      if (!condition || !allowed.has(key)) continue;
      const group = groups.get(key) ?? { touch: condition.touch, where: condition.where, ids: new Set<string>() };
      group.ids.add(entry.id);
      groups.set(key, group);
    }
  }

  /** Each field of the request, by alias `g<i>`, and the group (touch key) it answers for. */
  const asked: string[] = [];
  const selections: FieldNode[] = [];
  for (const [key, { touch, where, ids }] of groups) {
    const field = checkFieldOf(knowledge, touch.model);
    // Not checkable: a position that needs it was refused before forwarding (conditions.ts); unconfirmed anyway.
    if (!field) continue;
    const localized = Boolean(knowledge.types[touch.model]?.["locale"]);
    const group = { touch, ids: [...ids], condition: conditionAst(where, touch.model) };
    for (const node of checkFields(field, group, header, { localized, authorised: allowed }) ?? []) {
      selections.push({ ...node, alias: { kind: Kind.NAME, value: `g${asked.length}` } });
      asked.push(key);
    }
  }
  if (selections.length === 0) return null;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, selectionSet: { kind: Kind.SELECTION_SET, selections } },
    ],
  };
  const passed = (data: Record<string, unknown>) => {
    const out = new Set<string>();
    asked.forEach((key, i) => {
      const found = data[`g${i}`];
      if (Array.isArray(found)) for (const e of found) if (isObject(e) && typeof e["id"] === "string") out.add(entryKey(key, e["id"]));
    });
    return out;
  };
  return { document, passed };
}

/**
 * Whether an entry may stay: it is identified, and in a context it may be shown in (authorised)
 * its model is unconditioned or it is among the `passed` entries. An unidentified entry stays
 * only if its model has no condition at all.
 */
export function entryKeeper(
  checks: EntryChecks,
  authorised: readonly Touch[],
  passed: ReadonlySet<string> = new Set(),
): (entry: EntryRef) => boolean {
  const conditions = new Set(checks.conditions.map((c) => touchKey(c.touch)));
  const conditionedModels = new Set(checks.conditions.map((c) => c.touch.model));
  const allowed = new Set(authorised.map(touchKey));
  return (entry) => {
    if (entry.id === undefined || entry.stage === undefined) return !conditionedModels.has(entry.model);
    const keys = contexts(entry, authorised);
    const id = entry.id;
    return keys.some((key) => allowed.has(key) && (!conditions.has(key) || passed.has(entryKey(key, id))));
  };
}

/** `null` is not allowed where the walk is: the parent must become `null` (GraphQL null propagation). */
const INVALID = Symbol("null in a non-null position");

class AnswerWalk {
  private readonly fragments: Map<string, FragmentDefinitionNode>;

  constructor(
    private readonly input: AnswerInput,
    private readonly keep: (entry: EntryRef) => boolean,
    private readonly mutate: boolean,
  ) {
    this.fragments = new Map(
      input.document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
  }

  run(): unknown {
    const { document, operationName, schema, data } = this.input;
    const operation = document.definitions.find(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (operationName === null || d.name?.value === operationName),
    );
    const root =
      operation?.kind === Kind.OPERATION_DEFINITION
        ? operation.operation === "mutation"
          ? schema.getMutationType()
          : schema.getQueryType()
        : null;
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || !root || !isObject(data)) return data;
    const result = this.object(data, operation.selectionSet.selections, root);
    return result === INVALID ? null : result;
  }

  private object(
    obj: Record<string, unknown>,
    selections: readonly SelectionNode[],
    type: GraphQLCompositeType,
  ): Record<string, unknown> | typeof INVALID {
    const concrete = this.concrete(obj, type);
    // An object the walk cannot type could hide a checked entry: it is not let through.
    if (!concrete) return INVALID;
    const fields = new Map<string, FieldNode[]>();
    this.collect(selections, concrete, fields);
    for (const [key, nodes] of fields) {
      const name = nodes[0]!.name.value;
      const def = concrete.getFields()[name];
      if (!(key in obj) || name.startsWith("__") || !def) continue;
      const checked = nodes.some((node) => this.isChecked(node));
      const value = this.value(
        obj[key],
        def.type,
        nodes.flatMap((node) => node.selectionSet?.selections ?? []),
        checked,
      );
      if (value === INVALID) return INVALID;
      if (this.mutate) obj[key] = value;
    }
    if (this.mutate) for (const key of Object.keys(obj)) if (key.startsWith(this.input.prefix)) delete obj[key];
    return obj;
  }

  private value(value: unknown, type: GraphQLOutputType, selections: readonly SelectionNode[], checked: boolean): unknown {
    if (value === null || value === undefined) return value;
    if (isNonNullType(type)) {
      const inner = this.value(value, type.ofType, selections, checked);
      return inner === null ? INVALID : inner;
    }
    if (isListType(type)) {
      if (!Array.isArray(value)) return value;
      const out: unknown[] = [];
      for (const item of value) {
        if (checked && isObject(item) && !this.keep(this.entryOf(item, getNamedType(type)))) continue;
        const inner = this.value(item, type.ofType, selections, false);
        if (inner === INVALID) return null;
        out.push(inner);
      }
      return this.mutate ? out : value;
    }
    const named = getNamedType(type);
    if (!isObject(value) || !isCompositeType(named)) return value;
    if (checked && !this.keep(this.entryOf(value, named))) return null;
    const inner = this.object(value, selections, named);
    return inner === INVALID ? null : inner;
  }

  private entryOf(obj: Record<string, unknown>, type: GraphQLNamedType): EntryRef {
    const { prefix } = this.input;
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return {
      model: text(obj[`${prefix}t`]) ?? type.name,
      id: text(obj[`${prefix}id`]),
      stage: text(obj[`${prefix}s`]),
      locale: text(obj[`${prefix}l`]),
    };
  }

  private concrete(obj: Record<string, unknown>, type: GraphQLCompositeType): GraphQLObjectType | undefined {
    if (isObjectType(type)) return type;
    const named = obj[`${this.input.prefix}t`];
    const resolved = typeof named === "string" ? this.input.schema.getType(named) : undefined;
    return resolved && isObjectType(resolved) && this.input.schema.isSubType(type, resolved) ? resolved : undefined;
  }

  /** graphql-js's CollectFields, without directives (a skipped field is simply absent from the answer). */
  private collect(
    selections: readonly SelectionNode[],
    type: GraphQLObjectType,
    out: Map<string, FieldNode[]>,
    seen = new Set<string>(),
  ): void {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || this.applies(selection.typeCondition.name.value, type))
          this.collect(selection.selectionSet.selections, type, out, seen);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value) || !this.applies(fragment.typeCondition.name.value, type)) continue;
        seen.add(fragment.name.value);
        this.collect(fragment.selectionSet.selections, type, out, seen);
      }
    }
  }

  private applies(typeName: string, type: GraphQLObjectType): boolean {
    if (typeName === type.name) return true;
    const condition = this.input.schema.getType(typeName);
    return Boolean(condition && isAbstractType(condition) && this.input.schema.isSubType(condition, type));
  }

  /** Whether a field node is a checked position: it asks for the hidden identity. */
  private isChecked(node: FieldNode): boolean {
    const id = `${this.input.prefix}id`;
    return (node.selectionSet?.selections ?? []).some(
      (s) => s.kind === Kind.INLINE_FRAGMENT && s.selectionSet.selections.some((f) => f.kind === Kind.FIELD && f.alias?.value === id),
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
