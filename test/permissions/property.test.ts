/**
 * The security bar as a property: for random documents over the fixture schema and random rule
 * sets (conditions drawn often), whatever the gateway decides — refuse, or forward through the
 * forward guard, then check entries at single-entry positions (issue 9) — the answer it delivers
 * holds only entries the rules cover (model, stage, locale and condition), and a unique lookup of
 * an entry the rules cover is answered rather than nulled.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse, validate } from "graphql";
import { ForbiddenError } from "../../src/errors";
import type { OriginAnswer } from "../../src/origin/client";
import { originHeaders } from "../../src/origin/headers";
import { ruleCovers } from "../../src/permissions/decide";
import { guardForwarded } from "../../src/permissions/forward-guard";
import { normalizeRules } from "../../src/projects/rules";
import { authorise, type Authorised } from "../../src/pipeline/authorise";
import { withEntryChecks } from "../../src/pipeline/checked-origin";
import type { PermissionRule } from "../../src/projects/types";
import { knowledge, schema } from "../fixtures/schema";
import { FIXTURE_KNOWN, TEST_PROJECT } from "../support/project";
import { matches, runOnMemoryOrigin, type Entry } from "../fixtures/memory-origin";

type Gen = fc.GeneratorValue;
const STAGES = ["DRAFT", "PUBLISHED"];
const LOCALES = ["en", "de"];
/** Runs per test run; `FC_RUNS` raises it for a deeper search. Shrinking is off (`endOnFailure`): a
 * shrinking generator-based property can exhaust workerd's memory, and the seed reproduces a failure. */
const RUNS = Number((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.["FC_RUNS"] ?? 800);

/** Builds one random document with its variables; aliases are unique so fields never conflict. */
function randomDocument(g: Gen): { query: string; variables: Record<string, unknown>; uniques: string[] } {
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
    const w = g(() =>
      fc.constantFrom("", `where: { id_in: ["${model}1", "${model}2"] }`, `where: { slug_not: "${model.toLowerCase()}1" }`, "variable"),
    );
    if (w !== "variable") return w;
    const v = `v${n++}`;
    varDefs.push(`$${v}: ${model}WhereInput`);
    if (g(() => fc.boolean()))
      variables[v] = { OR: [{ id: `${model}2` }, { [model === "Author" ? "name_contains" : "title_contains"]: "de" }] };
    return `where: $${v}`;
  };

  const selection = (type: string, depth: number): string => {
    // Every entry names its model, id, stage and locale, so the oracle can read the final answer.
    const parts =
      type === "SearchResult"
        ? ["__typename", "... on Post { id stage locale }", "... on Page { id stage locale }"]
        : type === "Node"
          ? ["__typename", "id", "stage", "... on Post { locale } ... on Author { locale } ... on Page { locale }"]
          : ["__typename", "id", "stage", "locale"];
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
          parts.push(
            `${alias()}: posts${args(where("Post"), arg("locales", "[Locale!]", someOf(LOCALES)))} { ${selection("Post", depth - 1)} }`,
          );
          break;
        case "history":
          parts.push(`${alias()}: history { revision }`);
          break;
        case "documentInStages":
          parts.push(
            `${alias()}: documentInStages${args(
              arg("stages", "[Stage!]", someOf(STAGES)),
              g(() => fc.constantFrom("", "includeCurrent: true", "inheritLocale: true")),
            )} { ${selection(model, depth - 1)} }`,
          );
          break;
        case "localizations":
          parts.push(
            `${alias()}: localizations${args(
              arg("locales", "[Locale!]", someOf(LOCALES)),
              g(() => fc.constantFrom("", "includeCurrent: true")),
            )} { ${selection(model, depth - 1)} }`,
          );
          break;
      }
    }
    return parts.join(" ");
  };

  const roots: string[] = [];
  const uniques: string[] = [];
  const rootCount = g(() => fc.integer({ min: 1, max: 3 }));
  for (let i = 0; i < rootCount; i++) {
    const model = g(() => fc.constantFrom("Post", "Author", "Page"));
    const lower = model.toLowerCase();
    const stageLocale = [arg("stage", "Stage", someOf(STAGES)), arg("locales", "[Locale!]", someOf(LOCALES))];
    const kind = g(() => fc.constantFrom("list", "connection", "unique", "node", "nodes", "search"));
    const depth = g(() => fc.integer({ min: 0, max: 3 }));
    const a = alias();
    if (kind === "list") roots.push(`${a}: ${lower}s${args(where(model), ...stageLocale)} { ${selection(model, depth)} }`);
    if (kind === "connection")
      roots.push(
        `${a}: ${lower}sConnection${args(where(model), ...stageLocale)} { edges { node { ${selection(model, depth)} } } aggregate { count } }`,
      );
    if (kind === "unique") {
      const id = g(() => fc.constantFrom(`${model}1`, `${model}2`));
      roots.push(`${a}: ${lower}${args(`where: { id: "${id}" }`, ...stageLocale)} { ${selection(model, depth)} }`);
      uniques.push(a);
    }
    if (kind === "node") roots.push(`${a}: node${args(`id: "${model}2"`, ...stageLocale)} { ${selection("Node", depth)} }`);
    if (kind === "nodes") roots.push(`${a}: nodes${args(`ids: ["Post1", "${model}2"]`, ...stageLocale)} { ${selection("Node", depth)} }`);
    if (kind === "search") roots.push(`${a}: search${args('term: "x"', ...stageLocale)} { ${selection("SearchResult", depth)} }`);
  }
  const header = varDefs.length ? `query Q(${varDefs.join(", ")})` : "query Q";
  return { query: `${header} { ${roots.join(" ")} } ${fragments.join(" ")}`, variables, uniques };
}

