/**
 * What each root field of a mutation changes, decided from its name (`SchemaKnowledge.mutations`)
 * and arguments before it is sent; the entry it changed is learned from its answer
 * (`answer.ts`) and the changes are made by `mutations.ts`.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from "graphql";
import type { Scope } from "../authority/changes";
import type { Analysis } from "../permissions/analyse";
import type { SchemaKnowledge } from "../schema/knowledge";
import { argumentValues, exactId, fieldDef } from "./ast";
import { relationTargets } from "./input-models";

/** What a root mutation field changes, decided from its name, arguments and (later) answer. */
export interface MutationPlan {
  key: string;
  /** `null`: a mutation the schema knowledge cannot map; it may change anything. */
  model: string | null;
  action: string | null;
  many: boolean;
  /** Stages it writes. */
  stages: Scope;
  /** The entry id named by its `where`, when it is exactly an id. */
  whereId?: string;
  /** Models whose entries its relation inputs move (see `relationTargets`). */
  relationTargets: string[];
  /** Whether an `id` alias is added to its selection (single-entry mutations). */
  identified: boolean;
}

export interface MutationPlanInput {
  knowledge: SchemaKnowledge;
  schema: GraphQLSchema;
  analysis: Analysis;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/**
 * Plans the root fields of a mutation's selection set. `identify`: single-entry mutations get an
 * `id` alias (not inside named fragments, whose text is shared).
 *
 * @example planMutations(input, operation.selectionSet, "Mutation", true); // [{ key: "updatePost", model: "Post", stages: ["DRAFT"], … }]
 */
export function planMutations(
  input: MutationPlanInput,
  set: SelectionSetNode,
  typeName: string,
  identify: boolean,
  out: MutationPlan[] = [],
): MutationPlan[] {
  const { knowledge, schema, analysis } = input;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      planMutations(input, sel.selectionSet, sel.typeCondition?.name.value ?? typeName, identify, out);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = input.fragments.get(sel.name.value);
      // Mutation fields inside a named fragment: nothing is added to shared text; their entries are unknown.
      if (fragment) planMutations(input, fragment.selectionSet, fragment.typeCondition.name.value, false, out);
      continue;
    }
    if (sel.name.value.startsWith("__")) continue;
    const mapping = knowledge.mutations[sel.name.value];
    const def = fieldDef(schema, typeName, sel.name.value);
    const key = sel.alias?.value ?? sel.name.value;
    if (!mapping?.action || !mapping.model || !def) {
      out.push({ key, model: null, action: null, many: false, stages: "*", relationTargets: [], identified: false });
      continue;
    }
    const args = argumentValues(def, sel, analysis.variableValues);
    const stageList = (name: string): string[] => {
      const v = args[name];
      return v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);
    };
    const draft = knowledge.draftStage;
    let stages: Scope;
    switch (mapping.action) {
      case "create":
      case "update":
      case "upsert":
        stages = [draft];
        break;
      case "publish":
        stages = mapping.many ? "*" : [...new Set([draft, ...stageList("to")])];
        break;
      case "unpublish":
        stages = mapping.many ? "*" : stageList("from");
        break;
      default:
        stages = "*";
    }
    const dataArg = def.args.find((a) => a.name === "data");
    const targets = dataArg ? relationTargets(knowledge, schema, dataArg.type, args["data"]) : [];
    const single = !mapping.many;
    const plan: MutationPlan = {
      key,
      model: mapping.model,
      action: mapping.action,
      many: mapping.many,
      stages,
      relationTargets: targets,
      identified: identify && single && !!sel.selectionSet,
    };
    const whereId = single ? exactId(args["where"]) : undefined;
    if (whereId !== undefined) plan.whereId = whereId;
    out.push(plan);
  }
  return out;
}
