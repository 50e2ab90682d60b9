import { describe, expect, it } from "vitest";
import { filterModels, relationTargets } from "../../src/invalidation/input-models";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { knowledge, schema } from "../fixtures/schema";

/**
 * Which other models an input value reaches: relation filters of a `where` (an answer filtered by
 * an author's name depends on Author), relation inputs of a mutation's `data` (a `connect` moves
 * the other side's references too). The mutation cases use a real Hygraph schema.
 */
const genql = REAL_SCHEMAS.find((s) => s.name.endsWith("with-genql"))!;
const argType = (mutation: string, arg: string) => {
  const field = genql.schema.getMutationType()!.getFields()[mutation]!;
  return field.args.find((a) => a.name === arg)!.type;
};

describe("filterModels", () => {
  const where = schema.getType("PostWhereInput")! as never;
  it.each<[string, unknown, string[]]>([
    ["own fields only", { slug: "a", title_contains: "x" }, []],
    ["a relation filter", { author: { name: "Ann" } }, ["Author"]],
    ["inside AND / OR / NOT", { OR: [{ slug: "a" }, { NOT: [{ author: { name_contains: "A" } }] }] }, ["Author"]],
    ["null", null, []],
  ])("%s", (_name, value, models) => {
    expect(filterModels(knowledge, schema, where, value)).toEqual(models);
  });
});

describe("relationTargets (Hygraph's relation inputs)", () => {
  const data = argType("updateProduct", "data");
  it.each<[string, unknown, string[]]>([
    ["scalars only", { name: "x", price: 3 }, []],
    ["localized fields", { localizations: { create: [{ locale: "de", data: { name: "x" } }] } }, []],
    ["connect a review", { reviews: { connect: [{ where: { id: "r1" } }] } }, ["Review"]],
    ["disconnect the image (no input object of Asset present, still Asset)", { image: { disconnect: true } }, ["Asset"]],
    ["several relations", { reviews: { set: [{ id: "r1" }] }, votes: { disconnect: [{ id: "v1" }] } }, ["Review", "Vote"]],
  ])("%s", (_name, value, models) => {
    expect(relationTargets(genql.knowledge, genql.schema, data, value)).toEqual(models);
  });
});