const nameSet = (values: string[]) => fc.oneof(fc.constant("*"), fc.subarray(values, { minLength: 1 }));
const conditionFor = (models: "*" | string[]) =>
  models !== "*" && models.length === 1
    ? fc.constantFrom(
        { id: `${models[0]}1` },
        { id_in: [`${models[0]}1`, `${models[0]}2`] },
        { slug: `${models[0]!.toLowerCase()}2` },
        { [models[0] === "Author" ? "name_contains" : "title_contains"]: "en" },
      )
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
  return rules.some(
    (r) =>
      ruleCovers(r, { action: "read", model: e.__model, stage: e.stage, locale: e.locale }) && (!r.condition || matches(e, r.condition)),
  );
}

/** Every entry in an answer (objects naming a model by `__typename`), as the memory origin tags them. */
function entriesIn(value: unknown, out: Entry[] = []): Entry[] {
  if (Array.isArray(value)) value.forEach((v) => entriesIn(v, out));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o["__typename"] === "string" && knowledge.models.includes(o["__typename"]) && typeof o["id"] === "string") {
      out.push({ __model: o["__typename"], id: o["id"], stage: String(o["stage"]), locale: String(o["locale"]), __rootLocales: [] });
    }
    Object.values(o).forEach((v) => entriesIn(v, out));
  }
  return out;
}

const project = TEST_PROJECT;
const known = FIXTURE_KNOWN;

describe("property: no entry outside the caller's rules leaves the gateway", () => {
  it("holds for random documents and rule sets, and a satisfying unique lookup is answered", { timeout: 120_000 }, async () => {
    const outcomes = { refused: 0, unenforceable: 0, executed: 0, entries: 0, checked: 0, lookupsKept: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.gen(),
        fc.array(ruleArb, { maxLength: 4 }),
        fc.constantFrom(...STAGES),
        fc.subarray(LOCALES, { minLength: 1 }),
        async (g, rawRules, stage, locales) => {
          const { query, variables, uniques } = randomDocument(g);
          const document = parse(query);
          expect(validate(schema, document)).toEqual([]);
          const rules = normalizeRules(rawRules, "rules");
          let allowed: Authorised;
          try {
            const headers = new Headers({ "gcms-stage": stage, "gcms-locales": locales.join(",") });
            allowed = authorise({ known, document, operationName: null, variables, principal: { kind: "pat", rules }, project, headers });
          } catch (e) {
            if (!(e instanceof ForbiddenError)) throw e;
            if (e.extensions["reason"] === "CONDITION_UNENFORCEABLE") outcomes.unenforceable++;
            else outcomes.refused++;
            return;
          }
          // What the gateway sends, through the forward guard, executed by the in-memory origin.
          const sent: string[] = [];
          const send = async (text: string, withVariables: boolean): Promise<OriginAnswer> => {
            const body = JSON.stringify({ query: text, variables: withVariables ? variables : undefined });
            guardForwarded({
              known,
              project,
              authorised: allowed,
              body,
              headers: originHeaders({ client: new Headers(), stage: allowed.stage, locales: allowed.locales }),
            });
            sent.push(text);
            const forwarded = parse(text);
            expect(validate(schema, forwarded)).toEqual([]);
            const { result } = runOnMemoryOrigin(forwarded, withVariables ? variables : {});
            expect(result.errors ?? []).toEqual([]);
            return { status: 200, headers: new Headers(), body: JSON.stringify(result), elapsedMs: 0 };
          };
          const first = await send(allowed.query, true);
          const final = await withEntryChecks(first, allowed, known, "Q", (text) => send(text, false));
          const data = (JSON.parse(final.body) as { data: Record<string, unknown> }).data;
          outcomes.executed++;
          if (sent.length > 1) outcomes.checked++;
          const delivered = entriesIn(data);
          outcomes.entries += delivered.length;
          expect(delivered.filter((e) => !covered(rules, e))).toEqual([]);
          expect(JSON.stringify(data)).not.toContain("_cev");
          // No false refusal: a unique lookup of an entry the rules cover is answered, not nulled.
          const raw = (JSON.parse(first.body) as { data: Record<string, unknown> }).data;
          for (const alias of uniques) {
            const [entry] = entriesIn(raw[alias]);
            if (entry && covered(rules, entry)) {
              expect(data[alias], alias).not.toBeNull();
              outcomes.lookupsKept++;
            }
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log("permission property outcomes:", outcomes);
    // The property is only meaningful if a fair share of requests is forwarded, returns entries,
    // and exercises entry checks.
    expect(outcomes.executed).toBeGreaterThan(60);
    expect(outcomes.entries).toBeGreaterThan(200);
    expect(outcomes.checked).toBeGreaterThan(20);
    expect(outcomes.lookupsKept).toBeGreaterThan(10);
  });
});
