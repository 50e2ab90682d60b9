import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { LimitExceededError } from "../../src/errors";
import { analyseOperation } from "../../src/permissions/analyse";
import { MAX_INPUT_NESTING, walkArgument } from "../../src/permissions/argument-reads";
import { inputAccess } from "../../src/schema/input-access";
import type { Touch } from "../../src/permissions/touches";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";

/**
 * Arguments are reads too (SPEC §3a, issue 19), as a table over a real 2024 Hygraph schema: each
 * filter family the issue names adds the reads the origin makes to evaluate it, beside the read of
 * the field's own model. Touches are written `action Model STAGE locale`.
 */
const { knowledge, schema } = REAL_SCHEMAS.find((s) => s.name.includes("meltemi"))!;
const defaults = { stage: "PUBLISHED", locales: ["en"], baseLocale: "en" };
const show = (t: Touch) => `${t.action} ${t.model} ${t.stage} ${t.locale}`;

function touches(query: string, variables: Record<string, unknown> | null = null, stage = "PUBLISHED"): string[] {
  return analyseOperation({ knowledge, schema, document: parse(query), variables, defaults: { ...defaults, stage } }).touches.map(show);
}

describe("each filter family is a read of what it evaluates", () => {
  it.each<[string, string, Record<string, unknown> | null, string[]]>([
    ["no filter", "{ alloggi { id } }", null, []],
    ["a scalar filter on the entry itself", '{ alloggi(where: { nome_contains: "x", postiLetto_gt: 2 }) { id } }', null, []],
    ["orderBy (an enum of the model's own fields)", "{ alloggi(orderBy: nome_ASC) { id } }", null, []],
    ["single relation", '{ alloggi(where: { struttura: { nome: "x" } }) { id } }', null, ["read Struttura PUBLISHED en"]],
    ["_some", '{ alloggi(where: { review_some: { id: "r" } }) { id } }', null, ["read Review PUBLISHED en"]],
    ["_every", '{ alloggi(where: { foto_every: { id: "a" } }) { id } }', null, ["read Asset PUBLISHED en"]],
    ["_none", '{ alloggi(where: { review_none: { id: "r" } }) { id } }', null, ["read Review PUBLISHED en"]],
    ["createdBy (the system User model)", "{ alloggi(where: { createdBy: { isActive: true } }) { id } }", null, ["read User PUBLISHED en"]],
    [
      "scheduledIn_none with createdBy inside",
      "{ alloggi(where: { scheduledIn_none: { createdBy: { isActive: true } } }) { id } }",
      null,
      ["read ScheduledOperation PUBLISHED en", "read User PUBLISHED en"],
    ],
    [
      "a component filter reaching a model (modular field prezzi → FasciaDiPrezzo.fascia)",
      '{ alloggi(where: { prezzi_some: { FasciaDiPrezzo: { fascia: { nome: "x" } } } }) { id } }',
      null,
      ["read FasciaStagionale PUBLISHED en"],
    ],
    [
      "three levels, inside AND/OR/NOT",
      '{ alloggi(where: { AND: [{ OR: [{ NOT: [{ struttura: { isola: { gruppoDiIsole: { nome: "x" } } } }] }] }] }) { id } }',
      null,
      ["read GruppoDiIsole PUBLISHED en", "read Isola PUBLISHED en", "read Struttura PUBLISHED en"],
    ],
    [
      "a variable holding the whole filter",
      "query($w: AlloggioWhereInput) { alloggi(where: $w) { id } }",
      { w: { review_some: { createdBy: { name: "x" } } } },
      ["read Review PUBLISHED en", "read User PUBLISHED en"],
    ],
    [
      "a variable inside a literal filter is read for what it holds",
      "query($n: String) { alloggi(where: { struttura: { nome: $n } }) { id } }",
      { n: "x" },
      ["read Struttura PUBLISHED en"],
    ],
    [
      "a filter on a nested list field, in the parent's scope",
      '{ strutture { alloggi(where: { review_some: { id: "r" } }) { id } } }',
      null,
      ["read Review PUBLISHED en"],
    ],
  ])("%s", (_name, query, variables, extra) => {
    const own = touches(query.replace(/\(where: [^)]*\)|\(orderBy: [^)]*\)/g, ""), null).filter((t) => !t.includes("$"));
    const got = touches(query, variables);
    expect(got.filter((t) => !own.includes(t)).sort()).toEqual(extra.sort());
  });

  it("documentInStages_some for a DRAFT reader reads the entry in the stage it names", () => {
    const query = "{ alloggi(where: { documentInStages_some: { stage: PUBLISHED, compareWithParent: { outdated_to: false } } }) { id } }";
    expect(touches(query, null, "DRAFT")).toEqual(["read Alloggio DRAFT en", "read Alloggio PUBLISHED en"]);
  });

  it("documentInStages_every naming no stage reads the entry in every stage", () => {
    expect(
      touches("{ alloggi(where: { documentInStages_every: { compareWithParent: { outdated_to: true } } }) { id } }", null, "DRAFT"),
    ).toEqual(["read Alloggio DRAFT en", "read Alloggio PUBLISHED en"]);
  });

  it.each<[string, string, Record<string, unknown> | null]>([
    [
      "under NOT",
      "{ isole(where: { documentInStages_some: { NOT: [{ stage: PUBLISHED }], compareWithParent: { outdated_to: true } } }) { id } }",
      null,
    ],
    [
      "in one branch of OR",
      "{ isole(where: { documentInStages_every: { OR: [{ stage: PUBLISHED }, { compareWithParent: { outdated_to: true } }] } }) { id } }",
      null,
    ],
    [
      "under NOT, as a variable",
      "query($n: [IsolaWhereStageInput!]) { isole(where: { documentInStages_none: { NOT: $n } }) { id } }",
      { n: [{ stage: "PUBLISHED" }] },
    ],
  ])("a stage named %s does not narrow the comparison: every stage is read (the property test's find)", (_name, query, variables) => {
    expect(touches(query, variables)).toEqual(["read Isola DRAFT en", "read Isola PUBLISHED en"]);
  });

  it("a stage named inside AND still narrows it", () => {
    expect(touches("{ isole(where: { documentInStages_some: { AND: [{ stage: PUBLISHED }] } }) { id } }")).toEqual([
      "read Isola PUBLISHED en",
    ]);
  });

  it("a relation filter under an explicit locales argument is read in those locales", () => {
    expect(touches('{ alloggi(locales: [it], where: { struttura: { nome: "x" } }) { id } }')).toEqual([
      "read Alloggio PUBLISHED it",
      "read Struttura PUBLISHED it",
    ]);
  });
});

