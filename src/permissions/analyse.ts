/**
 * Document analysis: which (action, model, stage, locale) an operation touches. The walk follows
 * what the origin can return, not what the client narrows to: a field touches every model its
 * type can resolve to (an interface, union or `node` touches all of its models even under
 * `... on Post`, because the origin still resolves the others), and arguments that choose stages
 * or locales count wherever they stand, as literals or variables.
 */
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isInputObjectType,
  getVariableValues,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type InlineFragmentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { GraphQLValidationError } from "../errors";
import { selectOperation } from "../graphql/operation";
import type { FieldKnowledge, SchemaKnowledge } from "../schema/knowledge";
import { schemaFromKnowledge } from "../schema/knowledge";
import { inputAccess } from "../schema/input-access";
import { walkArgument, type ArgumentRead, type FilterScope } from "./argument-reads";
import { mutationTouches, TouchSet, unique, type Touch } from "./touches";

/** Stage and locales that apply where the document names none: header → token → project default. */
export interface StageDefaults {
  stage: string;
  locales: string[];
  /**
   * The project's default (base) locale. Origins resolve `documentInStages` without
   * `inheritLocale: true` by a fallback that can end in it (the demo origin uses it outright), so
   * such subtrees count it too: the gateway must not depend on which reading the origin takes.
   */
  baseLocale?: string;
}

export interface AnalyseInput {
  knowledge: SchemaKnowledge;
  /** graphql-js schema of the origin; defaults to `schemaFromKnowledge(knowledge)`. */
  schema?: GraphQLSchema;
  document: DocumentNode;
  /** The operation to analyse, when the caller has chosen it (the pipeline chooses once, at parse). */
  operation?: OperationDefinitionNode;
  /** Otherwise the `operationName` of the request; required when the document has several operations. */
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  defaults: StageDefaults;
}

/** Every context one field node is reached in (fragments can place a node in several). */
export interface FieldUse {
  node: FieldNode;
  parentType: string;
  field: FieldKnowledge;
  stages: Set<string>;
  locales: Set<string>;
  /** A root field of the operation (where stage and locales are pinned for the origin). */
  root: boolean;
  /** A root field of a mutation (its returned entries are not filtered by `where`). */
  mutation: boolean;
  /**
   * Models whose entries the field's arguments are evaluated against (its own models, or the
   * mutation's model), when an argument reaches other models or stages; otherwise empty.
   */
  filterModels: string[];
  /** What its arguments read beyond the field's own entries (argument-reads.ts). */
  argumentReads: ArgumentRead[];
}

export interface Analysis {
  operation: OperationDefinitionNode;
  kind: "query" | "mutation" | "subscription";
  /** Deduplicated, sorted touches; `decide` needs every one covered. */
  touches: Touch[];
  /** Stage and locales to send to the origin (`gcms-stage`, `gcms-locales`). */
  stage: string;
  locales: string[];
  /** Models whose entries the response can contain (for cache tagging). */
  readModels: string[];
  /** Coerced variable values (defaults applied). */
  variableValues: Record<string, unknown>;
  /** Per field node that can return entries: where it is reached; used by `enforceConditions`. */
  fieldUses: Map<FieldNode, FieldUse>;
  /**
   * Fields the analysis cannot classify (schema/field-access.ts), e.g. `Query.entities`: default
   * deny refuses them unless the principal may do everything. Their subtrees are not analysed, so
   * `readModels` then lists every model.
   */
  unclassified: UnclassifiedField[];
}

/** A field refused by default deny: `Type.field` and why it is not classified. */
export interface UnclassifiedField {
  field: string;
  reason: string;
}

interface Ctx {
  stages: string[];
  locales: string[];
  /** Locales of the enclosing root field: Hygraph's fallback order for `inheritLocale: false`. */
  rootLocales: string[];
}

/**
 * Analyses the chosen operation of a parsed (and validated) document.
 *
 * @throws GraphQLValidationError when the operation cannot be chosen, a variable does not coerce,
 *   or the document names a field or type the schema lacks (validation should have caught it).
 * @example
 * const a = analyseOperation({ knowledge, document: parse("{ posts { title } }"), defaults: { stage: "PUBLISHED", locales: ["en"] } });
 * a.touches; // [{ action: "read", model: "Post", stage: "PUBLISHED", locale: "en" }]
 */
