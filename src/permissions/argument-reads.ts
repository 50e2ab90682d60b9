/**
 * Arguments are reads too (SPEC §3a): the walk of an argument value that finds every model the
 * origin evaluates it against. `posts(where: { author: { name_starts_with: "Ad" } })` compares
 * Author names, so it reads Author as surely as `posts { author { name } }` does; a caller who may
 * not read Author could otherwise spell its data out one prefix at a time.
 *
 * The walk follows the coerced value (literals and variables alike) through the input types'
 * classification (schema/input-access.ts):
 *
 * | input field                                   | what it reads                                          |
 * |-----------------------------------------------|--------------------------------------------------------|
 * | value (scalar, enum)                          | the entry's own data: covered by the field's own read  |
 * | nested (`AND`/`OR`/`NOT`, component, union)   | walked in the same context                             |
 * | relation (`author`, `posts_some`, `createdBy`) | the related models in the field's stages and locales   |
 * | stages (`documentInStages_some`)              | the context models in the stages it names (all if none)|
 *
 * A rewriter may replace each relation or stage-comparison value (bottom-up): rule conditions are
 * AND-ed in there (conditions.ts). Nesting is bounded (`LIMIT_EXCEEDED`), so untrusted input
 * never drives unbounded recursion.
 */
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from "graphql";
import { LimitExceededError } from "../errors";
import type { InputAccessTable, NestedWriteAction } from "../schema/input-access";

/** Input objects nested deeper than this in one argument are refused before they are walked. */
export const MAX_INPUT_NESTING = 64;

/** Stages and locales the argument is evaluated in (those of the field holding it). */
export interface FilterScope {
  stages: readonly string[];
  locales: readonly string[];
  /** Every stage of the origin: what a stage comparison naming none reads. */
  allStages: readonly string[];
  /** The origin's stage enum, whose values a stage comparison names. */
  stageEnum: string | null;
}

/** One read an argument makes: `models` in `stages` × `locales`, found at `path` (`where.author`). */
export interface ArgumentRead {
  kind: "relation" | "stages" | "write";
  /** What it does to `models`: a read, or a nested write's actions (mutation data) and the read back. */
  actions: ("read" | NestedWriteAction)[];
  models: string[];
  stages: string[];
  locales: string[];
  path: string;
}

/** A relation or stage-comparison point, with its (already rewritten) value. */
export interface FilterPoint extends ArgumentRead {
  /** The input field's name (`author`, `posts_every`, `documentInStages_some`). */
  field: string;
  /** Named input type of the value (`AuthorWhereInput`). */
  type: string;
  value: unknown;
}

/** Returns the value to put at a point instead of `point.value` (or throws to refuse). */
export type PointRewriter = (point: FilterPoint) => unknown;

export interface WalkedArgument {
  reads: ArgumentRead[];
  /** The value with every point rewritten (the same object when nothing changed). */
  value: unknown;
}

/**
 * Walks one coerced argument value of type `type`, whose entries are of `models`.
 *
 * @throws LimitExceededError (`limit: "inputNesting"`) beyond {@link MAX_INPUT_NESTING} levels.
 * @example
 * walkArgument(table, scope, schema.getType("PostWhereInput"), ["Post"], { author: { name: "Ada" } }, "where").reads;
 * // [{ kind: "relation", models: ["Author"], stages: ["PUBLISHED"], locales: ["en"], path: "where.author" }]
 */
