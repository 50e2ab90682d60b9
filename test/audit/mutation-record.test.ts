import { parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { mutationRecord, principalActor, rootFieldsOf } from "../../src/audit/mutation-record";
import type { Principal } from "../../src/auth/principal";

const operation = (text: string) => parse(text).definitions[0] as OperationDefinitionNode;

describe("the mutation audit event", () => {
  it.each<[string, Principal, unknown]>([
    ["a content token by id, never its secret", { kind: "pat", rules: [], tokenId: "tok_1" }, { kind: "token", id: "tok_1" }],
    [
      "a JWT by iss, sub and azp",
      { kind: "jwt", rules: [], userId: "user-7", claims: { iss: "https://issuer.example/", azp: "shop-app" } },
      { kind: "jwt", iss: "https://issuer.example/", sub: "user-7", azp: "shop-app" },
    ],
    ["the public", { kind: "public", rules: [] }, { kind: "public" }],
  ])("names %s", (_name, principal, actor) => {
    expect(principalActor(principal)).toEqual(actor);
  });

  it("lists root fields by name (aliases resolved, inline fragments included)", () => {
    expect(
      rootFieldsOf(operation('mutation { a: createPost(data: {}) { id } ... on Mutation { publishPost(where: { id: "1" }) { id } } }')),
    ).toEqual(["createPost", "publishPost"]);
  });

  it("names models and actions once each, sorted, and the operation", () => {
    const record = mutationRecord(
      { kind: "pat", rules: [], tokenId: "tok_1" },
      "Publish",
      ["publishPost"],
      [
        { action: "publish", model: "Post", stage: "PUBLISHED", locale: "en" },
        { action: "publish", model: "Post", stage: "PUBLISHED", locale: "de" },
        { action: "update", model: "Author", stage: "DRAFT", locale: "en" },
      ],
    );
    expect(record).toEqual({
      actor: { kind: "token", id: "tok_1" },
      action: "mutation",
      outcome: "ok",
      target: "Publish",
      details: { operationName: "Publish", rootFields: ["publishPost"], models: ["Author", "Post"], actions: ["publish", "update"] },
    });
  });
});
