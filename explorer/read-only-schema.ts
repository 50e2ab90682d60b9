/**
 * The schema the explorer shows for `/content`, the cached read-only endpoint (SPEC §3b): the
 * origin's schema without its Mutation and Subscription roots, which `/content` refuses (a
 * mutation is `/v2`'s). The gateway introspects the origin's whole schema, so the page filters the
 * introspection answer it shows: the docs pane, completion and validation then know only queries.
 */
import {
  buildClientSchema,
  GraphQLSchema,
  introspectionFromSchema,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type IntrospectionQuery,
} from "graphql";

/**
 * `schema` with only its query root: no mutation or subscription root, and none of the types only
 * they reach (their input types, payloads). Types a query can return stay, including the object
 * types that implement a reachable interface without being named by any field. Without a query
 * root, or with nothing to drop, `schema` itself.
 *
 * @example withoutWriteRoots(buildSchema("type Query { a: Int } type Mutation { b(x: In): Int } input In { y: Int }")).getType("In"); // undefined
 */
export function withoutWriteRoots(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const dropped = new Set<GraphQLNamedType>();
  for (const root of [schema.getMutationType(), schema.getSubscriptionType()]) if (root) dropped.add(root);
  if (!query || dropped.size === 0) return schema;
  const { description, directives } = schema.toConfig();
  const extra: GraphQLNamedType[] = [];
  // Each round adds at least one of the schema's types, so this ends within its type count.
  for (;;) {
    const kept = new GraphQLSchema({ query, description, directives, types: extra, assumeValid: true });
    const reachable = kept.getTypeMap();
    const implementations = Object.values(schema.getTypeMap()).filter(
      (type) =>
        !(type.name in reachable) &&
        !dropped.has(type) &&
        (isObjectType(type) || isInterfaceType(type)) &&
        type.getInterfaces().some((iface) => iface.name in reachable),
    );
    if (implementations.length === 0) return kept;
    extra.push(...implementations);
  }
}

/**
 * An introspection answer with {@link withoutWriteRoots} applied, as GraphiQL reads it.
 *
 * @example readOnlyIntrospection(answer.data).__schema.mutationType; // null
 */
export function readOnlyIntrospection(data: IntrospectionQuery): IntrospectionQuery {
  return introspectionFromSchema(withoutWriteRoots(buildClientSchema(data)));
}
