/**
 * Enforcement of rule conditions (SPEC §2: no entry outside a condition leaves the gateway), with
 * the origin doing every evaluation, so the whole where language works:
 *
 * | field kind | how |
 * |---|---|
 * | root lists, connections (incl. `edges.node`, `aggregate`), list relations | condition AND-ed into `where` |
 * | unique lookups (`post(where:)`), single relations, `node` | the entry is checked (entry-checks.ts): `null` unless it satisfies the condition |
 * | `nodes`, unions, `documentInStages`, `localizations` | each entry is checked; entries that do not satisfy it are left out |
 * | entries a mutation returns, conditions on write or readVersion actions, lists of lists | refused, `CONDITION_UNENFORCEABLE` naming the field |
 *
 * The rewrite also pins `stage` and `locales` on root fields that omit them, so the origin's schema
 * defaults can never decide what a request sees: always forward the returned document.
 */
import {
  astFromValue,
  coerceInputValue,
  isInputObjectType,
  isNonNullType,
  Kind,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type EnumValueNode,
  type FieldNode,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  type ObjectValueNode,
  type ValueNode,
  type VariableDefinitionNode,
} from "graphql";
import { ForbiddenError, ForwardGuardError, InvalidConfigError } from "../errors";
import type { Condition, PermissionRule } from "../projects/types";
import type { SchemaKnowledge } from "../schema/knowledge";
import { schemaFromKnowledge } from "../schema/knowledge";
import type { Analysis, FieldUse } from "./analyse";
import { type TouchCondition } from "./decide";
import { touchKey, type Touch } from "./touches";
import { checkableModel, hiddenPrefix, withIdentity, withTypenames, type EntryChecks } from "./entry-checks";
import { filterArguments, readConditions, withFilterArguments } from "./filter-conditions";
import { modelListWhere } from "../schema/input-access";

export interface EnforceInput {
  knowledge: SchemaKnowledge;
  schema?: GraphQLSchema;
  document: DocumentNode;
  analysis: Analysis;
  /** `conditions` of an allowing `decide`. */
  conditions: readonly TouchCondition[];
}

/** What to forward, and how to check the entries the origin returns at single-entry positions. */
export interface Enforced {
  document: DocumentNode;
  /** Set when some position is checked entry by entry (entry-checks.ts); `null` when `where` did it all. */
  checks: EntryChecks | null;
}

/** Why a conditioned model cannot be served through a field (`extensions.kind` of the 403). */
export type UnenforceableKind = "mutation" | "write-action" | "version-action" | "invalid-condition" | "no-exact-rewrite" | "no-identity";

/**
 * Returns the document to forward: conditions AND-ed into `where` of list and connection fields,
 * identity fields added where entries are checked one by one, root stage/locales pinned.
 *
 * @throws ForbiddenError (`code` FORBIDDEN, `extensions.reason` "CONDITION_UNENFORCEABLE",
 *   `extensions.kind`, `extensions.field` like "Query.post", `extensions.failedActions`) when a
 *   condition cannot be guaranteed.
 * @example
 * const { document } = enforceConditions({ knowledge, document, analysis, conditions: decision.conditions });
 * print(document); // '{ posts(where: {AND: [{slug: "a"}, {id: "p1"}]}, stage: PUBLISHED, locales: [en]) { id } }'
 */