export function analyseOperation(input: AnalyseInput): Analysis {
  const { knowledge, document, defaults } = input;
  const schema = input.schema ?? schemaFromKnowledge(knowledge);
  const operation = input.operation ?? operationToAnalyse(document, input.operationName ?? null);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) throw new GraphQLValidationError(coerced.errors[0]?.message ?? "Invalid variables.", { reason: "variables" });
  const vars = coerced.coerced;

  const touches = new TouchSet();
  const readModels = new Set<string>();
  const fieldUses = new Map<FieldNode, FieldUse>();
  const unclassified = new Map<string, UnclassifiedField>();
  const visitedFragments = new Set<string>();
  const allStages = knowledge.stages.length ? knowledge.stages : [defaults.stage];
  const rootType =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!rootType) throw new GraphQLValidationError(`The schema has no ${operation.operation} type.`, { reason: "operation" });

  const isStage = (t: GraphQLNamedType) => t.name === knowledge.stageEnum;
  const isLocale = (t: GraphQLNamedType) => t.name === knowledge.localeEnum;
  /** Values of the stage- or locale-typed arguments of a field, as the origin will see them. */
  const argValues = (def: GraphQLField<unknown, unknown>, node: FieldNode) => {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(def, node, vars);
    } catch (e) {
      throw new GraphQLValidationError(e instanceof GraphQLError ? e.message : "Invalid arguments.", { reason: "arguments" });
    }
    const out: { kind: "stage" | "locale"; given: string[] | null; unset: boolean; fallback: string[] }[] = [];
    for (const arg of def.args) {
      const named = getNamedType(arg.type);
      const kind = isStage(named) ? "stage" : isLocale(named) ? "locale" : null;
      if (!kind) continue;
      const argNode = node.arguments?.find((a) => a.name.value === arg.name);
      const value = values[arg.name];
      const asList = (v: unknown) => (v === null || v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
      const schemaDefault = asList(arg.defaultValue);
      if (!argNode) out.push({ kind, given: null, unset: false, fallback: schemaDefault });
      else if (
        value === null ||
        value === undefined ||
        (Array.isArray(value) && value.length === 0) ||
        (argNode.value.kind === Kind.VARIABLE && !(argNode.value.name.value in vars))
      )
        // An unset variable, a null or an empty list: the origin may read it as "no preference"
        // and apply its schema default, its header default or the parent's scope; all count.
        out.push({ kind, given: null, unset: true, fallback: schemaDefault });
      else out.push({ kind, given: asList(value), unset: false, fallback: schemaDefault });
    }
    return { values, stageLocale: out };
  };

  /** The context a field's own entries and its subtree are resolved in. */
  const fieldCtx = (
    def: GraphQLField<unknown, unknown>,
    node: FieldNode,
    parent: Ctx,
    root: boolean,
  ): { ctx: Ctx; values: Record<string, unknown> } => {
    const { values, stageLocale } = argValues(def, node);
    let stages = parent.stages;
    let locales = parent.locales;
    for (const a of stageLocale) {
      const inherited = a.kind === "stage" ? parent.stages : parent.locales;
      let chosen: string[];
      if (a.given) chosen = a.given;
      // Root `stage`/`locales` are pinned to the caller's defaults when omitted (see
      // enforceConditions), so the origin's schema default does not apply to them.
      else if (!a.unset && (root || a.fallback.length === 0)) chosen = inherited;
      else if (!a.unset) chosen = a.fallback;
      else chosen = unique([...inherited, ...a.fallback]);
      if (a.kind === "stage") stages = unique(stages === parent.stages ? chosen : [...stages, ...chosen]);
      else locales = unique(locales === parent.locales ? chosen : [...locales, ...chosen]);
    }
    // Hygraph: `includeCurrent` adds the parent entry's own stage/locale; `inheritLocale: false`
    // resolves locales by the request's fallback order instead of the parent's locale.
    if (values["includeCurrent"] === true) {
      stages = unique([...stages, ...parent.stages]);
      locales = unique([...locales, ...parent.locales]);
    }
    if ("inheritLocale" in values) {
      const base = values["inheritLocale"] === true || !defaults.baseLocale ? [] : [defaults.baseLocale];
      locales = unique([...locales, ...parent.locales, ...parent.rootLocales, ...base]);
    }
    return { ctx: { stages, locales, rootLocales: root ? locales : parent.rootLocales }, values };
  };

  const record = (
    node: FieldNode,
    parentType: string,
    field: FieldKnowledge,
    ctx: Ctx,
    root: boolean,
    mutation: boolean,
    filters: { models: string[]; reads: ArgumentRead[] },
  ) => {
    let use = fieldUses.get(node);
    if (!use) {
      use = { node, parentType, field, stages: new Set(), locales: new Set(), root, mutation, filterModels: [], argumentReads: [] };
      fieldUses.set(node, use);
    }
    ctx.stages.forEach((s) => use.stages.add(s));
    ctx.locales.forEach((l) => use.locales.add(l));
    if (filters.reads.length > 0) {
      use.filterModels = unique([...use.filterModels, ...filters.models]);
      use.argumentReads.push(...filters.reads);
    }
  };

  const table = inputAccess(knowledge, schema);
  /**
   * Arguments are reads too (SPEC §3a): every model and stage an argument value is evaluated
   * against, in the context the field's entries are read in.
   */
  const argumentReads = (def: GraphQLField<unknown, unknown>, values: Record<string, unknown>, models: string[], ctx: Ctx) => {
    const scope: FilterScope = { stages: ctx.stages, locales: ctx.locales, allStages, stageEnum: knowledge.stageEnum };
    const reads: ArgumentRead[] = [];
    for (const arg of def.args) {
      if (!(arg.name in values) || !isInputObjectType(getNamedType(arg.type))) continue;
      reads.push(...walkArgument(table, scope, arg.type, models, values[arg.name], arg.name).reads);
    }
    for (const read of reads) for (const action of read.actions) touches.add(action, read.models, read.stages, read.locales);
    return reads;
  };

  /** `@skip(if: true)` / `@include(if: false)`: the origin does not execute the selection, so it touches nothing. */
  const skipped = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean => {
    if (!node.directives?.length) return false;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, vars)?.["if"] === true) return true;
      return getDirectiveValues(GraphQLIncludeDirective, node, vars)?.["if"] === false;
    } catch (e) {
      throw new GraphQLValidationError(e instanceof GraphQLError ? e.message : "Invalid directive arguments.", { reason: "arguments" });
    }
  };

  const walk = (selectionSet: SelectionSetNode, type: GraphQLNamedType, ctx: Ctx, root: boolean): void => {
    for (const sel of selectionSet.selections) {
      if (skipped(sel)) continue;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition ? lookupType(schema, sel.typeCondition.name.value) : type, ctx, root);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        if (!fragment) throw new GraphQLValidationError(`Unknown fragment "${sel.name.value}".`, { reason: "fragment" });
        // A fragment reached again in the same type and context adds nothing new; this also ends
        // fragment cycles and keeps "fragment bombs" linear.
        const key = `${fragment.name.value}|${type.name}|${ctx.stages}|${ctx.locales}|${ctx.rootLocales}|${root}`;
        if (visitedFragments.has(key)) continue;
        visitedFragments.add(key);
        walk(fragment.selectionSet, lookupType(schema, fragment.typeCondition.name.value), ctx, root);
        continue;
      }
      const name = sel.name.value;
      if (name.startsWith("__")) continue; // __typename, __schema, __type: no content entries
      if (!isObjectType(type) && !isInterfaceType(type))
        throw new GraphQLValidationError(`Cannot query field "${name}" on type "${type.name}".`, { reason: "field" });
      const def = type.getFields()[name];
      const known = knowledge.types[type.name]?.[name];
      if (!def || !known) throw new GraphQLValidationError(`Cannot query field "${name}" on type "${type.name}".`, { reason: "field" });
      const access = known.access;
      if (access.kind === "refused") {
        const field = `${type.name}.${name}`;
        unclassified.set(field, { field, reason: access.reason });
        continue;
      }
      const isMutation = root && operation.operation === "mutation";
      const { ctx: fieldContext, values } = fieldCtx(def, sel, ctx, root);
      let inner = fieldContext;
      if (isMutation) {
        const mapping = knowledge.mutations[name] ?? { action: null, model: null, many: false };
        const stageArg = (n: string) => stageArgValue(def, values, n, knowledge.stageEnum);
        const toDefault = mapping.action === "publish" ? stageArg("to") : [];
        const scope = mutationTouches(knowledge, touches, {
          mapping,
          to: toDefault,
          from: stageArg("from"),
          other: stageArg("stage"),
          locales: Array.isArray(values["locales"]) ? (values["locales"] as unknown[]).map(String) : ctx.locales,
          writesLocalizations: mentionsKey(values, "localizations"),
          ...(defaults.baseLocale ? { baseLocale: defaults.baseLocale } : {}),
          withDefaultLocale: values["withDefaultLocale"] !== false,
        });
        inner = { stages: scope.stages, locales: scope.locales, rootLocales: scope.locales };
      }
      if (known.models.length) {
        touches.add("read", known.models, inner.stages, inner.locales);
        known.models.forEach((m) => readModels.add(m));
      }
      const entryModels = known.models.length
        ? known.models
        : isMutation && knowledge.mutations[name]?.model
          ? [knowledge.mutations[name].model]
          : [];
      const reads = argumentReads(def, values, entryModels, inner);
      // Root fields are always recorded: their stage and locales are pinned for the origin.
      if (known.models.length || root || reads.length)
        record(sel, type.name, known, inner, root, isMutation, { models: entryModels, reads });
      if (access.kind === "version-read") {
        // `history` lists the parent entry's versions in its stage (or `stageOverride`);
        // `<model>Version(where: { stage })` returns a whole document, every localization of it,
        // in the stage it names, or in any stage when that is not known.
        const versionScope = access.family === "history" ? fieldContext : documentVersionScope(values, knowledge, allStages, fieldContext);
        touches.add("readVersion", access.models, versionScope.stages, versionScope.locales);
        access.models.forEach((m) => readModels.add(m));
      }
      if (sel.selectionSet) walk(sel.selectionSet, getNamedType(def.type), inner, false);
    }
  };

  const start: Ctx = { stages: [defaults.stage], locales: defaults.locales, rootLocales: defaults.locales };
  walk(operation.selectionSet, rootType, start, true);
  return {
    operation,
    kind: operation.operation,
    touches: touches.list(),
    stage: defaults.stage,
    locales: defaults.locales,
    readModels: [...readModels].sort(),
    variableValues: vars,
    fieldUses,
    unclassified: [...unclassified.values()],
  };
}

