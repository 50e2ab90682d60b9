import { describe, expect, it, vi } from "vitest";
import { parse, visit, type OperationDefinitionNode } from "graphql";
import { ForwardGuardError } from "../../src/errors";
import { originHeaders } from "../../src/origin/headers";
import { enforceConditions, type EnforceInput, type Enforced } from "../../src/permissions/conditions";
import { guardForwarded } from "../../src/permissions/forward-guard";
import { normalizeRules } from "../../src/projects/rules";
import { authorise, type Authorised } from "../../src/pipeline/authorise";
import { FIXTURE_KNOWN, TEST_PROJECT } from "../support/project";

const known = FIXTURE_KNOWN;
const project = TEST_PROJECT;
const publicPosts = { kind: "public" as const, rules: normalizeRules([{ action: "read", model: "Post", stages: ["PUBLISHED"] }], "rules") };

/** Decides `query` for public Post readers with `rewrite`, then guards exactly what the pipeline would send. */
function forward(
  query: string,
  rewrite: (input: EnforceInput) => Enforced = enforceConditions,
  tamper: (allowed: Authorised) => { stage: string; locales: string[]; query: string } = (a) => a,
) {
  const allowed = authorise(
    { known, document: parse(query), operationName: null, variables: null, principal: publicPosts, project, headers: new Headers() },
    { rewrite },
  );
  const sent = tamper(allowed);
  const body = JSON.stringify({ query: sent.query });
  const headers = originHeaders({ client: new Headers(), stage: sent.stage, locales: sent.locales });
  return () => guardForwarded({ known, project, authorised: allowed, body, headers });
}

/** A rewriter with a bug: besides enforcing conditions, it adds a root field nobody authorised. */
const addsRootField =
  (field: string) =>
  (input: EnforceInput): Enforced => ({
    checks: null,
    document: visit(enforceConditions(input).document, {
      OperationDefinition(node) {
        const extra = (parse(`{ leak: ${field} }`).definitions[0] as OperationDefinitionNode).selectionSet.selections[0]!;
        return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, extra] } };
      },
    }),
  });

describe("forward guard: what leaves is what was authorised", () => {
  it("passes what authorise produced", () => {
    expect(forward("{ posts { title } p: postsConnection { edges { node { id } } } }")).not.toThrow();
  });

  it.each([
    ["a rewriter that adds a read of another model", addsRootField("authors(stage: PUBLISHED) { name }")],
    ["a rewriter that adds a DRAFT read", addsRootField("posts(stage: DRAFT) { title }")],
    ["a rewriter that adds a version read", addsRootField('postVersion(where: { id: "p", revision: 1, stage: PUBLISHED }) { data }')],
    ["a rewriter that adds an unclassified field", addsRootField("serverTime")],
    [
      "a rewriter that adds a filter through a relation (an argument read, issue 19)",
      addsRootField('posts(where: { author: { name_starts_with: "A" } }) { id }'),
    ],
    ["a rewriter that adds a skipped field that is not skipped", addsRootField("authors @include(if: true) { id }")],
    ["a rewriter that returns a mutation", () => ({ checks: null, document: parse('mutation { deletePost(where: { id: "p" }) { id } }') })],
  ])("%#: refuses %s, before anything is sent", (_name, rewrite) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(forward("{ posts { title } }", rewrite)).toThrow(ForwardGuardError);
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });

  it.each([
    [
      "a stage header the decision did not use",
      (a: Authorised) => ({ ...a, stage: "DRAFT", query: a.query.replace("PUBLISHED", "DRAFT") }),
    ],
    ["GraphQL text in a header", (a: Authorised) => ({ ...a, locales: ["en]) { id } x: authors(locales: [en"] })],
    ["a document that does not parse", (a: Authorised) => ({ ...a, query: `${a.query} }` })],
    ["a document the schema does not validate", (a: Authorised) => ({ ...a, query: "{ posts { nope } }" })],
  ])("%#: refuses %s", (_name, tamper) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(forward("{ posts { title } }", enforceConditions, tamper)).toThrow(ForwardGuardError);
    log.mockRestore();
  });

  it("answers 500 with a code that says it is an internal guard, never the details", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      forward("{ posts { title } }", addsRootField("authors { name }"))();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ForwardGuardError);
      expect((error as ForwardGuardError).status).toBe(500);
      expect((error as ForwardGuardError).code).toBe("INTERNAL_GUARD_REJECTED");
      expect((error as ForwardGuardError).message).not.toContain("Author");
      expect(String(log.mock.calls[0])).toContain("read Author PUBLISHED en");
    } finally {
      log.mockRestore();
    }
  });
});
