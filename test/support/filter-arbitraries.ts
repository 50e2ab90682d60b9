/**
 * Random `where` values over any Hygraph-style schema, drawn by walking the where input type of
 * the field they go to (issue 19: "arguments are reads too"). Each input field is chosen by its
 * type and Hygraph's names, independently of the gateway's own classification:
 *
 * | family                     | input field                                                      |
 * |----------------------------|------------------------------------------------------------------|
 * | id                         | `id`, `id_in`, `id_not`, `id_contains`, …                        |
 * | scalar                     | any other scalar or enum input (`title_starts_with`, `count_gt`) |
 * | single relation            | `author: AuthorWhereInput`                                       |
 * | relation _some/_every/_none| `posts_some: PostWhereInput`, …                                  |
 * | createdBy…                 | `createdBy`/`updatedBy`/`publishedBy: UserWhereInput`            |
 * | scheduledIn_*              | `scheduledIn_some: ScheduledOperationWhereInput`, …              |
 * | component/union            | any other input object (`seo: SeoWhereInput`, `blocks_some: { Member: … }`) |
 * | documentInStages           | `documentInStages_some: { stage, compareWithParent: { outdated_to }, OR, NOT }` |
 * | AND/OR/NOT                 | lists of filters of the same type                                |
 *
 * Values come from the origin's own domains (`samples`), so filters match some entries and not
 * others. Nesting is bounded: at most three relation hops, four levels, twelve keys per filter.
 */
import fc from "fast-check";
import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ObjectFieldNode,
  type ValueNode,
} from "graphql";

type Gen = fc.GeneratorValue;

export interface FilterSpace {
  schema: GraphQLSchema;
  models: ReadonlySet<string>;
  stages: readonly string[];
  /** The values the origin's data takes for a leaf type. */
  samples: (type: GraphQLNamedType) => readonly unknown[];
  /** 1–`count` ids of entries of `models` (sometimes one that exists nowhere). */
  someIds: (models: readonly string[], count: number) => string[];
  /** Whether stage comparisons may name their stages inside `OR`/`NOT`/`AND` (default true). */
  stageLogic?: boolean;
}

type Category = "id" | "scalar" | "relation" | "stages" | "nested" | "logic";
interface Classified {
  byCategory: Map<Category, string[]>;
}

const MAX_HOPS = 3;
const MAX_DEPTH = 4;
const MAX_KEYS = 12;
const WEIGHTS: Record<Category, number> = { id: 2, scalar: 3, relation: 4, stages: 2, nested: 2, logic: 2 };
const FRAGMENT_OPS = /_(not_)?(contains|starts_with|ends_with)$/;

/**
 * Draws filters and their literals; `families` collects the families drawn (for statistics).
 *
 * @example
 * const filters = filterDrawer(g, space);
 * const where = filters.draw(schema.getType("PostWhereInput"), ["Post"]); // { author: { name_starts_with: "al" } }
 */
