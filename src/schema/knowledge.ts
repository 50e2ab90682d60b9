/**
 * What the gateway knows about an origin's schema, learned from its introspection: the models
 * (object types implementing `Node`, Hygraph's convention), which models every field can return,
 * the stage and locale names, and what each mutation does. The result is plain JSON so it can be
 * stored in KV and shared by isolates; `schemaFromKnowledge` rebuilds a graphql-js schema from it
 * for argument and variable coercion.
 */
import {
  buildClientSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import type { Action } from "../projects/types";
import { fieldClassifier, type FieldAccess } from "./field-access";
import { sha256HexSync } from "../platform/hash";

/**
 * How a field returns its entries, which decides whether a where-filter can be added to it:
 * `list` (a list of entries), `connection` (Relay-style `edges { node }`), `single` (one entry),
 * `other` (entries reached some other way, e.g. a list of lists or an edge), `none` (no entries).
 */
export type FieldShape = "list" | "connection" | "single" | "other" | "none";

export interface FieldKnowledge {
  /** Named return type, after unwrapping lists and non-nulls. */
  type: string;
  /** Models the field can return, sorted; interfaces, unions and connections expanded. */
  models: string[];
  shape: FieldShape;
  /** Input type of its `where` argument, if it has one. */
  where: string | null;
  /** How the permission analysis treats the field; default deny (schema/field-access.ts). */
  access: FieldAccess;
}

/** What a mutation does; `action: null` means its name is not one of Hygraph's forms. */
export interface MutationKnowledge {
  action: Exclude<Action, "read" | "readVersion"> | "upsert" | null;
  model: string | null;
  /** True for the `…Many…Connection` / `…Many…` forms that act on every matching entry. */
  many: boolean;
}

/** Bumped whenever the shape changes, so copies stored in KV by an older gateway are re-learned. */
export const KNOWLEDGE_VERSION = 2;

export interface SchemaKnowledge {
  version: typeof KNOWLEDGE_VERSION;
  /** SHA-256 of the lexicographically sorted SDL: changes exactly when the schema does. */
  schemaHash: string;
  nodeInterface: string | null;
  models: string[];
  stageEnum: string | null;
  stages: string[];
  /** The stage writes go to (`DRAFT` in Hygraph). */
  draftStage: string;
  localeEnum: string | null;
  locales: string[];
  queryType: string;
  mutationType: string | null;
  subscriptionType: string | null;
  /** Object and interface types → field name → what the field returns. */
  types: Record<string, Record<string, FieldKnowledge>>;
  /** Connection types (their `edges` are filtered by the field returning the connection). */
  connectionTypes: string[];
  /** Edge types of connections (their `node` is filtered by the field returning the connection). */
  edgeTypes: string[];
  mutations: Record<string, MutationKnowledge>;
  /** The introspection itself, so a graphql-js schema can be rebuilt for coercion. */
  introspection: IntrospectionQuery;
}

export interface KnowledgeOptions {
  nodeInterface?: string;
  stageEnum?: string;
  localeEnum?: string;
}

const MUTATION_NAME = /^(create|update|upsert|delete|publish|unpublish)(.+)$/;
const MANY_NAME = /^(update|delete|publish|unpublish)Many(.+?)(Connection)?$/;

/**
 * Learns models, field return models, stages, locales and mutation actions from an introspection.
 *
 * @example
 * const knowledge = buildSchemaKnowledge(introspectionFromSchema(buildSchema(sdl)));
 * knowledge.models; // ["Author", "Page", "Post"]
 * knowledge.types.Query.postsConnection; // { type: "PostConnection", models: ["Post"], shape: "connection", where: "PostWhereInput" }
 * knowledge.mutations.publishManyPostsConnection; // { action: "publish", model: "Post", many: true }
 */
export function buildSchemaKnowledge(introspection: IntrospectionQuery, options: KnowledgeOptions = {}): SchemaKnowledge {
  const schema = buildClientSchema(introspection);
  const nodeName = options.nodeInterface ?? "Node";
  const node = schema.getType(nodeName);
  const nodeInterface = node && isInterfaceType(node) ? node : null;
  const models = nodeInterface
    ? schema
        .getImplementations(nodeInterface)
        .objects.map((t) => t.name)
        .sort()
    : [];
  const modelSet = new Set(models);
  const enumValues = (name: string) => {
    const t = schema.getType(name);
    return t && isEnumType(t) ? t.getValues().map((v) => v.name) : null;
  };
  const stageEnum = options.stageEnum ?? "Stage";
  const localeEnum = options.localeEnum ?? "Locale";
  const stages = enumValues(stageEnum);
  const locales = enumValues(localeEnum);

  // Connections are recognised by shape (`edges: [E] { node }`), not by name, so any origin's
  // Relay-style connection is expanded to the models its nodes can be.
  const edgeOf = new Map<string, string>();
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isObjectType(t) || t.name.startsWith("__")) continue;
    const edges = t.getFields()["edges"];
    const edge = edges ? getNamedType(edges.type) : undefined;
    if (edge && isObjectType(edge) && edge.getFields()["node"]) edgeOf.set(t.name, edge.name);
  }
  const edgeTypes = new Set(edgeOf.values());
  const memo = new Map<string, string[]>();
  const modelsOf = (type: GraphQLNamedType, seen = new Set<string>()): string[] => {
    const cached = memo.get(type.name);
    if (cached) return cached;
    if (seen.has(type.name)) return [];
    seen.add(type.name);
    const out = new Set<string>();
    if (modelSet.has(type.name)) out.add(type.name);
    else if (isAbstractType(type)) for (const p of schema.getPossibleTypes(type)) modelsOf(p, seen).forEach((m) => out.add(m));
    else if (isObjectType(type) && (edgeOf.has(type.name) || edgeTypes.has(type.name))) {
      const inner = edgeOf.has(type.name) ? schema.getType(edgeOf.get(type.name)!) : type;
      const nodeField = inner && isObjectType(inner) ? inner.getFields()["node"] : undefined;
      if (nodeField) modelsOf(getNamedType(nodeField.type), seen).forEach((m) => out.add(m));
    }
    const result = [...out].sort();
    memo.set(type.name, result);
    return result;
  };
  const shapeOf = (type: GraphQLOutputType, fieldModels: string[]): FieldShape => {
    if (fieldModels.length === 0) return "none";
    let lists = 0;
    let t: GraphQLOutputType = type;
    while (isListType(t) || isNonNullType(t)) {
      if (isListType(t)) lists++;
      t = t.ofType;
    }
    const named = getNamedType(t);
    if (edgeOf.has(named.name)) return lists === 0 ? "connection" : "other";
    if (edgeTypes.has(named.name)) return "other";
    return lists === 0 ? "single" : lists === 1 ? "list" : "other";
  };

  const classify = fieldClassifier({
    schema,
    models: modelSet,
    stageEnum: stages ? stageEnum : null,
    modelsOf: (t) => modelsOf(t),
    edgeOf,
  });
  const types: Record<string, Record<string, FieldKnowledge>> = {};
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith("__") || !(isObjectType(t) || isInterfaceType(t))) continue;
    const fields: Record<string, FieldKnowledge> = {};
    for (const f of Object.values(t.getFields())) {
      const named = getNamedType(f.type);
      const fieldModels = modelsOf(named);
      const whereArg = f.args.find((a) => a.name === "where");
      const whereType = whereArg ? getNamedType(whereArg.type) : undefined;
      fields[f.name] = {
        type: named.name,
        models: fieldModels,
        shape: shapeOf(f.type, fieldModels),
        where: whereType && isInputObjectType(whereType) ? whereType.name : null,
        access: classify(t, f),
      };
    }
    types[t.name] = fields;
  }

  return {
    version: KNOWLEDGE_VERSION,
    schemaHash: sha256HexSync(printSchema(lexicographicSortSchema(schema))),
    nodeInterface: nodeInterface ? nodeName : null,
    models,
    stageEnum: stages ? stageEnum : null,
    stages: stages ?? [],
    draftStage: stages && !stages.includes("DRAFT") && stages[0] ? stages[0] : "DRAFT",
    localeEnum: locales ? localeEnum : null,
    locales: locales ?? [],
    queryType: schema.getQueryType()?.name ?? "Query",
    mutationType: schema.getMutationType()?.name ?? null,
    subscriptionType: schema.getSubscriptionType()?.name ?? null,
    types,
    connectionTypes: [...edgeOf.keys()].sort(),
    edgeTypes: [...edgeTypes].sort(),
    mutations: mapMutations(schema, types, models),
    introspection,
  };
}

