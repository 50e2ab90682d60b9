import { describe, expect, it } from "vitest";
import { normalizeRules } from "../../src/projects/rules";
import { knowledge } from "../fixtures/schema";

const known = { models: knowledge.models, stages: knowledge.stages, locales: knowledge.locales };

describe("normalizeRules", () => {
  it.each([
    [
      "names become sorted lists",
      { action: ["read", "publish"], model: "Post", stages: "PUBLISHED", locales: ["en", "de"] },
      { action: ["publish", "read"], model: ["Post"], stages: ["PUBLISHED"], locales: ["de", "en"] },
    ],
    [
      "duplicates are removed",
      { action: ["read", "read"], model: ["Post", "Post"] },
      { action: ["read"], model: ["Post"], stages: "*", locales: "*" },
    ],
    ["stages and locales default to all", { action: "read", model: "*" }, { action: ["read"], model: "*", stages: "*", locales: "*" }],
    ["a list containing * is *", { action: ["read", "*"], model: ["Post", "*"] }, { action: "*", model: "*", stages: "*", locales: "*" }],
    [
      "condition kept",
      { action: "read", model: "Post", condition: { id: "1", OR: [{ slug: "a" }] } },
      { action: ["read"], model: ["Post"], stages: "*", locales: "*", condition: { id: "1", OR: [{ slug: "a" }] } },
    ],
  ])("%#: %s", (_name, raw, expected) => {
    expect(normalizeRules([raw], "publicPermissions", known)).toEqual([expected]);
  });

  // [raw rules, field named]
  it.each<[string, unknown, string]>([
    ["not a list", { action: "read" }, "publicPermissions"],
    ["rule not an object", ["read"], "publicPermissions[0]"],
    ["rule is null", [null], "publicPermissions[0]"],
    [
      "unknown action",
      [
        { action: "read", model: "Post" },
        { action: "write", model: "Post" },
      ],
      "publicPermissions[1].action",
    ],
    ["unknown action in a list", [{ action: ["read", "destroy"], model: "Post" }], "publicPermissions[0].action[1]"],
    ["missing action", [{ model: "Post" }], "publicPermissions[0].action"],
    ["missing model", [{ action: "read" }], "publicPermissions[0].model"],
    [
      "unknown model",
      [
        { action: "read", model: "Post" },
        { action: "read", model: "*" },
        { action: "read", model: "Secret" },
      ],
      "publicPermissions[2].model",
    ],
    ["unknown stage", [{ action: "read", model: "*", stages: ["PUBLISHED", "QA"] }], "publicPermissions[0].stages[1]"],
    ["unknown locale", [{ action: "read", model: "*", locales: "fr" }], "publicPermissions[0].locales"],
    ["empty list", [{ action: "read", model: [] }], "publicPermissions[0].model"],
    ["non-string name", [{ action: "read", model: [1] }], "publicPermissions[0].model[0]"],
    ["wrong type", [{ action: "read", model: "*", stages: 5 }], "publicPermissions[0].stages"],
    ["unknown key (typo)", [{ action: "read", model: "*", stage: "DRAFT" }], "publicPermissions[0].stage"],
    ["condition not an object", [{ action: "read", model: "*", condition: "id = 1" }], "publicPermissions[0].condition"],
    ["condition is a list", [{ action: "read", model: "*", condition: [{ id: "1" }] }], "publicPermissions[0].condition"],
    ["condition empty", [{ action: "read", model: "*", condition: {} }], "publicPermissions[0].condition"],
    ["condition with non-JSON value", [{ action: "read", model: "*", condition: { n: Number.NaN } }], "publicPermissions[0].condition"],
  ])("%#: %s → INVALID_CONFIG naming the field", (_name, raw, field) => {
    let error: unknown;
    try {
      normalizeRules(raw, "publicPermissions", known);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "INVALID_CONFIG", status: 400, extensions: { field } });
  });

  it("accepts any model, stage and locale name when none are known yet", () => {
    expect(normalizeRules([{ action: "read", model: "Anything", stages: "QA" }], "roles.editor")).toEqual([
      { action: ["read"], model: ["Anything"], stages: ["QA"], locales: "*" },
    ]);
  });

  it("copies conditions so later mutation of the input cannot change a stored rule", () => {
    const condition = { id: "1" };
    const [rule] = normalizeRules([{ action: "read", model: "Post", condition }], "p");
    condition.id = "2";
    expect(rule?.condition).toEqual({ id: "1" });
  });
});