export function filterDrawer(g: Gen, space: FilterSpace) {
  const families = new Set<string>();
  const classified = new Map<string, Classified>();
  const pickOne = <T>(values: readonly T[]): T => g(() => fc.constantFrom(...values));
  const chance = (n: number) => g(() => fc.integer({ min: 0, max: n - 1 })) === 0;

  const modelFiltered = (type: GraphQLInputObjectType): string | null => {
    const m = /^(\w+?)WhereInput$/.exec(type.name);
    return m && space.models.has(m[1]!) ? m[1]! : null;
  };
  const isStageInput = (type: GraphQLInputObjectType) => {
    const stage = type.getFields()["stage"];
    return Boolean(stage && isEnumType(getNamedType(stage.type)) && !modelFiltered(type));
  };

  function classify(type: GraphQLInputObjectType): Classified {
    const known = classified.get(type.name);
    if (known) return known;
    const byCategory = new Map<Category, string[]>();
    const add = (c: Category, name: string) => byCategory.set(c, [...(byCategory.get(c) ?? []), name]);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (["AND", "OR", "NOT"].includes(field.name)) add("logic", field.name);
      else if (field.name === "id" || field.name.startsWith("id_")) add("id", field.name);
      else if (isLeafType(named)) {
        if (space.samples(named).every((v) => v === null || typeof v !== "object") && named.name !== "Stage") add("scalar", field.name);
      } else if (isInputObjectType(named)) {
        if (isStageInput(named)) add("stages", field.name);
        else if (modelFiltered(named)) add("relation", field.name);
        else add("nested", field.name);
      }
    }
    const out = { byCategory };
    classified.set(type.name, out);
    return out;
  }

  /** A value for a scalar comparison `key` of type `type` (a list for `_in`, a fragment for `_contains`, …). */
  function scalarValue(key: string, type: GraphQLInputType, idOf?: readonly string[]): unknown {
    const named = getNamedType(type);
    const one = (): unknown => {
      const sample = idOf ? pickOne(idOf) : pickOne(space.samples(named));
      if (typeof sample !== "string" || !FRAGMENT_OPS.test(key)) return sample;
      return pickOne([sample, sample.slice(0, 2), sample.slice(-2), "zz"]);
    };
    let inner = type;
    while (isNonNullType(inner)) inner = inner.ofType;
    if (isListType(inner)) return Array.from({ length: g(() => fc.integer({ min: 1, max: 2 })) }, one);
    return one();
  }

  /** `documentInStages_*`: a stage, a comparison with the parent, both, neither, or OR/NOT of them. */
  function stageValue(type: GraphQLInputObjectType, depth: number): Record<string, unknown> {
    const fields = type.getFields();
    const part = (): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (fields["stage"] && g(() => fc.integer({ min: 0, max: 2 })) > 0) out["stage"] = pickOne(space.stages);
      if (fields["compareWithParent"] && g(() => fc.boolean())) out["compareWithParent"] = { outdated_to: g(() => fc.boolean()) };
      return out;
    };
    const logic = ["OR", "NOT", "AND"].filter((k) => fields[k]);
    const nested = space.stageLogic !== false && logic.length > 0 && depth < MAX_DEPTH && chance(4);
    const value = nested ? { ...part(), [pickOne(logic)]: [part(), part()] } : part();
    families.add(JSON.stringify(value).includes('"stage"') ? "documentInStages naming a stage" : "documentInStages naming no stage");
    if (/"OR"|"NOT"/.test(JSON.stringify(value))) families.add("documentInStages with OR/NOT");
    return value;
  }

  function draw(
    type: GraphQLInputObjectType,
    models: readonly string[],
    depth: number,
    hops: number,
    budget: { left: number },
    inLogic: boolean,
  ) {
    const { byCategory } = classify(type);
    const out: Record<string, unknown> = {};
    const count = g(() => fc.integer({ min: 1, max: depth === 0 ? 3 : 2 }));
    for (let i = 0; i < count && budget.left > 0; i++) {
      const deeper = depth < MAX_DEPTH;
      const available = [...byCategory.keys()].filter(
        (c) => (c !== "relation" && c !== "stages" && c !== "nested" && c !== "logic") || (deeper && (c !== "relation" || hops < MAX_HOPS)),
      );
      if (available.length === 0) break;
      budget.left--;
      const category = g(() => fc.oneof(...available.map((c) => ({ weight: WEIGHTS[c], arbitrary: fc.constant(c) }))));
      // Relations by family first (single, each quantifier, system users, scheduledIn), then by name.
      const keys = byCategory.get(category)!;
      const group = category === "relation" ? pickOne([...new Set(keys.map(relationFamily))]) : null;
      const key = pickOne(group === null ? keys : keys.filter((k) => relationFamily(k) === group));
      const field = type.getFields()[key]!;
      const named = getNamedType(field.type);
      switch (category) {
        case "id":
          families.add("id");
          out[key] = scalarValue(key, field.type, space.someIds(models.length ? models : [...space.models], 2));
          break;
        case "scalar":
          families.add("scalar");
          out[key] = scalarValue(key, field.type);
          break;
        case "logic":
          families.add("AND/OR/NOT");
          out[key] = Array.from({ length: g(() => fc.integer({ min: 1, max: 2 })) }, () =>
            draw(type, models, depth + 1, hops, budget, true),
          );
          break;
        case "stages":
          out[key] = stageValue(named as GraphQLInputObjectType, depth + 1);
          break;
        case "relation": {
          const target = modelFiltered(named as GraphQLInputObjectType)!;
          families.add(relationFamily(key));
          if (hops >= 1) families.add("relation nested 2-3 hops");
          if (inLogic) families.add("relation inside AND/OR/NOT");
          if (chance(10)) {
            families.add("null relation filter");
            out[key] = null;
          } else out[key] = draw(named as GraphQLInputObjectType, [target], depth + 1, hops + 1, budget, false);
          break;
        }
        case "nested": {
          const input = named as GraphQLInputObjectType;
          const members = Object.keys(input.getFields()).filter((f) => space.schema.getType(f));
          if (members.length > 0) {
            // A union's filter: one member's filter (a model's, or a component's).
            const member = pickOne(members);
            const memberInput = getNamedType(input.getFields()[member]!.type) as GraphQLInputObjectType;
            const model = space.models.has(member);
            families.add(model ? "union member (model)" : "union member (component)");
            out[key] = { [member]: draw(memberInput, model ? [member] : [], depth + 1, model ? hops + 1 : hops, budget, false) };
          } else {
            families.add("component");
            out[key] = draw(input, [], depth + 1, hops, budget, false);
          }
          break;
        }
      }
    }
    return out;
  }

  return {
    families,
    /** A filter of `type`, whose entries are of `models`. */
    draw: (type: GraphQLInputObjectType, models: readonly string[]) => draw(type, models, 0, 0, { left: MAX_KEYS }, false),
  };
}

