/**
 * Rule conditions inside filters (SPEC §3a): a conditioned model reached through an argument
 * (`posts(where: { author: { name_starts_with: "Ad" } })` with `read Author` under `{ id: "a1" }`)
 * gets its condition AND-ed into that nested filter, so the filter can only match entries the
 * caller may read; where that cannot be expressed exactly, the request is refused.
 *
 * | point                                   | rewrite                                              |
 * |-----------------------------------------|------------------------------------------------------|
 * | `author: X`, `posts_some: X`, `posts_none: X`, union member `Post: X` | `{ AND: [X, condition] }` |
 * | `posts_every: X`                        | refused (`every-filter`): "every related entry" would count entries outside the condition |
 * | `author: null` on a conditioned model   | refused (`null-filter`): it tests an entry the caller may not read |
 * | `documentInStages_some: …`              | refused (`no-exact-rewrite`): a stage comparison takes no condition |
 * | a relation to several models at once    | refused (`no-exact-rewrite`)                          |
 *
 * The operator's conditions may themselves filter through relations; what they read is the
 * operator's choice, so {@link conditionReads} lists it for the forward guard's bound rather than
 * for the decision.
 */
import {
  astFromValue,
  coerceInputValue,
  getArgumentValues,
  getNamedType,
  isInputObjectType,
  visit,
  type ArgumentNode,
  type FieldNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { ForbiddenError } from "../errors";
import type { Condition } from "../projects/types";
import { inputAccess, modelListWhere } from "../schema/input-access";
import type { SchemaKnowledge } from "../schema/knowledge";
import type { FieldUse } from "./analyse";
import { walkArgument, type FilterPoint, type FilterScope } from "./argument-reads";
import type { TouchCondition } from "./decide";
import { canonicalJson } from "../platform/canonical-json";
import { touchKey, TouchSet, type Touch } from "./touches";

/** Why a condition cannot be enforced inside a filter (`extensions.kind` of the 403). */
export type FilterUnenforceableKind = "every-filter" | "null-filter" | "no-exact-rewrite" | "invalid-condition";

/**
 * The arguments of one field with every conditioned relation filter rewritten, as literals of
 * their types, plus the variables the replaced values used; `null` when nothing changes.
 *
 * @throws ForbiddenError (`reason: CONDITION_UNENFORCEABLE`) when a point cannot take its condition.
 * @example
 * filterArguments({ knowledge, schema, use, variables, byTouch, allStages });
 * // { args: Map { "where" => { kind: "ObjectValue", … AND … } }, variables: Set { "name" } }
 */
export function filterArguments(input: {
  knowledge: SchemaKnowledge;
  schema: GraphQLSchema;
  use: FieldUse;
  variables: Record<string, unknown>;
  byTouch: ReadonlyMap<string, Condition>;
  allStages: readonly string[];
}): { args: Map<string, ValueNode>; variables: Set<string> } | null {
  const { knowledge, schema, use, byTouch } = input;
  if (use.argumentReads.length === 0) return null;
  const parent = schema.getType(use.parentType);
  const def = parent && "getFields" in parent ? parent.getFields()[use.node.name.value] : undefined;
  if (!def || !("args" in def)) return null;
  const values = getArgumentValues(def, use.node, input.variables);
  const table = inputAccess(knowledge, schema);
  const scope: FilterScope = {
    stages: [...use.stages],
    locales: [...use.locales],
    allStages: input.allStages,
    stageEnum: knowledge.stageEnum,
  };
  const field = `${use.parentType}.${use.node.name.value}`;

  const rewrite = (point: FilterPoint): unknown => {
    const { conds, touches } = readConditions(point.models, point.stages, point.locales, byTouch);
    if (conds.length === 0) return point.value;
    const at = `${field}(${point.path})`;
    if (point.kind === "stages" || point.models.length !== 1) refuse("no-exact-rewrite", at, touches);
    if (point.field.endsWith("_every")) refuse("every-filter", at, touches);
    if (point.value === null) refuse("null-filter", at, touches);
    const type = schema.getType(point.type);
    if (!type || !isInputObjectType(type) || !type.getFields()["AND"]) refuse("no-exact-rewrite", at, touches);
    const coerced = conds.map((cond) => {
      let valid = true;
      const value = coerceInputValue(cond, type, () => {
        valid = false;
      });
      if (!valid) refuse("invalid-condition", at, touches);
      return value;
    });
    return { AND: [point.value, ...coerced] };
  };

  const args = new Map<string, ValueNode>();
  for (const arg of def.args) {
    if (!(arg.name in values) || !isInputObjectType(getNamedType(arg.type))) continue;
    const walked = walkArgument(table, scope, arg.type, use.filterModels, values[arg.name], arg.name, rewrite);
    if (walked.value === values[arg.name]) continue;
    const literal = literalOf(walked.value, arg.type);
    if (!literal) refuse("no-exact-rewrite", `${field}(${arg.name})`, []);
    args.set(arg.name, literal);
  }
  if (args.size === 0) return null;
  const variables = new Set<string>();
  for (const node of use.node.arguments ?? [])
    if (args.has(node.name.value))
      visit(node, {
        Variable(v) {
          variables.add(v.name.value);
        },
      });
  return { args, variables };
}

/** The rewritten value as a literal of its type, or `null` when it has none (a JSON scalar holding an object). */
function literalOf(value: unknown, type: GraphQLInputType): ValueNode | null {
  try {
    return astFromValue(value, type) ?? null;
  } catch {
    return null;
  }
}

/** Replaces the arguments `filterArguments` rewrote (their values are now literals). */
export function withFilterArguments(node: FieldNode, args: ReadonlyMap<string, ValueNode>): ArgumentNode[] {
  return (node.arguments ?? []).map((a) => {
    const value = args.get(a.name.value);
    return value ? { ...a, value } : a;
  });
}

/**
 * What the operator's conditions read when the origin evaluates them: for each conditioned
 * touch, the reads of its condition as a filter of the touch's model in its stage and locale.
 *
 * @example conditionReads(knowledge, schema, [{ touch: readPostEn, where: { author: { id: "a1" } } }]); // [read Author PUBLISHED en]
 */
export function conditionReads(knowledge: SchemaKnowledge, schema: GraphQLSchema, conditions: readonly TouchCondition[]): Touch[] {
  const table = inputAccess(knowledge, schema);
  const touches = new TouchSet();
  const allStages = knowledge.stages;
  for (const { touch, where } of conditions) {
    const type = schema.getType(modelListWhere(knowledge, touch.model) ?? "");
    if (!type || !isInputObjectType(type)) continue;
    const scope: FilterScope = { stages: [touch.stage], locales: [touch.locale], allStages, stageEnum: knowledge.stageEnum };
    let value: unknown;
    try {
      value = coerceInputValue(where, type);
    } catch {
      continue;
    }
    for (const read of walkArgument(table, scope, type, [touch.model], value, "condition").reads)
      for (const action of read.actions) touches.add(action, read.models, read.stages, read.locales);
  }
  return touches.list();
}

/**
 * The distinct conditions of the `read` touches of `models` × `stages` × `locales`, and those
 * touches. Every context a position is reached in must hold, so a caller AND-s them all.
 *
 * @example readConditions(["Post"], ["PUBLISHED"], ["en"], byTouch); // { conds: [{ id: "p1" }], touches: [read Post PUBLISHED en] }
 */
export function readConditions(
  models: Iterable<string>,
  stages: Iterable<string>,
  locales: Iterable<string>,
  byTouch: ReadonlyMap<string, Condition>,
): { conds: Condition[]; touches: Touch[] } {
  const conds = new Map<string, Condition>();
  const touches: Touch[] = [];
  const stageList = [...stages];
  const localeList = [...locales];
  for (const model of models)
    for (const stage of stageList)
      for (const locale of localeList) {
        const touch: Touch = { action: "read", model, stage, locale };
        const where = byTouch.get(touchKey(touch));
        if (!where) continue;
        touches.push(touch);
        conds.set(canonicalJson(where), where);
      }
  return { conds: [...conds.values()], touches };
}

function refuse(kind: FilterUnenforceableKind, field: string, failedActions: Touch[]): never {
  throw new ForbiddenError(`A permission condition cannot be enforced inside the filter ${field} (${kind}).`, {
    reason: "CONDITION_UNENFORCEABLE",
    kind,
    field,
    failedActions,
  });
}
