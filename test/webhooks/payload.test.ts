import { describe, expect, it } from "vitest";
import { parseWebhookPayload, type WebhookInvalidation } from "../../src/webhooks/payload";

describe("Hygraph webhook payloads", () => {
  it.each<[string, unknown, Omit<WebhookInvalidation, "operation" | "changes">]>([
    [
      "create → DRAFT",
      { operation: "create", data: { __typename: "Post", id: "p1", stage: "DRAFT", title: "x" } },
      { models: ["Post"], stages: ["DRAFT"], ids: ["p1"] },
    ],
    [
      "update → DRAFT",
      { operation: "update", data: { __typename: "Post", id: "p1", stage: "DRAFT", author: { __typename: "Author", id: "a1" } } },
      { models: ["Post"], stages: ["DRAFT"], ids: ["p1"] },
    ],
    [
      "update without stage → DRAFT",
      { operation: "update", data: { __typename: "Post", id: "p1" } },
      { models: ["Post"], stages: ["DRAFT"], ids: ["p1"] },
    ],
    [
      "publish → target stage",
      { operation: "publish", data: { __typename: "Post", id: "p1", stage: "PUBLISHED" } },
      { models: ["Post"], stages: ["PUBLISHED"], ids: ["p1"] },
    ],
    [
      "publish to a custom stage",
      { operation: "publish", data: { __typename: "Page", id: "g1", stage: "QA" } },
      { models: ["Page"], stages: ["QA"], ids: ["g1"] },
    ],
    [
      "unpublish → source stage",
      { operation: "unpublish", data: { __typename: "Author", id: "a1", stage: "PUBLISHED" } },
      { models: ["Author"], stages: ["PUBLISHED"], ids: ["a1"] },
    ],
    [
      "delete → every stage",
      { operation: "delete", data: { __typename: "Post", id: "p1", stage: "DRAFT" } },
      { models: ["Post"], stages: "*", ids: ["p1"] },
    ],
    [
      "unknown operation → every stage",
      { operation: "transitionStep", data: { __typename: "Post", id: "p1", stage: "DRAFT" } },
      { models: ["Post"], stages: "*", ids: ["p1"] },
    ],
    [
      "list of entries",
      {
        operation: "publish",
        data: [
          { __typename: "Post", id: "p1", stage: "PUBLISHED" },
          { __typename: "Post", id: "p2", stage: "PUBLISHED" },
        ],
      },
      { models: ["Post"], stages: ["PUBLISHED"], ids: ["p1", "p2"] },
    ],
    [
      "Asset model",
      { operation: "update", data: { __typename: "Asset", id: "as1", stage: "DRAFT", localizations: [{ locale: "en" }] } },
      { models: ["Asset"], stages: ["DRAFT"], ids: ["as1"] },
    ],
  ])("%s", (_name, body, expected) => {
    expect(parseWebhookPayload(body)).toMatchObject(expected);
  });

  it.each<[string, unknown, WebhookInvalidation["changes"]]>([
    [
      "one entry: that entry, references possibly moved",
      { operation: "update", data: { __typename: "Post", id: "p1" } },
      [{ kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: true }],
    ],
    [
      "entries of two models",
      {
        operation: "publish",
        data: [
          { __typename: "Post", id: "p1", stage: "PUBLISHED" },
          { __typename: "Author", id: "a1", stage: "PUBLISHED" },
          { __typename: "Post", id: "p2", stage: "PUBLISHED" },
        ],
      },
      [
        { kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1", "p2"], relations: true },
        { kind: "entries", stages: ["PUBLISHED"], model: "Author", ids: ["a1"], relations: true },
      ],
    ],
    [
      "an entry without id: its whole model",
      { operation: "delete", data: [{ __typename: "Post", id: "p1" }, { __typename: "Post" }] },
      [{ kind: "model", stages: "*", models: ["Post"] }],
    ],
  ])("changes for %s", (_name, body, changes) => {
    expect(parseWebhookPayload(body).changes).toEqual(changes);
  });

  it.each<[string, unknown]>([
    ["not an object", "x"],
    ["array", []],
    ["no operation", { data: { __typename: "Post" } }],
    ["no data", { operation: "publish" }],
    ["no __typename", { operation: "publish", data: { id: "p1" } }],
    ["invalid __typename", { operation: "publish", data: { __typename: "Post:*" } }],
  ])("rejects %s with BAD_REQUEST", (_name, body) => {
    expect(() => parseWebhookPayload(body)).toThrow(expect.objectContaining({ code: "BAD_REQUEST", status: 400 }));
  });

  it.each<[string, unknown, readonly string[] | undefined]>([
    ["a stage that is not a name", "PUBLISHED} x", undefined],
    ["a stage that is not a string", 7, undefined],
    ["a stage the origin lacks", "ARCHIVED", ["DRAFT", "PUBLISHED"]],
    ["a stage in the wrong case", "published", ["DRAFT", "PUBLISHED"]],
  ])("rejects %s with 400 INVALID_STAGE naming data.stage", (_name, stage, known) => {
    expect(() => parseWebhookPayload({ operation: "publish", data: { __typename: "Post", id: "p1", stage } }, known)).toThrow(
      expect.objectContaining({ code: "INVALID_STAGE", status: 400, extensions: expect.objectContaining({ field: "data.stage" }) }),
    );
  });

  it("accepts a stage the origin has", () => {
    expect(
      parseWebhookPayload({ operation: "publish", data: { __typename: "Post", id: "p1", stage: "PUBLISHED" } }, ["DRAFT", "PUBLISHED"])
        .stages,
    ).toEqual(["PUBLISHED"]);
  });
});
