/**
 * Small graphql-js helpers of the cache plan (`plan.ts`, `mutation-plan.ts`): coerced argument
 * values, ids named by a `where`, and aliases no client name uses.
 */
import { getArgumentValues, Kind, type DocumentNode, type FieldNode, type GraphQLField, type GraphQLSchema } from "graphql";

/** A field's coerced arguments; `{}` when they do not coerce (the analysis refused those already). */
export function argumentValues(
  def: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(def, node, variables);
  } catch {
    return {};
  }
}

/** A field definition of an object or interface type. */
export function fieldDef(schema: GraphQLSchema, typeName: string, name: string): GraphQLField<unknown, unknown> | undefined {
  const type = schema.getType(typeName);
  return type && "getFields" in type ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name] : undefined;
}

/**
 * `{ id: "…" }` and nothing else → the id.
 *
 * @example exactId({ id: "p1" }); // "p1"
 * exactId({ id: "p1", slug: "a" }); // undefined
 */
export function exactId(where: unknown): string | undefined {
  if (!where || typeof where !== "object" || Array.isArray(where)) return undefined;
  const entries = Object.entries(where).filter(([, v]) => v !== undefined && v !== null);
  return entries.length === 1 && entries[0]![0] === "id" && typeof entries[0]![1] === "string" ? (entries[0]![1] as string) : undefined;
}

/**
 * Every name in the document (fields, aliases, arguments, …): an added alias must be none of them.
 * Iterative: the document is the client's, and an operation it does not execute may nest
 * thousands of levels (issue 19: a recursive walk here exhausted the stack).
 *
 * @example namesIn(parse("{ a: posts { id } }")); // Set { "a", "posts", "id" }
 */
export function namesIn(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const item of node as unknown[]) stack.push(item); // not spread: a long list would overflow the call's arguments
      continue;
    }
    const n = node as { kind?: string; value?: unknown };
    if (n.kind === Kind.NAME && typeof n.value === "string") names.add(n.value);
    for (const [key, value] of Object.entries(node)) if (key !== "loc") stack.push(value);
  }
  return names;
}

/** `base`, or `base1`, `base2`, … — the first not in `taken`. */
export function freeName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}${i}`;
  return name;
}
