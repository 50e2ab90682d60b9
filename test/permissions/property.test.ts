/**
 * The security bar as a property: for random documents over the fixture schema and random rule
 * sets, whenever the gateway would forward a request (decide allows and the conditions rewrite
 * succeeds), executing the forwarded document on an in-memory origin hands out only entries the
 * rules cover — model, stage, locale and condition.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse, validate } from "graphql";
import { ForbiddenError } from "../../src/errors";
import { enforceConditions } from "../../src/permissions/conditions";
import { decide, ruleCovers } from "../../src/permissions/decide";
import { normalizeRules } from "../../src/permissions/rules";
import type { PermissionRule } from "../../src/projects/types";
import { analyse, knowledge, schema } from "../fixtures/schema";
import { matches, runOnMemoryOrigin, type Entry } from "../fixtures/memory-origin";

type Gen = fc.GeneratorValue;
const STAGES = ["DRAFT", "PUBLISHED"];
const LOCALES = ["en", "de"];
/** Runs per test run; `FC_RUNS` raises it for a deeper search. Shrinking is off (`endOnFailure`): a
 * shrinking generator-based property can exhaust workerd's memory, and the seed reproduces a failure. */
const RUNS = Number((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.["FC_RUNS"] ?? 800);

/** Builds one random document with its variables; aliases are unique so fields never conflict. */
function randomDocument(g: Gen): { query: string; variables: Record<string, unknown> } {
  let n = 0;
  const varDefs: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  const alias = () => `f${n++}`;
  const someOf = (values: string[]) => g(() => fc.subarray(values, { minLength: 1 }));
  /** A stage/locale argument as a literal, a variable with a value, or an unset nullable variable. */
  const arg = (name: string, type: "Stage" | "[Stage!]" | "[Locale!]", values: string[]) => {
    const mode = g(() => fc.constantFrom("none", "literal", "variable", "unset"));
    if (mode === "none") return "";
    const value = type === "Stage" ? values[0]! : values;
    const literal = Array.isArray(value) ? `[${value.join(", ")}]` : value;
    if (mode === "literal") return `${name}: ${literal}`;
    const v = `v${n++}`;
    if (mode === "unset") {
      varDefs.push(`$${v}: ${type}`);
      return `${name}: $${v}`;
    }
    varDefs.push(`$${v}: ${type}!`);
    variables[v] = value;
    return `${name}: $${v}`;
  };
  const args = (...parts: string[]) => (parts.some(Boolean) ? `(${parts.filter(Boolean).join(", ")})` : "");
  const where = (model: string) => {
    const w = g(() => fc.constantFrom("", `where: { id_in: ["${model}1", "${model}2"] }`, `where: { slug_not: "${model.toLowerCase()}1" }`, "variable"));
    if (w !== "variable") return w;
    const v = `v${n++}`;
    varDefs.push(`$${v}: ${model}WhereInput`);
    if (g(() => fc.boolean())) variables[v] = { OR: [{ id: `${model}2` }, { [model === "Author" ? "name_contains" : "title_contains"]: "de" }] };
    return `where: $${v}`;
  };

  const selection = (type: string, depth: number): string => {
    const parts = type === "SearchResult" ? ["__typename"] : ["id"];
    const count = depth > 0 ? g(() => fc.integer({ min: 0, max: 3 })) : 0;
    for (let i = 0; i < count; i++) {
      const models = type === "Node" ? ["Post", "Author", "Page"] : type === "SearchResult" ? ["Post", "Page"] : [type];
      const options: string[] = ["inline"];
      if (models.length === 1) {
        options.push("documentInStages", "localizations", "fragment", "onNode");
        if (type === "Post") options.push("author", "history");
        if (type === "Author") options.push("posts");
      }
      const choice = g(() => fc.constantFrom(...options));
      const model = models[0]!;
      switch (choice) {
        case "inline": {
          const on = g(() => fc.constantFrom(...models));
          parts.push(`... on ${on} { ${selection(on, depth - 1)} }`);
          break;
        }
        case "onNode":
          parts.push(`... on Node { stage }`);
          break;
        case "fragment": {
          const name = `F${n++}`;
          fragments.push(`fragment ${name} on ${model} { ${selection(model, depth - 1)} }`);
          parts.push(`...${name}`);
          break;
        }
        case "author":
          parts.push(`${alias()}: author${args(arg("locales", "[Locale!]", someOf(LOCALES)))} { ${selection("Author", depth - 1)} }`);
          break;
        case "posts":
          parts.push(`${alias()}: posts${args(where("Post"), arg("locales", "[Locale!]", someOf(LOCALES)))} { ${selection("Post", depth - 1)} }`);
          break;
        case "history":
          parts.push(`${alias()}: history { revision }`);
          break;
        case "documentInStages":
          parts.push(`${alias()}: documentInStages${args(arg("stages", "[Stage!]", someOf(STAGES)), g(() => fc.constantFrom("", "includeCurrent: true", "inheritLocale: true")))} { ${selection(model, depth - 1)} }`);
          break;
        case "localizations":
          parts.push(`${alias()}: localizations${args(arg("locales", "[Locale!]", someOf(LOCALES)), g(() => fc.constantFrom("", "includeCurrent: true")))} { ${selection(model, depth - 1)} }`);
          break;
      }
    }
    return parts.join(" ");
  };

  const roots: string[] = [];
  const rootCount = g(() => fc.integer({ min: 1, max: 3 }));
  for (let i = 0; i < rootCount; i++) {
    const model = g(() => fc.constantFrom("Post", "Author", "Page"));
    const lower = model.toLowerCase();
    const stageLocale = [arg("stage", "Stage", someOf(STAGES)), arg("locales", "[Locale!]", someOf(LOCALES))];
    const kind = g(() => fc.constantFrom("list", "connection", "unique", "node", "nodes", "search"));
    const depth = g(() => fc.integer({ min: 0, max: 3 }));
    const a = alias();
    if (kind === "list") roots.push(`${a}: ${lower}s${args(where(model), ...stageLocale)} { ${selection(model, depth)} }`);
    if (kind === "connection") roots.push(`${a}: ${lower}sConnection${args(where(model), ...stageLocale)} { edges { node { ${selection(model, depth)} } } aggregate { count } }`);
    if (kind === "unique") roots.push(`${a}: ${lower}${args(`where: { id: "${model}1" }`, ...stageLocale)} { ${selection(model, depth)} }`);
    if (kind === "node") roots.push(`${a}: node${args(`id: "${model}2"`, ...stageLocale)} { ${selection("Node", depth)} }`);
    if (kind === "nodes") roots.push(`${a}: nodes${args(`ids: ["Post1", "${model}2"]`, ...stageLocale)} { ${selection("Node", depth)} }`);
    if (kind === "search") roots.push(`${a}: search${args('term: "x"', ...stageLocale)} { ${selection("SearchResult", depth)} }`);
  }
  const header = varDefs.length ? `query Q(${varDefs.join(", ")})` : "query Q";
  return { query: `${header} { ${roots.join(" ")} } ${fragments.join(" ")}`, variables };
}

const nameSet = (values: string[]) => fc.oneof(fc.constant("*"), fc.subarray(values, { minLength: 1 }));
const conditionFor = (models: "*" | string[]) =>
  models !== "*" && models.length === 1
    ? fc.constantFrom({ id: `${models[0]}1` }, { id_in: [`${models[0]}1`, `${models[0]}2`] }, { slug: `${models[0]!.toLowerCase()}2` }, { [models[0] === "Author" ? "name_contains" : "title_contains"]: "en" })
    : fc.constantFrom({ id_in: ["Post1", "Author1", "Page1"] }, { id_not: "Post2" });
const ruleArb = fc
  .record({
    action: fc.oneof(fc.constant("read"), fc.constant("*"), fc.constant(["read", "publish"])),
    model: nameSet(["Post", "Author", "Page"]),
    stages: nameSet(STAGES),
    locales: nameSet(LOCALES),
    conditioned: fc.boolean(),
  })
  .chain((r) => (r.conditioned ? conditionFor(r.model).map((condition) => ({ ...r, condition })) : fc.constant(r)))
  .map(({ conditioned: _c, ...rule }) => rule);

/** Whether the rules let `entry` be read: a covering rule without condition, or one whose condition it meets. */
function covered(rules: PermissionRule[], e: Entry): boolean {
  return rules.some((r) => ruleCovers(r, { action: "read", model: e.__model, stage: e.stage, locale: e.locale }) && (!r.condition || matches(e, r.condition)));
}

describe("property: no entry outside the caller's rules leaves the origin", () => {
  it("holds for random documents and rule sets", { timeout: 120_000 }, () => {
    const outcomes = { refused: 0, unenforceable: 0, executed: 0, entries: 0 };
    fc.assert(
      fc.property(
        fc.gen(),
        fc.array(ruleArb, { maxLength: 4 }),
        fc.constantFrom(...STAGES),
        fc.subarray(LOCALES, { minLength: 1 }),
        (g, rawRules, stage, locales) => {
          const { query, variables } = randomDocument(g);
          const document = parse(query);
          expect(validate(schema, document)).toEqual([]);
          const rules = normalizeRules(rawRules, "rules");
          const analysis = analyse(document, variables, { stage, locales });
          const decision = decide(rules, analysis.touches);
          if (!decision.allowed) {
            outcomes.refused++;
            return;
          }
          let forwarded;
          try {
            forwarded = enforceConditions({ knowledge, schema, document, analysis, conditions: decision.conditions });
          } catch (e) {
            if (!(e instanceof ForbiddenError)) throw e;
            outcomes.unenforceable++;
            return;
          }
          expect(validate(schema, forwarded)).toEqual([]);
          const { result, seen } = runOnMemoryOrigin(forwarded, variables);
          expect(result.errors ?? []).toEqual([]);
          outcomes.executed++;
          outcomes.entries += seen.length;
          const leaked = seen.filter((e) => !covered(rules, e));
          expect(leaked).toEqual([]);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The property is only meaningful if a fair share of requests is forwarded and returns entries.
    expect(outcomes.executed).toBeGreaterThan(60);
    expect(outcomes.entries).toBeGreaterThan(200);
  });
});
