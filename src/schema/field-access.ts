/**
 * Default-deny classification of every field of an origin schema (SPEC §3a, issue 8). The
 * permission analysis only trusts what it can classify: a field either returns entries of models
 * (a model read), returns versions of entries (a version read), holds nothing but the data of the
 * entry it hangs off (non-content), is a write (a mutation root field, mapped by its name), or it
 * is refused. Hygraph's field families map as follows:
 *
 * | family (Hygraph)                                              | access          |
 * |---------------------------------------------------------------|-----------------|
 * | `post`, `posts`, `postsConnection`, `node`, relations,        | model-read      |
 * | `documentInStages`, `localizations`, `scheduledIn`,           |                 |
 * | `createdBy`/`updatedBy`/`publishedBy` (User), unions of models|                 |
 * | (rich-text embeds, `affectedDocuments`), `edges`, `node`      |                 |
 * | `history` on a model                                          | version-read    |
 * | `<model>Version(where: { id, revision, stage })` on Query     | version-read    |
 * | scalars, enums, components, `RichText`, `Color`, `Location`,  | non-content     |
 * | `PageInfo`, `Aggregate`, `Version`, `BatchPayload`            |                 |
 * | mutation root fields                                          | write           |
 * | anything else on Query (root scalars, objects that are not a  | refused         |
 * | model, a connection of models or a document version, abstract |                 |
 * | types that can return non-model objects such as `entities`),  |                 |
 * | subscription root fields, a document version or root type     |                 |
 * | reached below the root                                        |                 |
 *
 * Why the root is special: a nested non-model object (a component, a rich-text value) belongs to
 * the entry it hangs off and is covered by that entry's read, but a root field has no parent
 * entry. Structure alone cannot tell a component from `DocumentVersion { data: Json }` (both are
 * plain objects with scalar fields), so at the root only the shapes listed above are trusted.
 *
 * Extending it when Hygraph adds a field family: add a case to `classifyRootField` (or
 * `classifyNestedField`) that recognises the family by its shape, add it to this table, the
 * census test (test/schema/field-access.census.test.ts) and docs/permissions.md. Until then the
 * family is refused for every principal that may not do everything.
 */
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  type GraphQLSchema,
} from "graphql";

/** How the permission analysis treats a field (see the module comment). */
export type FieldAccess =
  | { kind: "model-read" }
  | { kind: "version-read"; family: "history" | "document-version"; models: string[] }
  | { kind: "non-content" }
  | { kind: "write" }
  | { kind: "refused"; reason: string };

/** What classification needs to know about the schema besides graphql-js's own view. */
export interface ClassifyContext {
  schema: GraphQLSchema;
  models: ReadonlySet<string>;
  stageEnum: string | null;
  /** Models a named type can return (models, abstract types over models, connections and edges). */
  modelsOf: (type: GraphQLNamedType) => string[];
  /** Connection type name → its edge type name. */
  edgeOf: ReadonlyMap<string, string>;
}

/** Classifies one field of an object or interface type. */
export type FieldClassifier = (parent: GraphQLObjectType | GraphQLInterfaceType, field: GraphQLField<unknown, unknown>) => FieldAccess;

/**
 * Returns the classifier of one schema (what the root's version fields return is found once).
 *
 * @example
 * const classify = fieldClassifier(ctx);
 * classify(schema.getQueryType()!, schema.getQueryType()!.getFields()["productVersion"]!);
 * // { kind: "version-read", family: "document-version", models: ["Product"] }
 */
export function fieldClassifier(ctx: ClassifyContext): FieldClassifier {
  const { schema } = ctx;
  const query = schema.getQueryType();
  const versionTypes = new Set(
    Object.values(query?.getFields() ?? {})
      .filter((f) => documentVersionModel(ctx, f) !== null)
      .map((f) => getNamedType(f.type).name),
  );
  return (parent, field) => {
    if (parent === schema.getMutationType()) return { kind: "write" };
    if (parent === schema.getSubscriptionType()) return { kind: "refused", reason: "subscriptions are not classified" };
    if (parent === query) return classifyRootField(ctx, field);
    return classifyNestedField(ctx, versionTypes, parent, field);
  };
}

