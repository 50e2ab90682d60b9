import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import type { Principal } from "../../src/auth/principal";
import { originHeaders } from "../../src/origin/headers";
import { guardForwarded } from "../../src/permissions/forward-guard";
import { normalizeRules } from "../../src/projects/rules";
import { authorise } from "../../src/pipeline/authorise";
import { withEntryChecks } from "../../src/pipeline/checked-origin";
import { genericOrigin } from "../fixtures/generic-origin";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { TEST_PROJECT } from "../support/project";

/**
 * Issue 9 on a real Hygraph schema (hygraph-examples/with-houdini): an answer under a condition
 * the entries satisfy is the very text an unconditioned caller gets — aliases, `__typename`, field
 * order, `null` versus missing — and an entry outside it is `null` or left out, never an error.
 */
const real = REAL_SCHEMAS.find((s) => s.name.endsWith("with-houdini"))!;
const origin = genericOrigin(real.sdlSchema, { baseLocale: "en" });
const known = { knowledge: real.knowledge, schema: real.schema, fetchedAt: 0 };
const [P1, P2] = origin.ids["Product"]!;
const [A1] = origin.ids["Asset"]!;

/** What the gateway answers `query` for `rules`: decision, guarded origin calls, entry checks. */
async function answer(rules: unknown[], query: string, variables?: Record<string, unknown>): Promise<string> {
  const principal: Principal = { kind: "pat", rules: normalizeRules(rules, "rules") };
  const allowed = authorise({
    known,
    document: parse(query),
    operationName: null,
    variables: variables ?? null,
    principal,
    project: TEST_PROJECT,
    headers: new Headers(),
  });
  const headers = originHeaders({ client: new Headers(), stage: allowed.stage, locales: allowed.locales });
  const send = async (text: string, withVariables: boolean) => {
    const body = JSON.stringify({ query: text, variables: withVariables ? variables : undefined });
    guardForwarded({ known, project: TEST_PROJECT, authorised: allowed, body, headers });
    return { status: 200, headers: new Headers(), body: JSON.stringify(origin.run(body, headers).result), elapsedMs: 0 };
  };
  return (await withEntryChecks(await send(allowed.query, true), allowed, known, null, (text) => send(text, false))).body;
}

const EVERYTHING = [{ action: "read", model: "*" }];
const productOnly = (id: string) => [
  { action: "read", model: "Product", condition: { id } },
  { action: "read", model: real.knowledge.models.filter((m) => m !== "Product") },
];

describe("conditions on a real Hygraph schema", () => {
  it.each([
    ["a unique lookup", `{ product(where: { id: "${P1}" }) { __typename id name } }`],
    ["a unique lookup by a variable, aliased", "query($id: ID) { p: product(where: { id: $id }) { n: name id } }"],
    ["node with a fragment", `{ node(id: "${P1}") { id ... on Product { name slug } } }`],
    ["a relation back to the product", `{ asset(where: { id: "${A1}" }) { id productImage(where: { id: "${P1}" }) { id } } }`],
  ])("%s: byte-identical to the unconditioned answer when the entry satisfies the condition", async (_name, query) => {
    const variables = query.includes("$id") ? { id: P1 } : undefined;
    expect(await answer(productOnly(P1!), query, variables)).toBe(await answer(EVERYTHING, query, variables));
  });

  it("answers null for a product outside the condition, and leaves it out of lists without where", async () => {
    expect(JSON.parse(await answer(productOnly(P1!), `{ a: product(where: { id: "${P2}" }) { id } b: node(id: "${P2}") { id } }`))).toEqual(
      { data: { a: null, b: null } },
    );
  });
});
