import { describe, expect, it } from "vitest";
import { InvalidProjectIdError } from "../../src/errors";
import { assertValidProjectRef, invalidProjectParam, isValidProjectRef } from "../../src/projects/project-id";

/** SPEC §3a: project ids and environments are `[A-Za-z0-9_-]{1,64}`. */
describe("project ids and environments", () => {
  it.each([
    ["demo", "master", null],
    ["p-t1a2b3c4", "master", null],
    ["A_b-9", "Z", null],
    ["x".repeat(64), "e".repeat(64), null],
    ["rt", "x:y", "environment"],
    ["rt:x", "y", "projectId"],
    ["a/b", "c", "projectId"],
    ["a", "b/c", "environment"],
    ["demo.site", "master", "projectId"],
    ["demo", "mäster", "environment"],
    ["", "master", "projectId"],
    ["demo", "", "environment"],
    ["x".repeat(65), "master", "projectId"],
    ["demo", "e".repeat(65), "environment"],
    ["de mo", "master", "projectId"],
    ["demo", "%3A", "environment"],
    ["a:b", "c:d", "projectId"],
  ])("(%j, %j) → %j", (projectId, environment, invalid) => {
    const ref = { projectId, environment };
    expect(invalidProjectParam(ref)).toBe(invalid);
    expect(isValidProjectRef(ref)).toBe(invalid === null);
  });

  it("the admin API's assertion is a 400 INVALID_PROJECT_ID naming the parameter", () => {
    expect(() => assertValidProjectRef({ projectId: "demo", environment: "master" })).not.toThrow();
    const thrown = (() => {
      try {
        assertValidProjectRef({ projectId: "rt", environment: "x:y" });
      } catch (error) {
        return error;
      }
    })() as InvalidProjectIdError;
    expect(thrown).toBeInstanceOf(InvalidProjectIdError);
    expect([thrown.status, thrown.code, thrown.extensions]).toEqual([400, "INVALID_PROJECT_ID", { parameter: "environment" }]);
  });
});
