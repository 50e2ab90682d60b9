/**
 * Builds the executable schema once per isolate: SDL from sdl.ts, resolvers from resolvers.ts
 * and mutations.ts attached to the built types (the graphql-tools pattern, without the dependency).
 */
import { GraphQLInterfaceType, GraphQLObjectType, GraphQLScalarType, Kind, buildSchema, type GraphQLSchema } from "graphql";
import { mutationResolvers } from "./mutations";
import { queryAndModelResolvers, type Resolvers } from "./resolvers";
import { generateSdl } from "./sdl";
import type { Entity } from "./store";

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDateTime(v: unknown): string {
  if (typeof v !== "string" || !ISO.test(v) || Number.isNaN(Date.parse(v)))
    throw new TypeError(`DateTime must be an ISO-8601 string, got ${JSON.stringify(v)}`);
  // Normalize to the stored format so comparisons in SQL are plain string comparisons.
  return new Date(v).toISOString();
}

function attach(schema: GraphQLSchema, resolvers: Resolvers): void {
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) throw new Error(`resolvers for unknown type ${typeName}`);
    const defs = type.getFields();
    for (const [name, fn] of Object.entries(fields)) {
      const def = defs[name];
      if (!def) throw new Error(`resolver for unknown field ${typeName}.${name}`);
      def.resolve = fn;
    }
  }
}

let cached: GraphQLSchema | undefined;

/** The executable schema (memoized: building it takes a few milliseconds). */
export function getSchema(): GraphQLSchema {
  if (cached) return cached;
  const schema = buildSchema(generateSdl());
  attach(schema, { ...queryAndModelResolvers(), ...mutationResolvers() });
  const node = schema.getType("Node");
  if (node instanceof GraphQLInterfaceType) node.resolveType = (e) => (e as Entity).__typename;
  // `Json` keeps graphql-js's default scalar behaviour: values pass through as they are.
  const dt = schema.getType("DateTime");
  if (dt instanceof GraphQLScalarType) {
    dt.serialize = (v) => v;
    dt.parseValue = parseDateTime;
    dt.parseLiteral = (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  }
  cached = schema;
  return schema;
}