/** Stage and locales a `<model>Version` read needs: `where.stage`, else every stage; every locale. */
function documentVersionScope(
  values: Record<string, unknown>,
  knowledge: SchemaKnowledge,
  allStages: string[],
  ctx: Ctx,
): { stages: string[]; locales: string[] } {
  const where = values["where"] as { stage?: unknown } | undefined;
  const stage = typeof where?.stage === "string" && allStages.includes(where.stage) ? where.stage : null;
  return { stages: stage ? [stage] : allStages, locales: knowledge.locales.length ? knowledge.locales : ctx.locales };
}

/** The operation to analyse, chosen as the pipeline chooses it (`selectOperation`); failing to choose is `reason: operationName`. */
function operationToAnalyse(document: DocumentNode, operationName: string | null): OperationDefinitionNode {
  try {
    return selectOperation(document, operationName).operation;
  } catch (error) {
    throw new GraphQLValidationError(error instanceof GraphQLValidationError ? error.message : "The operation cannot be chosen.", {
      reason: "operationName",
    });
  }
}

function lookupType(schema: GraphQLSchema, name: string): GraphQLNamedType {
  const t = schema.getType(name);
  if (!t) throw new GraphQLValidationError(`Unknown type "${name}".`, { reason: "type" });
  return t;
}

function stageArgValue(
  def: GraphQLField<unknown, unknown>,
  values: Record<string, unknown>,
  name: string,
  stageEnum: string | null,
): string[] {
  const arg = def.args.find((a) => a.name === name);
  if (!arg || getNamedType(arg.type).name !== stageEnum) return [];
  const v = values[name];
  return v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Whether a coerced argument value mentions `key` at any depth (e.g. nested `localizations`); iterative, so no input drives recursion. */
function mentionsKey(value: unknown, key: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object")
      for (const [k, inner] of Object.entries(v)) {
        if (k === key) return true;
        stack.push(inner);
      }
  }
  return false;
}
