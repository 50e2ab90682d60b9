import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/audit/event";
import type { Change } from "../../src/authority/changes";
import { ForwardGuardError, GatewayError, OriginBusyError, OriginError, OriginTimeoutError, RateLimitedError } from "../../src/errors";
import { planCache } from "../../src/invalidation/plan";
import type { OriginAnswer } from "../../src/origin/client";
import { runMutation, type LearnedMutationAnswer } from "../../src/pipeline/mutation-run";
import { analyse, knowledge, schema } from "../fixtures/schema";

const MUTATION = 'mutation { updatePost(where: { id: "p1" }, data: { title: "x" }) { id author { name } } }';
const plan = planCache({ knowledge, schema, document: parse(MUTATION), analysis: analyse(MUTATION), mode: "entry" });
const FALLBACK: Change[] = [{ kind: "model", stages: "*", models: ["Post"] }];
const CHANGED: Change[] = [{ kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: false }];

const answer = (status: number, body: unknown): OriginAnswer => ({
  status,
  headers: new Headers(),
  body: JSON.stringify(body),
  elapsedMs: 1,
});
const OK = answer(200, { data: { updatePost: { id: "p1", author: { name: "Ada" } } } });

type Step = () => Promise<OriginAnswer>;
type Result = Pick<AuditRecord, "outcome" | "details">;
const AUDIT: AuditRecord = {
  actor: { kind: "token", id: "t1" },
  action: "mutation",
  outcome: "ok",
  details: { rootFields: ["updatePost"] },
};
const fails = (error: unknown) => () => Promise.reject(error);
const guardRefusal = () => new ForwardGuardError("refused");

/** Runs one mutation with a recording authority; `finish` passes the answer through unless told otherwise. */
async function run(send: Step, finish?: Step) {
  const reported: Change[][] = [];
  const results: Result[] = [];
  const logged: unknown[] = [];
  const authority = {
    begin: async (_ref: unknown, fallback: Change[], _deadline: number, audit?: AuditRecord) => {
      expect(fallback).toEqual(FALLBACK);
      expect(audit).toBe(AUDIT);
      return "w1";
    },
    commit: async (_ref: unknown, _id: string, changes: Change[], _waitUntil: unknown, result?: Result) => {
      reported.push(changes);
      results.push(result!);
    },
  };
  const outcome = await runMutation({
    ref: { projectId: "p", environment: "master" },
    authority,
    plan,
    mediaType: "application/json",
    waitUntil: () => undefined,
    deadlineMs: 1000,
    send,
    finish: finish ? () => finish() as Promise<LearnedMutationAnswer> : async (a) => a,
    logUnexpected: (error) => void logged.push(error),
    audit: AUDIT,
  }).then(
    (response) => ({ status: response.status, code: null, cause: undefined }),
    (error: GatewayError) => ({ status: error.status, code: error.code, cause: error.extensions["cause"] }),
  );
  return { ...outcome, reported, results, logged: logged.length };
}