/**
 * Maps each mutation to (action, model) by its name and return type. The model named in the field
 * name (singular, or the plural used by the root list query for `…Many…` forms) must agree with
 * the model the field returns when it returns one; otherwise, and for names that are not one of
 * Hygraph's forms, the mutation is recorded as unknown (`action: null`), which the analysis treats
 * as every write action on every model, so only a principal allowed to do anything may run it.
 */
function mapMutations(schema: GraphQLSchema, types: SchemaKnowledge["types"], models: string[]): Record<string, MutationKnowledge> {
  const mutationType = schema.getMutationType();
  if (!mutationType) return {};
  const query = types[schema.getQueryType()?.name ?? "Query"] ?? {};
  // Plural names come from the root list fields (`posts: [Post!]!` → "Posts"), so irregular
  // plurals configured on the origin (People, Categories) are recognised.
  const plural = new Map<string, string>();
  for (const [name, f] of Object.entries(query)) {
    const only = f.models.length === 1 ? f.models[0] : undefined;
    if (f.shape === "list" && only) plural.set(name.charAt(0).toUpperCase() + name.slice(1), only);
  }
  const out: Record<string, MutationKnowledge> = {};
  for (const name of Object.keys(mutationType.getFields())) {
    const returned = types[mutationType.name]?.[name]?.models ?? [];
    const many = MANY_NAME.exec(name);
    const one = MUTATION_NAME.exec(name);
    let action: MutationKnowledge["action"] = null;
    let named: string | undefined;
    let isMany = false;
    if (many && (plural.has(many[2]!) || models.includes(many[2]!))) {
      action = many[1] as MutationKnowledge["action"];
      named = plural.get(many[2]!) ?? many[2];
      isMany = true;
    } else if (one && models.includes(one[2]!)) {
      action = one[1] as MutationKnowledge["action"];
      named = one[2];
    }
    const agrees = named !== undefined && (returned.length === 0 || (returned.length === 1 && returned[0] === named));
    out[name] = agrees ? { action, model: named!, many: isMany } : { action: null, model: null, many: false };
  }
  return out;
}

/**
 * The model's own list field on the query root that takes `where` (`Query.authors` for Author):
 * where a rule condition is written, and what an entry check asks.
 *
 * @example
 * rootListField(knowledge, "Author"); // "authors"
 */
export function rootListField(knowledge: SchemaKnowledge, model: string): string | undefined {
  const root = knowledge.types[knowledge.queryType] ?? {};
  return Object.entries(root).find(
    ([, f]) => f.access.kind === "model-read" && f.shape === "list" && f.where && f.models.length === 1 && f.models[0] === model,
  )?.[0];
}

const schemas = new WeakMap<SchemaKnowledge, GraphQLSchema>();

/**
 * The graphql-js schema of the origin, for variable and argument coercion. Memoized per knowledge
 * object, so callers that keep the knowledge in the isolate build the schema once.
 *
 * @example
 * const schema = schemaFromKnowledge(knowledge);
 * getVariableValues(schema, operation.variableDefinitions ?? [], variables);
 */
export function schemaFromKnowledge(knowledge: SchemaKnowledge): GraphQLSchema {
  let schema = schemas.get(knowledge);
  if (!schema) {
    schema = buildClientSchema(knowledge.introspection);
    schemas.set(knowledge, schema);
  }
  return schema;
}