function relationFamily(key: string): string {
  if (/^(createdBy|updatedBy|publishedBy)$/.test(key)) return "createdBy/updatedBy/publishedBy";
  if (key.startsWith("scheduledIn_")) return "scheduledIn_*";
  const quantifier = /_(some|every|none)$/.exec(key);
  return quantifier ? `relation _${quantifier[1]}` : "single relation";
}

/**
 * The literal of an input value, with now and then a field's value as a variable (`variable`
 * declares it and returns its node; `null` when variables are not allowed here).
 *
 * @example filterLiteral({ author: { name: "alpha" } }, PostWhereInput, variable, () => false); // { author: { name: "alpha" } }
 */
export function filterLiteral(
  value: unknown,
  type: GraphQLInputType,
  variable: ((type: GraphQLInputType, value: unknown) => ValueNode) | null,
  asVariable: () => boolean,
): ValueNode {
  let inner = type;
  while (isNonNullType(inner)) inner = inner.ofType;
  if (value === null) return { kind: Kind.NULL };
  if (isListType(inner) && Array.isArray(value))
    return { kind: Kind.LIST, values: value.map((v) => filterLiteral(v, inner.ofType as GraphQLInputType, variable, asVariable)) };
  if (isInputObjectType(inner) && value && typeof value === "object") {
    const fields = inner.getFields();
    return {
      kind: Kind.OBJECT,
      fields: Object.entries(value as Record<string, unknown>).map(([k, v]): ObjectFieldNode => ({
        kind: Kind.OBJECT_FIELD,
        name: { kind: Kind.NAME, value: k },
        value: variable && asVariable() ? variable(fields[k]!.type, v) : filterLiteral(v, fields[k]!.type, variable, asVariable),
      })),
    };
  }
  const ast = astFromValue(value, inner);
  if (!ast) throw new Error(`no literal for ${JSON.stringify(value)} as ${String(type)}`);
  return ast;
}
