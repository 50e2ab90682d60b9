import { isInputObjectType, parse, print, type ValueNode } from "graphql";
import { OriginError } from "../errors";
import type { OriginAnswer } from "../origin/client";
import { conditionAst } from "../permissions/conditions";
import { applyEntryChecks, checkQuery, collectEntries, entryKeeper } from "../permissions/entry-checks";
import type { Condition } from "../projects/types";
import { rootListField } from "../schema/knowledge";
import type { KnownSchema } from "../schema/store";
import type { Authorised } from "./authorise";

/** Sends a GraphQL document to the origin, through the forward guard. */
export type SendToOrigin = (query: string) => Promise<OriginAnswer>;

/**
 * The origin's answer with the decision's entry checks applied (permissions/entry-checks.ts): the
 * entries at single-entry positions are checked against their conditions by one more request to
 * the origin, those that fail are removed, and the hidden identity fields are stripped. Anything
 * that is not a 200 GraphQL answer with `data` passes through for the cache step to judge. When
 * the check itself fails, nothing is answered from the first answer: `502 ORIGIN_ERROR`.
 *
 * @example
 * const answer = await withEntryChecks(await send(allowed.query), allowed, known, operationName, send);
 */
export async function withEntryChecks(
  answer: OriginAnswer,
  allowed: Authorised,
  known: KnownSchema,
  operationName: string | null,
  send: SendToOrigin,
): Promise<OriginAnswer> {
  const checks = allowed.checks;
  if (!checks || answer.status !== 200) return answer;
  let parsed: { data?: unknown } & Record<string, unknown>;
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return answer;
  }
  if (!parsed || typeof parsed !== "object" || parsed.data === null || typeof parsed.data !== "object") return answer;

  const input = { schema: known.schema, document: parse(allowed.query), operationName, prefix: checks.prefix, data: parsed.data };
  const query = checkQuery(
    known.knowledge,
    checks,
    collectEntries(input),
    allowed.touches,
    (condition, model) => listCondition(known, condition, model),
    // What the check request is sent with (`gcms-stage`, `gcms-locales`): where the list field has no stage or locales argument.
    { stage: allowed.stage, locales: allowed.locales },
  );
  let passed: Set<string> | undefined;
  let checkMs = 0;
  if (query) {
    const checked = await send(print(query.document));
    checkMs = checked.elapsedMs;
    passed = query.passed(checkData(checked));
  }
  const data = applyEntryChecks(input, entryKeeper(checks, allowed.touches, passed));
  return { ...answer, body: JSON.stringify({ ...parsed, data }), elapsedMs: answer.elapsedMs + checkMs };
}

/** The `data` of a successful check answer; anything else fails the request. */
function checkData(answer: OriginAnswer): Record<string, unknown> {
  try {
    const result = JSON.parse(answer.body) as { data?: unknown; errors?: unknown[] };
    if (answer.status === 200 && !result.errors?.length && result.data && typeof result.data === "object")
      return result.data as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OriginError("The origin could not confirm which entries satisfy a permission condition.", { originStatus: answer.status });
}

/** A condition as a literal of the model's root list `where` type (validated when the rule was saved). */
function listCondition(known: KnownSchema, condition: Condition, model: string): ValueNode {
  const list = rootListField(known.knowledge, model);
  const where = list ? known.knowledge.types[known.knowledge.queryType]?.[list]?.where : undefined;
  const whereType = where ? known.schema.getType(where) : undefined;
  if (!list || !whereType || !isInputObjectType(whereType)) throw new OriginError(`No list field of ${model} can check a condition.`);
  return conditionAst(condition, whereType, `${known.knowledge.queryType}.${list}`, []);
}
