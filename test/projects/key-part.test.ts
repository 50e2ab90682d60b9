import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorityName } from "../../src/authority/client";
import { patIndexKey, patIndexPrefix, patKey } from "../../src/auth/pat-store";
import { encodeKeyPart, refKeyPart } from "../../src/projects/key-part";
import { projectKey } from "../../src/projects/store";
import type { ProjectRef } from "../../src/projects/types";
import { schemaKey } from "../../src/schema/store";
import { statsKeyPrefix } from "../../src/stats/store";

/**
 * SPEC §3a: keys built from project ids and environments can never collide — even for ids the
 * validation in front of them refuses (`:`, `/`, `%`, anything). Every builder of a key, a
 * Durable Object name or an isolate map key from a project is enumerated here.
 */
const DIGEST = "ab".repeat(32);
const BUILDERS: Record<string, (ref: ProjectRef) => string> = {
  "KV: configuration": projectKey,
  "KV: learned schema": schemaKey,
  "KV: token record": (ref) => patKey(ref, DIGEST),
  "KV: token index entry": (ref) => patIndexKey(ref, "tok-1"),
  "KV: token index prefix": patIndexPrefix,
  "KV: stats prefix": statsKeyPrefix,
  "Durable Object name and view URL": authorityName,
  "isolate map key": (ref) => refKeyPart(ref, ":"),
};
/** Prefixes that KV `list` reads: one project's must never start another's. */
const LISTED_PREFIXES: Record<string, (ref: ProjectRef) => string> = {
  "KV: token index prefix": patIndexPrefix,
  "KV: stats prefix": statsKeyPrefix,
};

/** Pairs that share a key when ids are joined raw (issue 19, finding 5). */
const COLLIDING: Array<[ProjectRef, ProjectRef]> = [
  [
    { projectId: "rt", environment: "x:y" },
    { projectId: "rt:x", environment: "y" },
  ],
  [
    { projectId: "a", environment: "b/c" },
    { projectId: "a/b", environment: "c" },
  ],
  [
    { projectId: "a", environment: "b%3Ac" },
    { projectId: "a", environment: "b:c" },
  ],
  [
    { projectId: "a%", environment: "b" },
    { projectId: "a%0025", environment: "b" },
  ],
];

const part = fc.string({ unit: fc.constantFrom("a", "b", ":", "/", "%", "0", "3", "A", "_", "-", "é", "\ud800"), maxLength: 8 });
const ref = fc.record({ projectId: part, environment: part });

describe("storage keys of projects", () => {
  it.each([
    ["master", "master"],
    ["A_z-09", "A_z-09"],
    ["x:y", "x%003ay"],
    ["a/b", "a%002fb"],
    ["%", "%0025"],
    ["é", "%00e9"],
    ["\ud800", "%d800"],
    ["", ""],
  ])("encodeKeyPart(%j) = %j", (input, encoded) => {
    expect(encodeKeyPart(input)).toBe(encoded);
  });

  it("valid ids are their own encoding: keys written before the encoding are the same keys", () => {
    const demo = { projectId: "demo", environment: "master" };
    expect([projectKey(demo), schemaKey(demo), authorityName(demo), statsKeyPrefix(demo), patIndexPrefix(demo)]).toEqual([
      "project:demo:master",
      "schema:demo:master",
      "demo/master",
      "stats:v2:demo:master:",
      "patid:demo:master:",
    ]);
  });

  it.each(COLLIDING)("%j and %j share no key", (a, b) => {
    for (const [name, build] of Object.entries(BUILDERS)) expect(build(a), name).not.toBe(build(b));
  });

  it("no two distinct (id, environment) pairs share any key, and no listed prefix starts another's", () => {
    const runs = Number(env.FC_RUNS) || 2_000;
    fc.assert(
      fc.property(ref, ref, (a, b) => {
        fc.pre(a.projectId !== b.projectId || a.environment !== b.environment);
        for (const build of Object.values(BUILDERS)) if (build(a) === build(b)) return false;
        for (const prefix of Object.values(LISTED_PREFIXES)) if (prefix(b).startsWith(prefix(a))) return false;
        return true;
      }),
      { numRuns: runs, ...(env.FC_SEED ? { seed: Number(env.FC_SEED) } : {}) },
    );
  });
});