export function enforceConditions(input: EnforceInput): Enforced {
  const { knowledge, analysis } = input;
  const schema = input.schema ?? schemaFromKnowledge(knowledge);
  const byTouch = new Map<string, Condition>();
  for (const c of input.conditions) {
    // A condition on a version read or a write is not enforced by rewriting: refused.
    if (c.touch.action !== "read")
      refuse(c.touch.action === "readVersion" ? "version-action" : "write-action", `${c.touch.action} ${c.touch.model}`, [c.touch]);
    byTouch.set(touchKey(c.touch), c.where);
  }

  const wheres = new Map<FieldNode, ValueNode[]>();
  /** Arguments whose relation filters reach conditioned models, rewritten (filter-conditions.ts). */
  const filtered = new Map<FieldNode, ReadonlyMap<string, ValueNode>>();
  const inlinedVars = new Set<string>();
  /** Single-entry and where-less list positions: the conditioned models whose entries are checked. */
  const checked = new Map<FieldNode, string[]>();
  const allStages = knowledge.stages.length ? knowledge.stages : [analysis.stage];
  for (const use of analysis.fieldUses.values()) {
    if (byTouch.size > 0) {
      const rewritten = filterArguments({ knowledge, schema, use, variables: analysis.variableValues, byTouch, allStages });
      if (rewritten) {
        filtered.set(use.node, rewritten.args);
        rewritten.variables.forEach((v) => inlinedVars.add(v));
      }
    }
    // Contexts (stages, locales, fragment placements) share the field node: all must hold.
    const { conds, touches } = readConditions(use.field.models, use.stages, use.locales, byTouch);
    if (conds.length === 0) continue;
    const field = `${use.parentType}.${use.node.name.value}`;
    // A connection's `edges` and an edge's `node` are filtered by the field that returned the
    // connection or edge; that field is itself checked here (and refused unless it takes `where`).
    if (knowledge.connectionTypes.includes(use.parentType) || knowledge.edgeTypes.includes(use.parentType)) continue;
    if (use.mutation) refuse("mutation", field, touches);
    const { shape, models, where } = use.field;
    const whereType = where ? schema.getType(where) : undefined;
    if (models.length === 1 && (shape === "list" || shape === "connection") && whereType && isInputObjectType(whereType)) {
      // Exact at the origin: the list holds only entries that satisfy the condition, and counts,
      // pagination and order stay the origin's.
      wheres.set(
        use.node,
        conds.map((c) => conditionAst(c, whereType, field, touches)),
      );
    } else if (shape === "single" || shape === "list") {
      // One entry (a unique lookup, a single relation, node) or a list without where
      // (documentInStages, localizations, nodes, unions): each returned entry is checked against
      // the condition by the origin itself, and dropped when it does not satisfy it.
      const conditioned = [...new Set(touches.map((t) => t.model))];
      for (const model of conditioned) if (!checkableModel(knowledge, model)) refuse("no-identity", field, touches);
      checked.set(use.node, conditioned);
    } else refuse("no-exact-rewrite", field, touches);
  }

  const operation = analysis.operation;
  const nonNullVars = new Set<string>();
  const nulledVars = new Set<string>();
  const prefix = checked.size > 0 ? hiddenPrefix(input.document) : "";
  let rewritten = visit(input.document, {
    // `enter` sees the original nodes (visit copies a node only when leaving it), so the
    // analysed FieldNodes are matched by identity.
    Field(node) {
      const use = analysis.fieldUses.get(node);
      if (!use) return undefined;
      const filterArgs = filtered.get(node);
      let args = filterArgs ? withFilterArguments(node, filterArgs) : [...(node.arguments ?? [])];
      const conds = wheres.get(node);
      if (conds) args = withWhere(args, conds, analysis.variableValues, nonNullVars, nulledVars, operation.variableDefinitions ?? []);
      if (use.root && analysis.kind !== "mutation") args = pinned(args, node, use, schema, knowledge, analysis);
      const models = checked.get(node);
      const selectionSet = models && node.selectionSet ? withIdentity(node.selectionSet, models, prefix, knowledge) : node.selectionSet;
      return { ...node, arguments: args, ...(selectionSet ? { selectionSet } : {}) };
    },
  });
  if (checked.size > 0) rewritten = withTypenames(rewritten, schema, prefix);
  const checks: EntryChecks | null = checked.size > 0 ? { prefix, conditions: [...input.conditions] } : null;
  // Values of variables inlined into rewritten filters: a variable left unused is dropped, since
  // GraphQL refuses an operation that declares a variable it does not use.
  inlinedVars.forEach((v) => nulledVars.add(v));
  if (nonNullVars.size === 0 && nulledVars.size === 0) return { document: rewritten, checks };
  const document = visit(rewritten, {
    OperationDefinition(node) {
      if (node.name?.value !== operation.name?.value || node.operation !== operation.operation) return undefined;
      const used = usedVariables(rewritten);
      const defs = (node.variableDefinitions ?? [])
        .filter((d) => !nulledVars.has(d.variable.name.value) || used.has(d.variable.name.value))
        .map((d): VariableDefinitionNode =>
          nonNullVars.has(d.variable.name.value) && d.type.kind !== Kind.NON_NULL_TYPE
            ? { ...d, type: { kind: Kind.NON_NULL_TYPE, type: d.type } }
            : d,
        );
      return { ...node, variableDefinitions: defs };
    },
  });
  return { document, checks };
}

/** The condition as a GraphQL literal of the field's where type; unknown keys are refused. */
export function conditionAst(condition: Condition, type: GraphQLInputObjectType, field: string, touches: Touch[]): ValueNode {
  let valid = true;
  const coerced = coerceInputValue(condition, type, () => {
    valid = false;
  });
  const ast = valid ? astFromValue(coerced, type) : null;
  if (!ast) refuse("invalid-condition", field, touches);
  return ast;
}

