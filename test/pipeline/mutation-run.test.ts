import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { Change } from "../../src/authority/changes";
import { ForwardGuardError, GatewayError, OriginError, OriginTimeoutError } from "../../src/errors";
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
const fails = (error: unknown) => () => Promise.reject(error);
const guardRefusal = () => new ForwardGuardError("refused");

/** Runs one mutation with a recording authority; `finish` passes the answer through unless told otherwise. */
async function run(send: Step, finish?: Step) {
  const reported: Change[][] = [];
  const logged: unknown[] = [];
  const authority = {
    begin: async (_ref: unknown, fallback: Change[]) => (expect(fallback).toEqual(FALLBACK), "w1"),
    commit: async (_ref: unknown, _id: string, changes: Change[]) => void reported.push(changes),
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
  }).then(
    (response) => ({ status: response.status, code: null, cause: undefined }),
    (error: GatewayError) => ({ status: error.status, code: error.code, cause: error.extensions["cause"] }),
  );
  return { ...outcome, reported, logged: logged.length };
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