function classifyRootField(ctx: ClassifyContext, field: GraphQLField<unknown, unknown>): FieldAccess {
  const named = getNamedType(field.type);
  if (ctx.modelsOf(named).length > 0) {
    return onlyModels(ctx, named)
      ? { kind: "model-read" }
      : { kind: "refused", reason: `${named.name} can return objects that are not models` };
  }
  const versionOf = documentVersionModel(ctx, field);
  if (versionOf) return { kind: "version-read", family: "document-version", models: [versionOf] };
  return { kind: "refused", reason: `a root field returning ${named.name} reads nothing the gateway can classify` };
}

function classifyNestedField(
  ctx: ClassifyContext,
  versionTypes: ReadonlySet<string>,
  parent: GraphQLObjectType | GraphQLInterfaceType,
  field: GraphQLField<unknown, unknown>,
): FieldAccess {
  const { schema } = ctx;
  const named = getNamedType(field.type);
  if (named === schema.getQueryType() || named === schema.getMutationType() || named === schema.getSubscriptionType()) {
    return { kind: "refused", reason: "a root type reached below the root" };
  }
  if (ctx.modelsOf(named).length > 0) return { kind: "model-read" };
  if (versionTypes.has(named.name)) return { kind: "refused", reason: "document versions are read through <model>Version only" };
  const parentModels = ctx.modelsOf(parent);
  if (field.name === "history" && parentModels.length > 0 && isObjectType(named)) {
    return { kind: "version-read", family: "history", models: parentModels };
  }
  return { kind: "non-content" };
}

/** Whether every object a type can resolve to is a model (through abstract types and connections). */
function onlyModels(ctx: ClassifyContext, type: GraphQLNamedType, seen = new Set<string>()): boolean {
  if (seen.has(type.name)) return true;
  seen.add(type.name);
  if (ctx.models.has(type.name)) return true;
  if (isAbstractType(type)) return ctx.schema.getPossibleTypes(type).every((t) => onlyModels(ctx, t, seen));
  if (!isObjectType(type)) return false;
  const edgeName = ctx.edgeOf.get(type.name);
  const edge = edgeName ? ctx.schema.getType(edgeName) : type;
  const node = edge && isObjectType(edge) ? edge.getFields()["node"] : undefined;
  return node ? onlyModels(ctx, getNamedType(node.type), seen) : false;
}

/**
 * Hygraph's `<model>Version(where: VersionWhereInput!): DocumentVersion`: a root field named after
 * a model plus `Version`, returning an object that is not a model, filtered by `where` with `id`,
 * `revision` and a stage. Returns the model, or `null` when the field is not of this family.
 */
function documentVersionModel(ctx: ClassifyContext, field: GraphQLField<unknown, unknown>): string | null {
  const match = /^(.+)Version$/.exec(field.name);
  if (!match || !isObjectType(getNamedType(field.type))) return null;
  const model = match[1]!.charAt(0).toUpperCase() + match[1]!.slice(1);
  if (!ctx.models.has(model)) return null;
  return isVersionWhere(ctx, field) ? model : null;
}

function isVersionWhere(ctx: ClassifyContext, field: GraphQLField<unknown, unknown>): boolean {
  const where = field.args.find((a) => a.name === "where");
  const input = where ? getNamedType(where.type) : undefined;
  if (!input || !isInputObjectType(input)) return false;
  const fields = input.getFields();
  const stage = fields["stage"] ? getNamedType(fields["stage"].type) : undefined;
  return Boolean(fields["id"] && fields["revision"] && stage && isEnumType(stage) && stage.name === ctx.stageEnum);
}