describe("runMutation: what a /v2 mutation invalidates and answers, by how far the write got", () => {
  it.each<[string, Step, Step | undefined, { status: number; code: string | null; cause?: string }, Change[], number]>([
    [
      "the forward guard refuses the mutation: nothing was sent",
      fails(guardRefusal()),
      undefined,
      { status: 500, code: "INTERNAL_GUARD_REJECTED" },
      [],
      0,
    ],
    [
      "the client is over its rate limit: nothing was sent",
      fails(new RateLimitedError(10, "ip", 30)),
      undefined,
      { status: 429, code: "RATE_LIMITED" },
      [],
      0,
    ],
    ["the origin is busy: nothing was sent", fails(new OriginBusyError(4)), undefined, { status: 503, code: "ORIGIN_BUSY" }, [], 0],
    [
      "the origin times out: it may have written",
      fails(new OriginTimeoutError("late")),
      undefined,
      { status: 504, code: "ORIGIN_TIMEOUT" },
      FALLBACK,
      0,
    ],
    [
      "the origin answers 502: it may have written",
      async () => answer(502, {}),
      undefined,
      { status: 502, code: "ORIGIN_ERROR" },
      FALLBACK,
      0,
    ],
    [
      "the forward guard refuses the entry check after the write",
      async () => OK,
      fails(guardRefusal()),
      { status: 500, code: "WRITE_APPLIED_ANSWER_UNCHECKED", cause: "INTERNAL_GUARD_REJECTED" },
      FALLBACK,
      0,
    ],
    [
      "the entry check cannot be fetched after the write",
      async () => OK,
      fails(new OriginError("check failed")),
      { status: 500, code: "WRITE_APPLIED_ANSWER_UNCHECKED", cause: "ORIGIN_ERROR" },
      FALLBACK,
      0,
    ],
    [
      "a bug after the write (logged)",
      async () => OK,
      fails(new TypeError("x is undefined")),
      { status: 500, code: "WRITE_APPLIED_ANSWER_UNCHECKED", cause: "INTERNAL_SERVER_ERROR" },
      FALLBACK,
      1,
    ],
    ["answered and checked: what it changed", async () => OK, undefined, { status: 200, code: null }, CHANGED, 0],
    [
      "refused by the origin (400 with errors): nothing changed",
      async () => answer(400, { errors: [{ message: "no" }] }),
      undefined,
      { status: 400, code: null },
      [],
      0,
    ],
  ])("%s", async (_name, send, finish, expected, reported, logged) => {
    const outcome = await run(send, finish);
    expect(outcome).toMatchObject(expected);
    expect(outcome.reported).toEqual([reported]);
    expect(outcome.logged).toBe(logged);
  });
});

describe("runMutation: the audit event says how the write ended (SPEC §5a)", () => {
  it.each<[string, Step, Step | undefined, Result["outcome"], Record<string, unknown>]>([
    [
      "guard refused: never sent",
      fails(guardRefusal()),
      undefined,
      "refused",
      { result: "guard-refused", code: "INTERNAL_GUARD_REJECTED", originStatus: null },
    ],
    [
      "rate limited: never sent",
      fails(new RateLimitedError(10, "token", 30)),
      undefined,
      "refused",
      { result: "origin-limited", code: "RATE_LIMITED", originStatus: null },
    ],
    [
      "origin busy: never sent",
      fails(new OriginBusyError(1)),
      undefined,
      "refused",
      { result: "origin-limited", code: "ORIGIN_BUSY", originStatus: null },
    ],
    ["origin timed out", fails(new OriginTimeoutError("late")), undefined, "error", { result: "origin-failed", code: "ORIGIN_TIMEOUT" }],
    [
      "origin answered 502",
      async () => answer(502, {}),
      undefined,
      "error",
      { result: "origin-failed", code: "ORIGIN_ERROR", originStatus: 502 },
    ],
    [
      "answer could not be checked",
      async () => OK,
      fails(new OriginError("check failed")),
      "error",
      { result: "answer-unchecked", originStatus: 200 },
    ],
    ["answered and checked", async () => OK, undefined, "ok", { result: "ok", originStatus: 200 }],
    [
      "origin refused with errors",
      async () => answer(400, { errors: [{ message: "no" }] }),
      undefined,
      "error",
      { result: "origin-refused", originStatus: 400 },
    ],
    [
      "answered with errors",
      async () => answer(200, { data: { updatePost: null }, errors: [{ message: "partly" }] }),
      undefined,
      "error",
      { result: "partial", originStatus: 200 },
    ],
  ])("%s", async (_name, send, finish, outcome, details) => {
    const { results } = await run(send, finish);
    expect(results).toHaveLength(1);
    expect(results[0]!.outcome).toBe(outcome);
    expect(results[0]!.details).toMatchObject(details);
  });
});