export function walkArgument(
  table: InputAccessTable,
  scope: FilterScope,
  type: GraphQLInputType,
  models: readonly string[],
  value: unknown,
  path: string,
  rewrite?: PointRewriter,
): WalkedArgument {
  const reads: ArgumentRead[] = [];
  const isStageEnum = (t: GraphQLInputType) => {
    const named = getNamedType(t);
    return isEnumType(named) && named.name === scope.stageEnum;
  };
  const walk = (t: GraphQLInputType, v: unknown, ctx: Ctx, at: string, depth: number): unknown => {
    if (v === null || v === undefined) return v;
    let inner = t;
    while (isNonNullType(inner)) inner = inner.ofType;
    if (isListType(inner)) {
      if (!Array.isArray(v)) return walk(inner.ofType, v, ctx, at, depth);
      let changed = false;
      const out = v.map((item) => {
        const next = walk(inner.ofType, item, ctx, at, depth);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : v;
    }
    if (!isInputObjectType(inner) || typeof v !== "object") return v;
    if (depth >= MAX_INPUT_NESTING)
      throw new LimitExceededError(
        "inputNesting",
        MAX_INPUT_NESTING,
        depth + 1,
        `Argument values may nest input objects ${MAX_INPUT_NESTING} levels deep.`,
      );
    const fields = table.get(inner.name);
    const definitions = inner.getFields();
    const object = v as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    for (const [key, fieldValue] of Object.entries(object)) {
      const definition = definitions[key];
      const access = fields?.get(key);
      if (!definition || !access || fieldValue === undefined) continue;
      const here = `${at}.${key}`;
      let next: unknown;
      const sink = ctx.stageSink;
      if (sink && isStageEnum(definition.type)) {
        // Inside a stage comparison, only `stage: X` where every enclosing level must hold (the
        // comparison itself, `AND`) narrows what is read; a stage under `OR` or `NOT`, a list or
        // any other stage-typed field can make the origin read any stage.
        if (key === "stage" && ctx.narrowing && typeof fieldValue === "string") sink.named.add(fieldValue);
        else sink.unbounded = true;
        continue;
      }
      if (access.kind === "value" || access.kind === "nested") {
        const inner = sink ? { ...ctx, narrowing: ctx.narrowing === true && key === "AND" } : ctx;
        next = walk(definition.type, fieldValue, inner, here, depth + 1);
      } else if (access.kind === "relation") {
        const read: ArgumentRead = {
          kind: "relation",
          actions: ["read"],
          models: access.models,
          stages: [...ctx.stages],
          locales: [...scope.locales],
          path: here,
        };
        reads.push(read);
        const walked = walk(definition.type, fieldValue, { models: access.models, stages: ctx.stages }, here, depth + 1);
        next = rewrite ? rewrite({ ...read, field: key, type: getNamedType(definition.type).name, value: walked }) : walked;
      } else if (access.kind === "write") {
        // A nested write (mutation data): the related model is written, and read back like the
        // mutation's own entry; what its data holds is walked as that model's.
        const models = access.models;
        // A nested delete removes the related entry from every stage, as a delete mutation does.
        const stages = access.actions.includes("delete") ? scope.allStages : ctx.stages;
        reads.push({
          kind: "write",
          actions: ["read", ...access.actions],
          models,
          stages: [...stages],
          locales: [...scope.locales],
          path: here,
        });
        next = walk(definition.type, fieldValue, { models, stages: ctx.stages }, here, depth + 1);
      } else {
        // A stage comparison reads the entry in the stages it names as `stage` (through `AND`), and
        // in every stage when it names none or names one where it cannot narrow (`OR`, `NOT`);
        // anything it reaches further is evaluated in any of them.
        const stageSink: StageSink = { named: new Set(), unbounded: false };
        const walked = walk(
          definition.type,
          fieldValue,
          { models: ctx.models, stages: scope.allStages, stageSink, narrowing: true },
          here,
          depth + 1,
        );
        const stages = stageSink.unbounded || stageSink.named.size === 0 ? [...scope.allStages] : [...stageSink.named].sort();
        const read: ArgumentRead = {
          kind: "stages",
          actions: ["read"],
          models: [...ctx.models],
          stages,
          locales: [...scope.locales],
          path: here,
        };
        reads.push(read);
        next = rewrite ? rewrite({ ...read, field: key, type: getNamedType(definition.type).name, value: walked }) : walked;
      }
      if (next !== fieldValue) (out ??= { ...object })[key] = next;
    }
    return out ?? v;
  };
  const value2 = walk(type, value, { models, stages: scope.stages }, path, 0);
  return { reads, value: value2 };
}

interface Ctx {
  /** Models whose entries the current input object filters. */
  models: readonly string[];
  /** Stages relation filters below are evaluated in. */
  stages: readonly string[];
  /** Inside a stage comparison: collects the stage values it names. */
  stageSink?: StageSink;
  /** Inside a stage comparison: whether every level above is one that must hold (the comparison, `AND`). */
  narrowing?: boolean;
}

interface StageSink {
  /** Stages named by `stage:` where they narrow the comparison. */
  named: Set<string>;
  /** Set when a stage value stands where it cannot narrow: every stage is read. */
  unbounded: boolean;
}
