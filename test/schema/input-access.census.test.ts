import { describe, expect, it } from "vitest";
import { getNamedType, isInputObjectType, type GraphQLInputObjectType } from "graphql";
import { filteredModels, inputAccess, type InputFieldAccess } from "../../src/schema/input-access";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";

/**
 * The input census (issue 19): every field of every input type of real Hygraph schemas is
 * classified — value, nested, relation (with the models it reads), stages, or a nested write of
 * mutation data — and the filter
 * families Hygraph generates land where docs/authorization-boundary.md says they do. The table of
 * everything that is not a plain value is printed so a reviewer can read it.
 */
const KINDS: InputFieldAccess["kind"][] = ["value", "nested", "relation", "stages", "write"];

describe.each(REAL_SCHEMAS)("input census of $name", ({ knowledge, schema }) => {
  const table = inputAccess(knowledge, schema);
  const rows = [...table].flatMap(([type, fields]) => [...fields].map(([field, access]) => ({ type, field, access })));
  const whereOf = (model: string) => `${model}WhereInput`;
  const access = (type: string, field: string) => table.get(type)?.get(field);

  it("classifies every field of every input object type, and prints the table", () => {
    const inputTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLInputObjectType => isInputObjectType(t));
    expect(rows.map((r) => `${r.type}.${r.field}`).sort()).toEqual(
      inputTypes.flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`)).sort(),
    );
    for (const row of rows) expect(KINDS).toContain(row.access.kind);
    const counts = Object.fromEntries(KINDS.map((kind) => [kind, rows.filter((r) => r.access.kind === kind).length]));
    const lines = rows
      .filter((r) => r.access.kind !== "value")
      .map(
        (r) =>
          `${`${r.type}.${r.field}`.padEnd(56)} ${r.access.kind.padEnd(9)} ${r.access.kind === "relation" ? r.access.models.join(",") : ""}`,
      );
    console.log(`input census: ${rows.length} fields: ${JSON.stringify(counts)} (values omitted below)\n${lines.join("\n")}`);
    expect(counts["relation"]).toBeGreaterThan(0);
  });

  it("every model's filter is a filter of that model, and its scalar comparisons are values", () => {
    for (const model of knowledge.models) {
      const where = schema.getType(whereOf(model));
      if (!where || !isInputObjectType(where)) continue;
      expect(filteredModels(knowledge, schema, where.name), where.name).toContain(model);
      for (const f of ["id", "id_in", "createdAt_gt"])
        if (where.getFields()[f]) expect(access(where.name, f), `${where.name}.${f}`).toEqual({ kind: "value" });
      for (const f of ["AND", "OR", "NOT"])
        if (where.getFields()[f]) expect(access(where.name, f), `${where.name}.${f}`).toEqual({ kind: "nested" });
    }
  });

  it("relation filters, system-user filters and scheduledIn read the related model; documentInStages compares stages", () => {
    let seen = 0;
    for (const model of knowledge.models) {
      const where = schema.getType(whereOf(model));
      if (!where || !isInputObjectType(where)) continue;
      for (const field of Object.values(where.getFields())) {
        const named = getNamedType(field.type);
        const got = access(where.name, field.name);
        if (/^(createdBy|updatedBy|publishedBy)$/.test(field.name))
          expect(got, `${where.name}.${field.name}`).toEqual({ kind: "relation", models: ["User"] });
        else if (/^scheduledIn_(some|every|none)$/.test(field.name))
          expect(got, `${where.name}.${field.name}`).toEqual({ kind: "relation", models: ["ScheduledOperation"] });
        else if (/^documentInStages_(some|every|none)$/.test(field.name))
          expect(got, `${where.name}.${field.name}`).toEqual({ kind: "stages" });
        else if (isInputObjectType(named) && knowledge.models.includes(named.name.replace(/WhereInput$/, "")) && named !== where)
          expect(got, `${where.name}.${field.name}`).toEqual({ kind: "relation", models: [named.name.replace(/WhereInput$/, "")] });
        else continue;
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it("a component's or union's filter is walked in the same entry, and its references to models are relations", () => {
    const components = Object.values(schema.getTypeMap()).filter(
      (t) =>
        isInputObjectType(t) &&
        /WhereInput$/.test(t.name) &&
        filteredModels(knowledge, schema, t.name).length === 0 &&
        !/Stage|Comparator|Version/.test(t.name),
    ) as GraphQLInputObjectType[];
    for (const type of components)
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const models = isInputObjectType(named) ? filteredModels(knowledge, schema, named.name) : [];
        if (models.length > 0 && named !== type)
          expect(access(type.name, field.name), `${type.name}.${field.name}`).toEqual({ kind: "relation", models });
      }
  });
});

describe("the 2024 schema has every filter family the issue names", () => {
  const modern = REAL_SCHEMAS.find((s) => s.name.includes("meltemi"))!;
  const table = inputAccess(modern.knowledge, modern.schema);
  it.each<[string, string, InputFieldAccess]>([
    ["AlloggioWhereInput", "struttura", { kind: "relation", models: ["Struttura"] }],
    ["AlloggioWhereInput", "review_some", { kind: "relation", models: ["Review"] }],
    ["AlloggioWhereInput", "foto_every", { kind: "relation", models: ["Asset"] }],
    ["AlloggioWhereInput", "createdBy", { kind: "relation", models: ["User"] }],
    ["AlloggioWhereInput", "scheduledIn_none", { kind: "relation", models: ["ScheduledOperation"] }],
    ["AlloggioWhereInput", "documentInStages_some", { kind: "stages" }],
    ["AlloggioWhereInput", "prezzi_some", { kind: "nested" }],
    ["AlloggioprezziUnionWhereInput", "FasciaDiPrezzo", { kind: "nested" }],
    ["FasciaDiPrezzoWhereInput", "fascia", { kind: "relation", models: ["FasciaStagionale"] }],
    ["AlloggioWhereStageInput", "compareWithParent", { kind: "nested" }],
    ["AlloggioWhereStageInput", "stage", { kind: "value" }],
    ["AlloggioCreateOneInlineInput", "create", { kind: "write", actions: ["create"], models: ["Alloggio"] }],
    ["AlloggioUpdateManyInlineInput", "upsert", { kind: "write", actions: ["create", "update"], models: ["Alloggio"] }],
    ["AlloggioUpdateManyInlineInput", "delete", { kind: "write", actions: ["delete"], models: ["Alloggio"] }],
    ["AlloggioUpdateManyInlineInput", "connect", { kind: "nested" }],
    ["AlloggioConnectInput", "where", { kind: "relation", models: ["Alloggio"] }],
  ])("%s.%s is %j", (type, field, expected) => {
    expect(table.get(type)?.get(field)).toEqual(expected);
  });
});
