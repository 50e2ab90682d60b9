/**
 * Which models an input value refers to: the models a `where` filter reaches through relation
 * filters (`posts(where: { author: { name: "Ann" } })` depends on Author too), and the models a
 * mutation's `data` reaches through relation inputs (`connect`, `set`, nested `create`, …). Both
 * are read from the origin's schema: an input type *belongs* to a model when it is the `where`
 * type of one of its fields, or the `data` type of one of its mutations.
 */
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import type { SchemaKnowledge } from "../schema/knowledge";
import { modelListWhere } from "../schema/input-access";

interface Maps {
  /** Input object type → the model it belongs to. */
  owner: Map<string, string>;
  /** Input object type → models owning types within two levels of it (memoized). */
  near: Map<string, Set<string>>;
}

const memo = new WeakMap<SchemaKnowledge, Maps>();

function maps(knowledge: SchemaKnowledge, schema: GraphQLSchema): Maps {
  let m = memo.get(knowledge);
  if (m) return m;
  const owner = new Map<string, string>();
  for (const fields of Object.values(knowledge.types)) {
    for (const field of Object.values(fields)) {
      if (field.where && field.models.length === 1 && !owner.has(field.where)) owner.set(field.where, field.models[0]!);
    }
  }
  const mutationType = schema.getMutationType();
  if (mutationType) {
    for (const [name, mapping] of Object.entries(knowledge.mutations)) {
      if (!mapping.model) continue;
      const data = mutationType.getFields()[name]?.args.find((a) => a.name === "data");
      const type = data ? getNamedType(data.type) : undefined;
      if (type && isInputObjectType(type) && !owner.has(type.name)) owner.set(type.name, mapping.model);
    }
  }
  m = { owner, near: new Map() };
  memo.set(knowledge, m);
  return m;
}

/** Models owning input types within two levels of `type` (`connect: AuthorWhereUniqueInput`, `update: { data: AuthorUpdateInput }`). */
function nearOwners(m: Maps, type: GraphQLInputObjectType): Set<string> {
  const known = m.near.get(type.name);
  if (known) return known;
  const out = new Set<string>();
  let level: GraphQLInputObjectType[] = [type];
  for (let depth = 0; depth <= 2 && level.length; depth++) {
    const next: GraphQLInputObjectType[] = [];
    for (const t of level) {
      const own = m.owner.get(t.name);
      if (own) out.add(own);
      for (const field of Object.values(t.getFields())) {
        const inner = getNamedType(field.type);
        if (isInputObjectType(inner)) next.push(inner);
      }
    }
    level = next;
  }
  m.near.set(type.name, out);
  return out;
}

/**
 * Models other than the filtered one that a coerced `where` value refers to through relation
 * filters (at any depth, through AND/OR/NOT).
 *
 * @example filterModels(knowledge, schema, schema.getType("PostWhereInput"), { author: { name: "Ann" } }); // ["Author"]
 */
export function filterModels(knowledge: SchemaKnowledge, schema: GraphQLSchema, type: GraphQLInputType, value: unknown): string[] {
  const m = maps(knowledge, schema);
  const out = new Set<string>();
  const root = getNamedType(type);
  eachInputObject(type, value, (object) => {
    const own = m.owner.get(object.name);
    if (own && object !== root) out.add(own);
  });
  return [...out].sort();
}

/**
 * Models other than `model` that a rule condition on `model` refers to through relation filters.
 *
 * @example conditionModels(knowledge, schema, "Post", { author: { name: "Ann" } }); // ["Author"]
 */
export function conditionModels(knowledge: SchemaKnowledge, schema: GraphQLSchema, model: string, where: unknown): string[] {
  const type = schema.getType(modelListWhere(knowledge, model) ?? "");
  return type && isInputObjectType(type) ? filterModels(knowledge, schema, type, where).filter((m) => m !== model) : [];
}

/**
 * Models a mutation's coerced `data` may change besides its own entry. Every relation input
 * present in it (at any depth of nested writes) counts with the models its type names within two
 * levels — so `{ author: { disconnect: true } }` counts Author although no Author input is present:
 * a `connect`, `disconnect`, `set` or nested write moves relations on the other side too. Empty
 * when the data sets only the entry's own fields.
 *
 * @example relationTargets(knowledge, schema, schema.getType("PostUpdateInput"), { author: { disconnect: true } }); // ["Author"]
 */
export function relationTargets(knowledge: SchemaKnowledge, schema: GraphQLSchema, type: GraphQLInputType, value: unknown): string[] {
  const m = maps(knowledge, schema);
  const out = new Set<string>();
  eachInputObject(type, value, (object, fields) => {
    const definitions = object.getFields();
    for (const [key, fieldValue] of Object.entries(fields)) {
      const field = definitions[key];
      if (!field || fieldValue === undefined) continue;
      const named = getNamedType(field.type);
      if (isInputObjectType(named)) for (const model of nearOwners(m, named)) out.add(model);
    }
  });
  return [...out].sort();
}

/**
 * Calls `visit` with every input object `value` holds at `type`, at any depth: through non-null and
 * list types and the fields of each object (a field the type does not declare is not followed).
 */
function eachInputObject(
  type: GraphQLInputType,
  value: unknown,
  visit: (type: GraphQLInputObjectType, value: Record<string, unknown>) => void,
): void {
  if (value === null || value === undefined) return;
  let inner = type;
  while (isNonNullType(inner)) inner = inner.ofType;
  if (isListType(inner)) {
    if (Array.isArray(value)) for (const item of value) eachInputObject(inner.ofType, item, visit);
    return;
  }
  if (!isInputObjectType(inner) || typeof value !== "object") return;
  const object = value as Record<string, unknown>;
  visit(inner, object);
  const fields = inner.getFields();
  for (const [key, fieldValue] of Object.entries(object)) {
    const field = fields[key];
    if (field) eachInputObject(field.type, fieldValue, visit);
  }
}