describe("nested writes in mutation data are writes of the related model", () => {
  it.each<[string, string, string[]]>([
    [
      "connect reads the connected entry",
      'mutation { updateAlloggio(where: { id: "a" }, data: { struttura: { connect: { id: "s" } } }) { id } }',
      ["read Struttura DRAFT en"],
    ],
    [
      "create creates it",
      'mutation { updateAlloggio(where: { id: "a" }, data: { struttura: { create: { nome: "s" } } }) { id } }',
      ["create Struttura DRAFT en", "read Struttura DRAFT en"],
    ],
    [
      "a filter in the mutation's where is a read",
      'mutation { updateManyAlloggiConnection(where: { struttura: { nome: "x" } }, data: { postiLetto: 1 }) { aggregate { count } } }',
      ["read Struttura DRAFT en"],
    ],
  ])("%s", (_name, query, extra) => {
    const got = touches(query, null, "DRAFT");
    for (const t of extra) expect(got).toContain(t);
    expect(got.filter((t) => t.includes("Struttura"))).toEqual(expect.arrayContaining(extra));
  });
});

describe("the walk is bounded", () => {
  it(`refuses input objects nested deeper than ${MAX_INPUT_NESTING} levels with LIMIT_EXCEEDED`, () => {
    let value: Record<string, unknown> = { id: "x" };
    for (let i = 0; i < MAX_INPUT_NESTING + 1; i++) value = { AND: [value] };
    const scope = { stages: ["PUBLISHED"], locales: ["en"], allStages: knowledge.stages, stageEnum: knowledge.stageEnum };
    const type = schema.getType("AlloggioWhereInput")!;
    expect(() => walkArgument(inputAccess(knowledge, schema), scope, type as never, ["Alloggio"], value, "where")).toThrow(
      LimitExceededError,
    );
  });
});
