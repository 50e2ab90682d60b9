/**
 * What a Hygraph content webhook invalidates.
 *
 * Hygraph's webhook documentation (hygraph.com/docs/api-reference/basics/webhooks, "Receiving a
 * webhook"): the JSON body always contains `operation` and `data`; `data` always contains
 * `__typename` (the model), `id` and `stage`, plus — when the webhook includes payloads — the
 * entry's other fields, related entries as `{ id, __typename }` and `localizations`. Create,
 * update and delete send the DRAFT version; publish and unpublish send the version of the stage
 * published to / unpublished from. Triggers are create, update, delete, publish and unpublish
 * (plus workflow steps on newer projects).
 *
 * Example: `{ "operation": "publish", "data": { "__typename": "Post", "id": "ckx…", "stage": "PUBLISHED", "title": "…" } }`
 *
 * Mapping to version bumps (SPEC §3, issue 4):
 * - create / update → the entry's model in `data.stage` (DRAFT): published answers keep hitting;
 *   a new entry joins cached lists because every list of the model depends on the model counter;
 * - publish / unpublish → the model in `data.stage` (the target / source stage);
 * - delete, and any operation not listed above (e.g. workflow steps) → the model in every stage
 *   (`"*"`), the conservative choice.
 * Each entry with an `id` invalidates only answers that contain it, plus its model's lists (issue
 * 12, entry-level invalidation); a webhook cannot tell whether references moved, so it always
 * counts as moving them. An entry without an `id` invalidates its whole model (when in doubt, the model).
 */
import type { Change } from "../authority/changes";
import { BadRequestError, InvalidScopeValueError } from "../errors";

export const WEBHOOK_OPERATIONS = ["create", "update", "delete", "publish", "unpublish"] as const;
export type WebhookOperation = (typeof WEBHOOK_OPERATIONS)[number];

/** What to bump for one webhook. */
export interface WebhookInvalidation {
  /** The operation as sent (lower-cased). */
  operation: string;
  /** Models (GraphQL type names) to bump, de-duplicated. */
  models: string[];
  /** Stages to bump them in, or `"*"` for every stage. */
  stages: string[] | "*";
  /** Entry ids involved. */
  ids: string[];
  /** What to invalidate: each entry by id (its model when it has none), in `stages`. */
  changes: Change[];
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Extracts the invalidation from a parsed webhook body. Accepts `data` as one entry or a list.
 * A `data.stage` must be a GraphQL name and, when the origin's stages are known, one of them
 * (SPEC §3a: every stage value is validated, webhook payloads included).
 *
 * @throws {BadRequestError} when the body is not `{ operation: string, data: { __typename, … } }`.
 * @throws {InvalidScopeValueError} (400 `INVALID_STAGE`, `field: "data.stage"`) for any other stage.
 * @example
 * parseWebhookPayload({ operation: "update", data: { __typename: "Post", id: "p1", stage: "DRAFT" } });
 * // { operation: "update", models: ["Post"], stages: ["DRAFT"], ids: ["p1"],
 * //   changes: [{ kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: true }] }
 */
export function parseWebhookPayload(body: unknown, knownStages?: readonly string[]): WebhookInvalidation {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequestError("Webhook body must be a JSON object.");
  const { operation, data } = body as { operation?: unknown; data?: unknown };
  if (typeof operation !== "string" || !operation) throw new BadRequestError("Webhook body has no operation.", { field: "operation" });
  const entries = Array.isArray(data) ? data : [data];
  if (entries.length === 0) throw new BadRequestError("Webhook body has no data.", { field: "data" });
  const models = new Set<string>();
  const stages = new Set<string>();
  const ids = new Set<string>();
  const byModel = new Map<string, Set<string> | null>();
  for (const entry of entries) {
    if (!entry || typeof entry !== "object") throw new BadRequestError("Webhook data must be an object.", { field: "data" });
    const { __typename, stage, id } = entry as { __typename?: unknown; stage?: unknown; id?: unknown };
    if (typeof __typename !== "string" || !NAME.test(__typename)) {
      throw new BadRequestError("Webhook data has no valid __typename.", { field: "data.__typename" });
    }
    models.add(__typename);
    if (stage !== undefined && stage !== null) {
      const valid = typeof stage === "string" && NAME.test(stage) && (!knownStages || knownStages.includes(stage));
      if (!valid) throw new InvalidScopeValueError("stage", { field: "data.stage" }, stage, knownStages ?? []);
      stages.add(stage);
    }
    const known = byModel.has(__typename) ? byModel.get(__typename)! : new Set<string>();
    if (typeof id === "string" && id) {
      ids.add(id);
      known?.add(id);
      byModel.set(__typename, known);
    } else {
      byModel.set(__typename, null); // an entry we cannot name: the whole model
    }
  }
  const op = operation.toLowerCase();
  let stageSet: string[] | "*";
  if (op === "create" || op === "update") stageSet = stages.size ? [...stages] : ["DRAFT"];
  else if (op === "publish" || op === "unpublish") stageSet = stages.size ? [...stages] : "*";
  else stageSet = "*";
  const changes: Change[] = [...byModel].map(([model, entryIds]): Change =>
    entryIds
      ? { kind: "entries", stages: stageSet, model, ids: [...entryIds], relations: true }
      : { kind: "model", stages: stageSet, models: [model] },
  );
  return { operation: op, models: [...models], stages: stageSet, ids: [...ids], changes };
}
