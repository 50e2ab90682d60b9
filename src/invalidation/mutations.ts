/**
 * What a `/v2` mutation invalidates (issue 12). Each root field names its model and action
 * (`plan.ts`); the changed entry's id comes from its `where` (when that is an id) or from the
 * entry it returned (the forwarded selection asks for `id` under an alias). When the id is not
 * known — a `…Many…` mutation, an answer without the entry, a mutation the schema knowledge cannot
 * map — the model is invalidated: when in doubt, the model.
 *
 * | action | stages | entry changes | relations |
 * |---|---|---|---|
 * | create, update, upsert | DRAFT | the entry | only if `data` holds relation inputs; their models are then invalidated in DRAFT |
 * | publish | DRAFT and the target stages | the entry | yes (publishing moves the entry's references there) |
 * | unpublish | the source stages | the entry | yes |
 * | delete | every stage | the entry | yes |
 */
import type { Change } from "../authority/changes";
import type { CachePlan } from "./plan";

/** How the origin's answer to a mutation went. */
export type MutationOutcome =
  /** 200 without errors: every field did what it says. */
  | "ok"
  /** 200 with errors: some fields may or may not have written. */
  | "partial"
  /** The origin refused the operation before running it (4xx with GraphQL errors): nothing was written. */
  | "refused";

/**
 * The changes a mutation made, from its plan and the ids of the entries its answer returned
 * (`Learned.mutationIds`).
 *
 * @example mutationChanges(plan, new Map([["updatePost", "p1"]]), "ok"); // [{ kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: false }]
 */
export function mutationChanges(
  plan: CachePlan,
  mutationIds: ReadonlyMap<string, string | null> | null,
  outcome: MutationOutcome,
): Change[] {
  if (outcome === "refused") return [];
  const changes: Change[] = [];
  for (const m of plan.mutations) {
    if (m.model === null || m.action === null) {
      changes.push({ kind: "model", stages: "*", models: "*" });
      continue;
    }
    if (m.relationTargets.length) changes.push({ kind: "model", stages: m.stages, models: m.relationTargets });
    const id = m.many ? null : (m.whereId ?? mutationIds?.get(m.key) ?? null);
    if (id === null) {
      changes.push({ kind: "model", stages: m.stages, models: [m.model] });
      continue;
    }
    const movesRelations = m.action === "publish" || m.action === "unpublish" || m.action === "delete" || m.relationTargets.length > 0;
    changes.push({ kind: "entries", stages: m.stages, model: m.model, ids: [id], relations: movesRelations });
  }
  return changes;
}

/**
 * What to invalidate if a mutation's outcome is never reported (the gateway died, the origin
 * timed out): every model it names or moves relations of, in every stage.
 *
 * @example mutationFallback(plan); // [{ kind: "model", stages: "*", models: ["Author", "Post"] }]
 */
export function mutationFallback(plan: CachePlan): Change[] {
  if (plan.mutations.some((m) => m.model === null)) return [{ kind: "model", stages: "*", models: "*" }];
  const models = new Set<string>();
  for (const m of plan.mutations) {
    models.add(m.model!);
    for (const t of m.relationTargets) models.add(t);
  }
  return models.size ? [{ kind: "model", stages: "*", models: [...models].sort() }] : [];
}
