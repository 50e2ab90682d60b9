/**
 * What a query's cached answer depends on, decided once per document (issue 12, entry-level
 * invalidation). The static part is known from the document alone; the entries it contains are
 * learned from the origin's answer (`answer.ts`), for which the forwarded selection is extended
 * with `id` (and `__typename` where the type is abstract) under aliases no client field uses, and
 * the answer stripped of them again before anything is cached or answered.
 *
 * **Entry positions** — answers depend only on the entries found there:
 * - a root single-entry lookup: `post(where: { id | any unique field })`, `node(id:)`;
 * - a single reference reached from an entry position (`post(…) { author { … } }`), also through
 *   inline fragments and non-model objects (components) that are not lists.
 * **Model-level** — everything else that can contain entries: lists and connections (entries can
 * join and leave them), whatever lies below one, references inside named fragments (a fragment's
 * text is shared by all its uses, so nothing is added to it), and root fields of other shapes;
 * plus the models their `where` filters reach through relation filters.
 *
 * `mode: "model"` makes every answer model-level and leaves the document untouched.
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import type { Analysis } from "../permissions/analyse";
import type { SchemaKnowledge } from "../schema/knowledge";
import { listDependency, type Dependency } from "../authority/changes";
import type { TouchCondition } from "../permissions/decide";
import { argumentValues, exactId, fieldDef, freeName, namesIn } from "./ast";
import { conditionModels, filterModels } from "./input-models";
import { planMutations, type MutationPlan } from "./mutation-plan";

/** Where an entry (or a plain object holding entry positions) sits in the answer. */
export interface Position {
  /** Response key (alias or field name). */
  key: string;
  kind: "lookup" | "relation" | "object";
  /** Models the position can hold (empty for `object`). */
  models: string[];
  /** Stages the position is read in. */
  stages: string[];
  /** Whether a `__typename` alias is added (the type is abstract). */
  typed: boolean;
  /** Whether the field returns a union (`id` is then asked of each model in an inline fragment). */
  union: boolean;
  /** A lookup whose `where` (or `id` argument) is exactly an id: a miss still names the entry. */
  knownId?: string;
  /** Only applies when the enclosing entry is one of these models (an inline fragment on them). */
  onTypes?: string[];
  children: Position[];
  /** Model-level dependencies of the whole subtree: used when the answer is not as expected. */
  fallback: Dependency[];
}

export interface CachePlan {
  mode: "entry" | "model";
  /** Aliases of the added fields (unused as response keys anywhere in the document). */
  idAlias: string;
  typeAlias: string;
  positions: Position[];
  mutations: MutationPlan[];
  /** Dependencies that hold whatever the answer contains. */
  staticDeps: Dependency[];
}

export interface PlanInput {
  knowledge: SchemaKnowledge;
  schema: GraphQLSchema;
  document: DocumentNode;
  analysis: Analysis;
  mode: "entry" | "model";
  /**
   * The decision's rule conditions: what is delivered also depends on them, so every model their
   * filters reach through relation filters (`{ author: { name: "Ann" } }` reaches Author) is a
   * model-level dependency in the condition's stage.
   */
  conditions?: readonly TouchCondition[];
}

/**
 * Plans a query's (or mutation's) dependencies.
 *
 * @example
 * const plan = planCache({ knowledge, schema, document, analysis, mode: "entry" });
 * const forwarded = augmentDocument(enforceConditions(…), plan);
 */
export function planCache(input: PlanInput): CachePlan {
  return new Planner(input).plan();
}

/**
 * The plan widened to every model in every stage: for an operation whose answer can contain
 * anything (an unclassified field let through for a principal that may do everything).
 *
 * @example everyModelPlan(plan, knowledge.models, ["DRAFT", "PUBLISHED"]).staticDeps; // ["L|DRAFT|Author", …]
 */
export function everyModelPlan(plan: CachePlan, models: readonly string[], stages: readonly string[]): CachePlan {
  const deps = new Set(plan.staticDeps);
  for (const stage of stages) for (const model of models) deps.add(listDependency(stage, model));
  return { ...plan, positions: [], staticDeps: [...deps].sort() };
}

class Planner {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly staticDeps = new Set<Dependency>();
  private readonly idAlias: string;
  private readonly typeAlias: string;