function withWhere(
  args: ArgumentNode[],
  conds: ValueNode[],
  variables: Record<string, unknown>,
  nonNullVars: Set<string>,
  nulledVars: Set<string>,
  definitions: readonly VariableDefinitionNode[],
): ArgumentNode[] {
  const existing = args.find((a) => a.name.value === "where");
  const rest = args.filter((a) => a !== existing);
  let original: ValueNode | null = existing?.value ?? null;
  if (original?.kind === Kind.NULL) original = null;
  if (original?.kind === Kind.VARIABLE) {
    const name = original.name.value;
    const value = variables[name];
    if (value === undefined || value === null) {
      // No filter was sent: the condition alone; the variable may now be unused.
      nulledVars.add(name);
      original = null;
    } else {
      // `AND` items are non-null: a nullable variable is declared non-null (its value is known
      // to be non-null for this request, and the cache key includes the variables).
      const def = definitions.find((d) => d.variable.name.value === name);
      if (def && !isNonNullType(def.type)) nonNullVars.add(name);
    }
  }
  const items = original ? [original, ...conds] : conds;
  const value: ValueNode = items.length === 1 ? items[0]! : and(items);
  return [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "where" }, value }, ...rest];
}

function and(items: ValueNode[]): ObjectValueNode {
  return {
    kind: Kind.OBJECT,
    fields: [{ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: "AND" }, value: { kind: Kind.LIST, values: items } }],
  };
}

/** Adds `stage:`/`locales:` to a root field that omits them, with the request's effective values. */
function pinned(
  args: ArgumentNode[],
  node: FieldNode,
  use: FieldUse,
  schema: GraphQLSchema,
  knowledge: SchemaKnowledge,
  analysis: Analysis,
): ArgumentNode[] {
  const parent = schema.getType(use.parentType);
  const def = parent && "getFields" in parent ? parent.getFields()[node.name.value] : undefined;
  if (!def || !("args" in def)) return args;
  const out = [...args];
  const has = (n: string) => args.some((a) => a.name.value === n);
  const stageArg = def.args.find((a) => a.name === "stage");
  if (stageArg && knowledge.stageEnum && !has("stage"))
    out.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "stage" }, value: enumValue(analysis.stage, knowledge.stages) });
  const localesArg = def.args.find((a) => a.name === "locales");
  if (localesArg && knowledge.localeEnum && !has("locales") && analysis.locales.length) {
    const values = analysis.locales.map((locale) => enumValue(locale, knowledge.locales));
    out.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "locales" }, value: { kind: Kind.LIST, values } });
  }
  return out;
}

/**
 * An `EnumValue` node for a member of the origin's enum. graphql-js prints an enum node's value
 * verbatim, so a value that is not a member must never become one: the values were validated
 * when the request was scoped, and this refuses (as an internal guard) if that ever did not hold.
 */
function enumValue(value: string, members: readonly string[]): EnumValueNode {
  if (!members.includes(value))
    throw new ForwardGuardError("Refused to write a value that is not an enum member into the forwarded document.");
  return { kind: Kind.ENUM, value };
}

function usedVariables(document: DocumentNode): Set<string> {
  const used = new Set<string>();
  visit(document, {
    VariableDefinition: () => false,
    Variable(v) {
      used.add(v.name.value);
    },
  });
  return used;
}

function refuse(kind: UnenforceableKind, field: string, failedActions: Touch[]): never {
  throw new ForbiddenError(`A permission condition cannot be enforced through ${field} (${kind}).`, {
    reason: "CONDITION_UNENFORCEABLE",
    kind,
    field,
    failedActions,
  });
}

/**
 * Checks, for the admin API, that every rule condition is a valid where-filter of each model the
 * rule names (`"*"`: every model with a list field taking `where`). A condition the origin's
 * schema cannot express would otherwise refuse every request it applies to.
 *
 * @throws InvalidConfigError naming e.g. `publicPermissions[1].condition`.
 * @example
 * checkRuleConditions(normalizeRules(raw, "publicPermissions"), knowledge, "publicPermissions");
 */
export function checkRuleConditions(
  rules: readonly PermissionRule[],
  knowledge: SchemaKnowledge,
  path: string,
  schema = schemaFromKnowledge(knowledge),
): void {
  const whereOf = new Map<string, string>();
  for (const model of knowledge.models) {
    const where = modelListWhere(knowledge, model);
    if (where) whereOf.set(model, where);
  }
  rules.forEach((rule, i) => {
    if (!rule.condition) return;
    const models = rule.model === "*" ? [...whereOf.keys()] : rule.model;
    for (const model of models) {
      const type = schema.getType(whereOf.get(model) ?? "");
      const errors: string[] = [];
      if (!type || !isInputObjectType(type)) errors.push(`model ${model} has no list field with a where filter`);
      else coerceInputValue(rule.condition, type, (_path, _value, error) => errors.push(error.message));
      if (errors.length) throw new InvalidConfigError(`${path}[${i}].condition`, `not a valid filter for ${model}: ${errors[0]}`);
    }
  });
}
