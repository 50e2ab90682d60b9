/**
 * What an origin answer teaches about its dependencies, and the answer as the client must see it.
 *
 * For each entry position of the plan (`plan.ts`) the answer holds an entry or `null`:
 *
 * | position | entry found (id learned) | `null` |
 * |---|---|---|
 * | lookup by id | `E` of the entry | `E` of the id asked for (a later create or publish names it) |
 * | lookup by another unique field | `E` of the entry (no other entry can hold the value while it does) | `L` of the model (any entry may come to match) |
 * | single reference | `E` of the entry and `R` of its model (the reference may move from the other side) | `L` of the model (the target may appear) |
 *
 * Anything unexpected (no id where one was asked for, a model the position cannot hold, a list
 * where an object was expected) falls back to the position's model-level dependencies.
 */
import { entryDependency, listDependency, relationDependency, type Dependency } from "../authority/changes";
import { removeMembers } from "./json-members";
import type { CachePlan, Position } from "./plan";

/** What was learned from one answer. */
export interface Learned {
  /** The answer text without the identity fields (byte-identical to an answer to the unaugmented document). */
  body: string;
  /** Dependencies learned from the entries (the plan's static ones not included). */
  dependencies: Dependency[];
  /** Whether any dependency names an entry. */
  dependsOnEntries: boolean;
  /** Mutation response key → the id of the entry it returned (`null`: it returned none). */
  mutationIds: Map<string, string | null>;
}

/**
 * Learns from an answer. `parsed` is its JSON (already parsed by the caller), `body` its text.
 *
 * @example
 * const learned = learnFromAnswer(plan, text, JSON.parse(text));
 * learned.dependencies; // ["E|PUBLISHED|Post|p1"]
 */
export function learnFromAnswer(plan: CachePlan, body: string, parsed: unknown): Learned {
  const learned: Learned = { body, dependencies: [], dependsOnEntries: false, mutationIds: new Map() };
  const data = isObject(parsed) ? parsed["data"] : undefined;
  const identified = plan.mutations.filter((m) => m.identified);
  if (!isObject(data) || (plan.positions.length === 0 && identified.length === 0)) return learned;
  const deps = new Set<Dependency>();
  const strip: string[][] = [];
  const walker = new Walker(plan, deps, strip);
  walker.positions(plan.positions, data, ["data"], undefined);
  for (const m of identified) {
    const value = data[m.key];
    if (!isObject(value)) {
      if (m.key in data) learned.mutationIds.set(m.key, null);
      continue;
    }
    if (plan.idAlias in value) strip.push(["data", m.key, plan.idAlias]);
    const id = value[plan.idAlias];
    learned.mutationIds.set(m.key, typeof id === "string" && id ? id : null);
  }
  learned.dependencies = [...deps].sort();
  learned.dependsOnEntries = learned.dependencies.some((d) => d.startsWith("E|"));
  learned.body = removeMembers(body, strip);
  return learned;
}

class Walker {
  constructor(
    private readonly plan: CachePlan,
    private readonly deps: Set<Dependency>,
    private readonly strip: string[][],
  ) {}

  positions(positions: readonly Position[], object: Record<string, unknown>, path: readonly string[], typename: string | undefined): void {
    for (const p of positions) {
      if (p.onTypes && typename !== undefined && !p.onTypes.includes(typename)) continue;
      if (!(p.key in object)) continue;
      this.position(p, object[p.key], [...path, p.key]);
    }
  }

  private position(p: Position, value: unknown, path: string[]): void {
    if (p.kind === "object") {
      if (isObject(value)) this.positions(p.children, value, path, undefined);
      else if (value !== null) this.fallback(p);
      return;
    }
    if (value === null) {
      for (const stage of p.stages) {
        for (const model of p.models) {
          this.deps.add(
            p.kind === "lookup" && p.knownId !== undefined ? entryDependency(stage, model, p.knownId) : listDependency(stage, model),
          );
        }
      }
      return;
    }
    if (!isObject(value)) {
      this.fallback(p);
      return;
    }
    const { idAlias, typeAlias } = this.plan;
    if (idAlias in value) this.strip.push([...path, idAlias]);
    if (p.typed && typeAlias in value) this.strip.push([...path, typeAlias]);
    const id = value[idAlias];
    const model = p.typed ? value[typeAlias] : p.models[0];
    if (typeof id !== "string" || id === "" || typeof model !== "string" || !p.models.includes(model)) {
      this.fallback(p);
      this.positions(p.children, value, path, typeof model === "string" ? model : undefined);
      return;
    }
    for (const stage of p.stages) {
      this.deps.add(entryDependency(stage, model, id));
      if (p.kind === "relation") this.deps.add(relationDependency(stage, model));
    }
    this.positions(p.children, value, path, model);
  }

  private fallback(p: Position): void {
    for (const dep of p.fallback) this.deps.add(dep);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
