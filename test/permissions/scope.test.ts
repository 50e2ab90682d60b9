import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { InvalidScopeValueError } from "../../src/errors";
import { selectOperation } from "../../src/graphql/operation";
import { requestScope, scopeNames } from "../../src/permissions/scope";
import { checkScopeValues } from "../../src/permissions/scope-values";
import type { ProjectConfig } from "../../src/projects/types";
import { knowledge, schema } from "../fixtures/schema";

const project = { defaultStage: "PUBLISHED", defaultLocale: "en" } as ProjectConfig;
const names = scopeNames(knowledge, project);
const INJECTION = "en]) { id } leak: secrets(stage: DRAFT) { code } x: posts(locales: [en";

/** The error a call throws, as `{ code, extensions }`, or `null` when it does not throw. */
function refusal(run: () => unknown): { code: string; extensions: Record<string, unknown> } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof InvalidScopeValueError)) throw error;
    expect(error.status).toBe(400);
    return { code: error.code, extensions: error.extensions };
  }
}

describe("requestScope: stage and locale headers and defaults", () => {
  it.each([
    ["no headers → project defaults", {}, undefined, { stage: "PUBLISHED", locales: ["en"] }],
    ["gcms-stage", { "gcms-stage": "DRAFT" }, undefined, { stage: "DRAFT", locales: ["en"] }],
    ["gcms-stage with surrounding spaces", { "gcms-stage": " DRAFT " }, undefined, { stage: "DRAFT", locales: ["en"] }],
    ["token default stage", {}, "DRAFT", { stage: "DRAFT", locales: ["en"] }],
    ["the header wins over the token default", { "gcms-stage": "PUBLISHED" }, "DRAFT", { stage: "PUBLISHED", locales: ["en"] }],
    [
      "gcms-locales, de-duplicated, blanks between commas ignored",
      { "gcms-locales": "de, en,,de," },
      undefined,
      { stage: "PUBLISHED", locales: ["de", "en"] },
    ],
  ])("%#: %s", (_name, headers, tokenStage, expected) => {
    expect(requestScope(new Headers(headers), project, names, tokenStage)).toEqual(expected);
  });

  it.each([
    ["a lower-case stage (names are case-sensitive)", { "gcms-stage": "draft" }, undefined, "INVALID_STAGE", { header: "gcms-stage" }],
    ["an unknown stage", { "gcms-stage": "ARCHIVED" }, undefined, "INVALID_STAGE", { header: "gcms-stage" }],
    [
      "GraphQL text in gcms-stage",
      { "gcms-stage": "DRAFT) { id } x: posts(stage: DRAFT" },
      undefined,
      "INVALID_STAGE",
      { header: "gcms-stage" },
    ],
    ["the injection of issue 8 in gcms-locales", { "gcms-locales": INJECTION }, undefined, "INVALID_LOCALE", { header: "gcms-locales" }],
    ["one bad locale among good ones", { "gcms-locales": "en,DE" }, undefined, "INVALID_LOCALE", { header: "gcms-locales" }],
    ["a quote", { "gcms-locales": 'en"' }, undefined, "INVALID_LOCALE", { header: "gcms-locales" }],
    ["a token default stage the origin lacks", {}, "ARCHIVED", "INVALID_STAGE", { setting: "token.defaultStage" }],
  ])("%#: refuses %s with 400 naming its source", (_name, headers, tokenStage, code, source) => {
    const refused = refusal(() => requestScope(new Headers(headers), project, names, tokenStage));
    expect(refused?.code).toBe(code);
    expect(refused?.extensions).toMatchObject(source);
  });

  it("refuses a project default the origin no longer has", () => {
    const refused = refusal(() => requestScope(new Headers(), { ...project, defaultLocale: "fr" }, names));
    expect(refused).toMatchObject({ code: "INVALID_LOCALE", extensions: { setting: "project.defaultLocale", allowed: ["en", "de"] } });
  });

  it("allows only the project defaults on an origin without Stage and Locale enums", () => {
    const bare = scopeNames({ ...knowledge, stageEnum: null, stages: [], localeEnum: null, locales: [] }, project);
    expect(bare).toEqual({ stages: ["PUBLISHED"], locales: ["en"] });
    expect(refusal(() => requestScope(new Headers({ "gcms-stage": "DRAFT" }), project, bare))?.code).toBe("INVALID_STAGE");
  });
});

describe("checkScopeValues: stage and locale values in the document", () => {
  const check = (query: string, variables: Record<string, unknown> | null = null) => {
    const document = parse(query);
    return refusal(() =>
      checkScopeValues({
        schema,
        stageEnum: "Stage",
        localeEnum: "Locale",
        names,
        document,
        operation: selectOperation(document, null).operation,
        variables,
      }),
    );
  };

  it.each([
    ["literal arguments", "{ posts(stage: DRAFT, locales: [de, en]) { documentInStages(stages: [PUBLISHED]) { id } } }", null],
    ["variables", "query($s: Stage!, $l: [Locale!]!) { posts(stage: $s, locales: $l) { id } }", { s: "DRAFT", l: ["de"] }],
    [
      "an input object variable",
      "query($w: VersionWhereInput!) { postVersion(where: $w) { data } }",
      { w: { id: "p", revision: 1, stage: "DRAFT" } },
    ],
    ["a single value for a list", "query($l: [Locale!]!) { posts(locales: $l) { id } }", { l: "de" }],
  ])("%#: accepts enum members in %s", (_name, query, variables) => {
    expect(check(query, variables)).toBeNull();
  });

  it.each([
    ["a literal stage argument", "{ posts(stage: ARCHIVED) { id } }", null, "INVALID_STAGE", { argument: "Query.posts(stage:)" }],
    [
      "a literal in a nested list",
      "{ posts { documentInStages(stages: [PUBLISHED, draft]) { id } } }",
      null,
      "INVALID_STAGE",
      { argument: "Post.documentInStages(stages:)" },
    ],
    [
      "a literal inside an input object",
      '{ postVersion(where: { id: "p", revision: 1, stage: Draft }) { data } }',
      null,
      "INVALID_STAGE",
      { argument: "Query.postVersion(where:)" },
    ],
    [
      "a variable",
      "query($s: Stage!) { posts(stage: $s) { id } }",
      { s: "DRAFT) { id } x: posts(stage: DRAFT" },
      "INVALID_STAGE",
      { variable: "$s" },
    ],
    [
      "an item of a list variable",
      "query($l: [Locale!]!) { posts(locales: $l) { id } }",
      { l: ["en", "fr"] },
      "INVALID_LOCALE",
      { variable: "$l[1]" },
    ],
    [
      "a field of an input object variable",
      "query($w: VersionWhereInput!) { postVersion(where: $w) { data } }",
      { w: { id: "p", revision: 1, stage: "draft" } },
      "INVALID_STAGE",
      { variable: "$w.stage" },
    ],
    [
      "a variable default",
      "query($l: [Locale!] = [fr]) { posts(locales: $l) { id } }",
      null,
      "INVALID_LOCALE",
      { variable: "$l (default)" },
    ],
  ])("%#: refuses %s, naming it", (_name, query, variables, code, source) => {
    const refused = check(query, variables);
    expect(refused?.code).toBe(code);
    expect(refused?.extensions).toMatchObject(source);
  });
});
