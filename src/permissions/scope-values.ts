/**
 * Stage and locale values in a document (SPEC §3a): every enum literal and every variable value
 * whose type is the origin's `Stage` or `Locale` enum — in arguments, inside input objects, in
 * lists and in variable defaults — must be a member of that enum. graphql-js's own coercion would
 * refuse them too, but with a generic message; this names the argument or variable
 * (`INVALID_STAGE` / `INVALID_LOCALE`), before analysis and long before the origin.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { member, type ScopeNames } from "./scope";

export interface ScopeValuesInput {
  schema: GraphQLSchema;
  stageEnum: string | null;
  localeEnum: string | null;
  names: ScopeNames;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | null;
}

/**
 * Checks every stage and locale value of a document and of the chosen operation's variables.
 *
 * @throws InvalidScopeValueError naming e.g. `{ argument: "Query.posts(stage:)" }` or `{ variable: "$where.stage" }`.
 * @example
 * checkScopeValues({ schema, stageEnum: "Stage", localeEnum: "Locale", names, document, operation, variables: { s: "draft" } });
 * // throws INVALID_STAGE { variable: "$s" }
 */
export function checkScopeValues(input: ScopeValuesInput): void {
  const { schema, names } = input;
  const kindOf = (type: GraphQLInputType | null | undefined): "stage" | "locale" | null => {
    const named = type ? getNamedType(type) : undefined;
    if (!named || !isEnumType(named)) return null;
    return named.name === input.stageEnum ? "stage" : named.name === input.localeEnum ? "locale" : null;
  };
  const allowed = (kind: "stage" | "locale") => (kind === "stage" ? names.stages : names.locales);

  const typeInfo = new TypeInfo(schema);
  let variableDefault: string | null = null;
  visit(
    input.document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition: {
        enter: (node) => void (variableDefault = `$${node.variable.name.value}`),
        leave: () => void (variableDefault = null),
      },
      EnumValue(node) {
        const kind = kindOf(typeInfo.getInputType());
        if (!kind) return;
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        const argument = typeInfo.getArgument();
        if (variableDefault) return void member(kind, node.value, allowed(kind), { variable: `${variableDefault} (default)` });
        const where = field && parent && argument ? `${parent.name}.${field.name}(${argument.name}:)` : "(unknown)";
        member(kind, node.value, allowed(kind), { argument: where });
      },
    }),
  );

  const variables = input.variables ?? {};
  for (const definition of input.operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!(name in variables)) continue;
    const type = typeFromAST(schema, definition.type);
    if (type) checkValue(variables[name], type as GraphQLInputType, `$${name}`);
  }

  function checkValue(value: unknown, type: GraphQLInputType, path: string): void {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return checkValue(value, type.ofType, path);
    if (isListType(type)) {
      if (Array.isArray(value)) value.forEach((item, i) => checkValue(item, type.ofType, `${path}[${i}]`));
      else checkValue(value, type.ofType, path);
      return;
    }
    const kind = kindOf(type);
    // A non-string is left to graphql-js's coercion, which refuses it.
    if (kind && typeof value === "string") member(kind, value, allowed(kind), { variable: path });
    if (isInputObjectType(type) && typeof value === "object" && !Array.isArray(value)) {
      const fields = type.getFields();
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[key];
        if (field) checkValue(item, field.type, `${path}.${key}`);
      }
    }
  }
}
