import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import type { Principal } from "../../src/auth/principal";
import { GatewayError } from "../../src/errors";
import { normalizeRules } from "../../src/projects/rules";
import { authorise, type AuthoriseInput } from "../../src/pipeline/authorise";
import { knowledge } from "../fixtures/schema";
import { FIXTURE_KNOWN, TEST_PROJECT } from "../support/project";

const known = FIXTURE_KNOWN;
const project = TEST_PROJECT;
const principal = (rules: unknown[], kind: Principal["kind"] = "public", defaultStage?: string): Principal => ({
  kind,
  rules: normalizeRules(rules, "rules"),
  ...(defaultStage ? { defaultStage } : {}),
});
const PUBLISHED_POSTS = principal([{ action: "read", model: "Post", stages: ["PUBLISHED"] }]);
const EVERY_STAGE_TOKEN = principal([{ action: "read", model: "*", stages: "*" }], "pat");
const EVERYTHING = principal([{ action: "*", model: "*", stages: "*", locales: "*" }], "pat");
const INJECTION = "en]) { id } leak: secrets(stage: DRAFT) { code } x: posts(locales: [en";

function run(
  query: string,
  who: Principal,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> | null = null,
  operationName: string | null = null,
) {
  const input: AuthoriseInput = {
    known,
    document: parse(query),
    operationName,
    variables,
    principal: who,
    project,
    headers: new Headers(headers),
  };
  return authorise(input);
}

/** `{ status, code, extensions }` of what `run` throws. */
function refusal(thunk: () => unknown) {
  try {
    thunk();
  } catch (error) {
    if (error instanceof GatewayError) return { status: error.status, code: error.code, extensions: error.extensions };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("authorise: the values that reach the forwarded document", () => {
  it("refuses the gcms-locales injection of issue 8 before anything is built", () => {
    expect(refusal(() => run("{ posts { title } }", PUBLISHED_POSTS, { "gcms-locales": INJECTION }))).toMatchObject({
      status: 400,
      code: "INVALID_LOCALE",
      extensions: { header: "gcms-locales" },
    });
  });

  it('refuses gcms-stage text for a token whose rules say stages "*" ("*" means any valid stage)', () => {
    expect(
      refusal(() => run("{ posts { title } }", EVERY_STAGE_TOKEN, { "gcms-stage": "DRAFT) { id } leak: posts(stage: DRAFT" })),
    ).toMatchObject({
      status: 400,
      code: "INVALID_STAGE",
      extensions: { header: "gcms-stage" },
    });
  });

  it("pins the validated stage and locales as enum values and forwards only the chosen operation", () => {
    const allowed = run(
      "query A { posts { title } } query B { authors { name } ...F } fragment F on Query { pages { id } }",
      EVERY_STAGE_TOKEN,
      { "gcms-stage": "DRAFT", "gcms-locales": "de,en" },
      null,
      "A",
    );
    expect(allowed.query).toBe("query A {\n  posts(stage: DRAFT, locales: [de, en]) {\n    title\n  }\n}");
    expect(allowed).toMatchObject({ stage: "DRAFT", locales: ["de", "en"], readModels: ["Post"] });
  });

  it("keeps the fragments the chosen operation uses", () => {
    const allowed = run(
      "query A { ...F } query B { authors { name } } fragment F on Query { posts { id } }",
      EVERY_STAGE_TOKEN,
      {},
      null,
      "A",
    );
    expect(parse(allowed.query).definitions.map((d) => ("name" in d ? d.name?.value : undefined))).toEqual(["A", "F"]);
  });

  it("validates the whole document against the origin's schema", () => {
    expect(refusal(() => run("{ posts { title { nope } } }", EVERY_STAGE_TOKEN))).toMatchObject({
      status: 400,
      code: "GRAPHQL_VALIDATION_FAILED",
    });
    expect(refusal(() => run("{ posts { nope } }", EVERY_STAGE_TOKEN))).toMatchObject({ extensions: { reason: "field" } });
  });
});

describe("authorise: version reads and default deny", () => {
  it.each([
    ["a document version", '{ postVersion(where: { id: "p1", revision: 1, stage: DRAFT }) { data } }', "DRAFT"],
    ["a published document version", '{ postVersion(where: { id: "p1", revision: 1, stage: PUBLISHED }) { data } }', "PUBLISHED"],
    ["history", "{ posts { history { revision } } }", "PUBLISHED"],
  ])("%#: needs readVersion for %s, which read rules do not grant", (_name, query, stage) => {
    const refused = refusal(() => run(query, PUBLISHED_POSTS));
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(refused.extensions["failedActions"]).toContainEqual({ action: "readVersion", model: "Post", stage, locale: "en" });
  });

  it("allows a version read to a principal with readVersion in that stage and every locale", () => {
    const versions = principal([{ action: "readVersion", model: "Post", stages: ["PUBLISHED"] }]);
    const allowed = run('{ postVersion(where: { id: "p1", revision: 1, stage: PUBLISHED }) { data } }', versions);
    expect(allowed.readModels).toEqual(["Post"]);
    expect(allowed.readStages).toEqual(["PUBLISHED"]);
  });

  it.each([
    ["entities", '{ entities(where: [{ id: "x", typename: Seo }]) { id } }', "Query.entities"],
    ["a root scalar", "{ serverTime }", "Query.serverTime"],
  ])("%#: refuses the unclassified field %s with 403 naming it, even to a principal that may read everything", (_name, query, field) => {
    const readEverything = principal([
      { action: "read", model: "*" },
      { action: "readVersion", model: "*" },
    ]);
    expect(refusal(() => run(query, readEverything))).toMatchObject({
      status: 403,
      code: "FORBIDDEN",
      extensions: { reason: "UNCLASSIFIED_FIELD", field },
    });
  });

  it("lets a principal that may do everything use an unclassified field, keyed on every model and stage", () => {
    const allowed = run('{ entities(where: [{ id: "x", typename: Post }]) { id } posts { id } }', EVERYTHING);
    expect(allowed.unclassified).toEqual(["Query.entities"]);
    expect(allowed.readModels).toEqual(knowledge.models);
    expect(allowed.readStages).toEqual(["DRAFT", "PUBLISHED"]);
  });
});