  constructor(private readonly input: PlanInput) {
    for (const d of input.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
    const names = namesIn(input.document);
    this.idAlias = freeName("_ce_id", names);
    this.typeAlias = freeName("_ce_type", names);
  }

  plan(): CachePlan {
    const { analysis, mode, knowledge } = this.input;
    const root = analysis.operation;
    const positions: Position[] = [];
    const mutations: MutationPlan[] = [];
    const rootType = root.operation === "mutation" ? (knowledge.mutationType ?? "Mutation") : knowledge.queryType;
    if (root.operation === "mutation") {
      planMutations(
        { knowledge, schema: this.input.schema, analysis, fragments: this.fragments },
        root.selectionSet,
        rootType,
        mode === "entry",
        mutations,
      );
    } else if (mode === "model") {
      this.modelLevel(root.selectionSet, new Set());
    } else {
      this.queryRoot(root.selectionSet, rootType, positions);
    }
    const merged = mergePositions(positions);
    this.coverTouches(merged);
    for (const { touch, where } of this.input.conditions ?? []) {
      if (touch.action !== "read") continue;
      for (const model of conditionModels(knowledge, this.input.schema, touch.model, where))
        this.staticDeps.add(listDependency(touch.stage, model));
    }
    return {
      mode,
      idAlias: this.idAlias,
      typeAlias: this.typeAlias,
      positions: merged,
      mutations,
      staticDeps: [...this.staticDeps].sort(),
    };
  }

  /**
   * A safety net: every read the analysis found must be covered, by a model-level dependency or by
   * an entry position that holds the model in that stage. Version reads (`history`,
   * `<model>Version`) change with every new version of an entry in their stage and are always
   * model-level.
   */
  private coverTouches(positions: readonly Position[]): void {
    const held = new Set<string>();
    const walk = (list: readonly Position[]) => {
      for (const p of list) {
        for (const stage of p.stages) for (const model of p.models) held.add(listDependency(stage, model));
        walk(p.children);
      }
    };
    walk(positions);
    for (const touch of this.input.analysis.touches) {
      const dep = listDependency(touch.stage, touch.model);
      if (touch.action === "readVersion" || (touch.action === "read" && !held.has(dep))) this.staticDeps.add(dep);
    }
  }

  private queryRoot(set: SelectionSetNode, typeName: string, out: Position[]): void {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        this.queryRoot(sel.selectionSet, sel.typeCondition?.name.value ?? typeName, out);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        this.modelLevelSpread(sel.name.value, new Set());
      } else if (!sel.name.value.startsWith("__")) {
        const known = this.input.knowledge.types[typeName]?.[sel.name.value];
        const def = this.fieldDef(typeName, sel.name.value);
        if (known && def && known.models.length > 0 && known.shape === "single" && isLookup(def)) {
          out.push(this.entryPosition(sel, "lookup", def, undefined));
        } else {
          this.modelLevel(sel, new Set());
        }
      }
    }
  }

  /** An entry position for a field: its identity is learned from the answer; its subtree is walked. */
  private entryPosition(
    field: FieldNode,
    kind: "lookup" | "relation",
    def: GraphQLField<unknown, unknown>,
    onTypes: string[] | undefined,
  ): Position {
    const use = this.input.analysis.fieldUses.get(field);
    const known = use ? this.input.knowledge.types[use.parentType]?.[field.name.value] : undefined;
    const models = known?.models ?? [];
    const stages = use ? [...use.stages].sort() : [];
    const position: Position = {
      key: field.alias?.value ?? field.name.value,
      kind,
      models,
      stages,
      typed: models.length > 1 || isUnionType(getNamedType(def.type)),
      union: isUnionType(getNamedType(def.type)),
      children: [],
      fallback: this.subtreeDeps(field),
    };
    if (onTypes) position.onTypes = onTypes;
    if (kind === "lookup") {
      const id = this.lookupId(field, def);
      if (id !== undefined) position.knownId = id;
    }
    if (field.selectionSet) this.entryChildren(field.selectionSet, getNamedType(def.type).name, position, undefined);
    position.children = mergePositions(position.children);
    return position;
  }

  /** The fields below an entry (or plain object) position. */
  private entryChildren(set: SelectionSetNode, typeName: string, position: Position, onTypes: string[] | undefined): void {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const condition = sel.typeCondition?.name.value;
        this.entryChildren(
          sel.selectionSet,
          condition ?? typeName,
          position,
          condition ? this.narrow(onTypes ?? position.models, condition) : onTypes,
        );
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        this.modelLevelSpread(sel.name.value, new Set());
        continue;
      }
      if (sel.name.value.startsWith("__")) continue;
      const known = this.input.knowledge.types[typeName]?.[sel.name.value];
      const def = this.fieldDef(typeName, sel.name.value);
      if (!known || !def) {
        this.modelLevel(sel, new Set());
        continue;
      }
      const isList = isListType(getNullableType(def.type));
      if (known.models.length === 0) {
        if (!sel.selectionSet) continue; // a scalar or enum: part of the entry
        if (isList) {
          this.modelLevel(sel, new Set());
          continue;
        }
        // A non-model object (a component): part of the entry, but it may hold references.
        const object: Position = {
          key: sel.alias?.value ?? sel.name.value,
          kind: "object",
          models: [],
          stages: [],
          typed: false,
          union: false,
          children: [],
          fallback: this.subtreeDeps(sel),
        };
        if (onTypes) object.onTypes = onTypes;
        this.entryChildren(sel.selectionSet, getNamedType(def.type).name, object, undefined);
        object.children = mergePositions(object.children);
        if (object.children.length) position.children.push(object);
      } else if (known.shape === "single" && !isList) {
        position.children.push(this.entryPosition(sel, "relation", def, onTypes));
      } else {
        this.modelLevel(sel, new Set());
      }
    }
  }

  /** The models of `candidates` an inline fragment on `condition` applies to. */
  private narrow(candidates: readonly string[], condition: string): string[] {
    const { schema } = this.input;
    const type = schema.getType(condition);
    if (!type) return [];
    if (!isAbstractType(type)) return candidates.filter((m) => m === condition);
    return candidates.filter((m) => {
      const model = schema.getType(m);
      return !!model && isObjectType(model) && schema.isSubType(type, model);
    });
  }

  /** Model-level dependencies for a field (or selection set) and everything below it. */
  private modelLevel(node: FieldNode | SelectionSetNode, seen: Set<string>): void {
    for (const dep of this.collect(node, seen)) this.staticDeps.add(dep);
  }

  private modelLevelSpread(name: string, seen: Set<string>): void {
    const fragment = this.fragments.get(name);
    if (fragment && !seen.has(name)) {
      seen.add(name);
      this.modelLevel(fragment.selectionSet, seen);
    }
  }

  private subtreeDeps(field: FieldNode): Dependency[] {
    return [...this.collect(field, new Set())].sort();
  }

  /** Every `L` dependency of the fields with models at and below `node`, and of the models their filters reach. */
  private collect(node: FieldNode | SelectionSetNode, seen: Set<string>, out = new Set<Dependency>()): Set<Dependency> {
    const { analysis, knowledge, schema } = this.input;
    const visitSelection = (sel: SelectionNode) => {
      if (sel.kind === Kind.FIELD) this.collect(sel, seen, out);
      else if (sel.kind === Kind.INLINE_FRAGMENT) sel.selectionSet.selections.forEach(visitSelection);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        this.fragments.get(sel.name.value)?.selectionSet.selections.forEach(visitSelection);
      }
    };
    if (node.kind === Kind.SELECTION_SET) {
      node.selections.forEach(visitSelection);
      return out;
    }
    const use = analysis.fieldUses.get(node);
    if (use) {
      for (const stage of use.stages) for (const model of use.field.models) out.add(listDependency(stage, model));
      const whereArg = node.arguments?.find((a) => a.name.value === "where");
      const def = whereArg ? this.fieldDef(use.parentType, node.name.value) : undefined;
      const whereDef = def?.args.find((a) => a.name === "where");
      if (def && whereDef) {
        const value = argumentValues(def, node, analysis.variableValues)["where"];
        for (const model of filterModels(knowledge, schema, whereDef.type, value))
          for (const stage of use.stages) out.add(listDependency(stage, model));
      }
    }
    node.selectionSet?.selections.forEach(visitSelection);
    return out;
  }

  private lookupId(field: FieldNode, def: GraphQLField<unknown, unknown>): string | undefined {
    const args = argumentValues(def, field, this.input.analysis.variableValues);
    if (def.args.some((a) => a.name === "where")) return exactId(args["where"]);
    const id = args["id"];
    return typeof id === "string" ? id : undefined;
  }

  private fieldDef(typeName: string, name: string): GraphQLField<unknown, unknown> | undefined {
    return fieldDef(this.input.schema, typeName, name);
  }
}

/** A root field that names one entry: a `where` argument (unique input) or an `id` argument. */
function isLookup(def: GraphQLField<unknown, unknown>): boolean {
  return def.args.some((a) => a.name === "where" || a.name === "id");
}

/** Positions with the same response key are one field in the answer (GraphQL merges them). */
function mergePositions(positions: Position[]): Position[] {
  const byKey = new Map<string, Position>();
  const out: Position[] = [];
  for (const p of positions) {
    const key = `${p.key}\u0000${(p.onTypes ?? []).join(",")}`;
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, p);
      out.push(p);
      continue;
    }
    known.stages = [...new Set([...known.stages, ...p.stages])].sort();
    known.fallback = [...new Set([...known.fallback, ...p.fallback])].sort();
    known.children = mergePositions([...known.children, ...p.children]);
    if (known.knownId !== p.knownId) delete known.knownId;
  }
  return out;
}
