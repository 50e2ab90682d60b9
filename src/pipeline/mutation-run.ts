/**
 * One `/v2` mutation from announcement to answer. What is invalidated, and what the client is
 * told, follows from how far the write got, never from which error ended it:
 *
 * | phase | example failure | invalidated | the client gets |
 * |---|---|---|---|
 * | before it left | the forward guard refuses the mutation | nothing (nothing was sent) | that error (`INTERNAL_GUARD_REJECTED`) |
 * | sent, no usable answer | timeout, 5xx, a body that is no GraphQL result | the fallback: it may have written | that error (`ORIGIN_TIMEOUT`, `ORIGIN_ERROR`) |
 * | answered | an entry check of the answer is refused or fails | the fallback: it wrote | `WRITE_APPLIED_ANSWER_UNCHECKED` |
 * | answered and checked | — | what it changed (`mutationChanges`) | the origin's answer |
 *
 * The fallback (`mutationFallback`: every model it names or moves relations of, in every stage)
 * is announced to the project's authority before the write leaves (no announcement, no write: a
 * 503 when the authority is out of reach), so even a gateway that dies mid-way has it applied at
 * the announcement's deadline. Otherwise the changes are reported before the client is answered,
 * so the very next request anywhere sees them within the authority's bound.
 */
import type { AuditRecord } from "../audit/event";
import type { Authority } from "../authority/client";
import type { Change } from "../authority/changes";
import { ForwardGuardError, GatewayError, OriginBusyError, RateLimitedError, WriteAppliedAnswerUncheckedError } from "../errors";
import type { GraphQLMediaType } from "../http/media-type";
import { mutationChanges, mutationFallback, type MutationOutcome } from "../invalidation/mutations";
import type { CachePlan } from "../invalidation/plan";
import type { OriginAnswer } from "../origin/client";
import type { WaitUntil } from "../platform/wait-until";
import type { ProjectRef } from "../projects/types";
import type { LearnedOriginAnswer } from "./content-cache";
import { assertGraphQLAnswer, checkedOriginResponse } from "./origin-response";

/** The origin's answer to a mutation as the client may see it, with the ids of the entries it changed. */
export type LearnedMutationAnswer = LearnedOriginAnswer & { mutationIds?: Map<string, string | null> };

export interface MutationRun {
  ref: ProjectRef;
  authority: Pick<Authority, "begin" | "commit">;
  plan: CachePlan;
  mediaType: GraphQLMediaType;
  waitUntil: WaitUntil;
  /** The announcement's fallback applies this long after it was made, unless the write is reported first. */
  deadlineMs: number;
  /** Sends the mutation itself, through the forward guard. */
  send: () => Promise<OriginAnswer>;
  /** Every step after the origin answered: entry checks (more origin requests), stripping identity fields. */
  finish: (answer: OriginAnswer) => Promise<LearnedMutationAnswer>;
  /** Logs a failure of `finish` that is not a `GatewayError` (a bug), since the client sees only its wrapper. */
  logUnexpected: (error: unknown) => void;
  /** The write's audit event (SPEC §5a), announced with it and completed with its outcome. */
  audit: AuditRecord;
}

/** How a write ended, as its audit event says. */
type Result = Pick<AuditRecord, "outcome" | "details">;

/**
 * Announces, sends, checks and reports one mutation (see the table above).
 *
 * @throws the error of `send` (nothing sent, or the write may or may not have happened), or
 *   `WriteAppliedAnswerUncheckedError` (500) when a step after the origin's answer failed.
 * @example
 * const response = await runMutation({ ref, authority, plan: allowed.cache, mediaType, waitUntil, deadlineMs: 25_000, send, finish, logUnexpected });
 */
export async function runMutation(run: MutationRun): Promise<Response> {
  const { authority, ref } = run;
  const fallback = mutationFallback(run.plan);
  // Announced even when it invalidates nothing: its audit event is then recorded at the deadline
  // if the outcome is never reported (no announcement, no write).
  const writeId = await authority.begin(ref, fallback, Date.now() + run.deadlineMs, run.audit);
  const report = async (changes: Change[], result: Result) => {
    // A failed report leaves the fallback and the event ("outcome-unknown") to the authority's deadline; the write itself happened.
    await authority.commit(ref, writeId, changes, run.waitUntil, result).catch(() => undefined);
  };

  let answer: OriginAnswer;
  try {
    answer = await run.send();
    assertGraphQLAnswer(answer);
  } catch (error) {
    // `send` guards and applies the origin limits before it sends: a guard refusal, a rate limit or
    // a busy origin here means the mutation never left. Anything else (the origin failed, timed
    // out, answered no GraphQL result) may have written.
    const guarded = error instanceof ForwardGuardError;
    const limited = error instanceof RateLimitedError || error instanceof OriginBusyError;
    const code = error instanceof GatewayError ? error.code : "INTERNAL_SERVER_ERROR";
    const result = guarded ? "guard-refused" : limited ? "origin-limited" : "origin-failed";
    await report(guarded || limited ? [] : fallback, {
      outcome: guarded || limited ? "refused" : "error",
      details: { result, code, originStatus: originStatusOf(error) },
    });
    throw error;
  }

  let learned: LearnedMutationAnswer;
  let checked: ReturnType<typeof checkedOriginResponse>;
  try {
    learned = await run.finish(answer);
    checked = checkedOriginResponse(learned, run.mediaType);
  } catch (error) {
    // The origin answered: the write happened, whatever failed after it. Invalidate what it may
    // have changed, and never say "nothing was sent": a client retrying would write twice.
    await report(fallback, { outcome: "error", details: { result: "answer-unchecked", originStatus: answer.status } });
    if (!(error instanceof GatewayError)) run.logUnexpected(error);
    throw new WriteAppliedAnswerUncheckedError(error instanceof GatewayError ? error.code : "INTERNAL_SERVER_ERROR");
  }
  const outcome: MutationOutcome = learned.status !== 200 ? "refused" : checked.result.errors?.length ? "partial" : "ok";
  await report(mutationChanges(run.plan, learned.mutationIds ?? null, outcome), {
    outcome: outcome === "ok" ? "ok" : "error",
    details: { result: outcome === "refused" ? "origin-refused" : outcome, originStatus: learned.status },
  });
  checked.response.headers.set("cache-control", "no-store");
  return checked.response;
}

/** The origin's HTTP status behind an origin error, when it answered at all (`null`: no answer). */
function originStatusOf(error: unknown): number | null {
  const status = error instanceof GatewayError ? error.extensions["originStatus"] : undefined;
  return typeof status === "number" ? status : null;
}
