/**
 * The authorization boundary as a property over two real Hygraph schemas (issue 8). For random
 * documents drawn from each schema, random rule sets, random principals and random `gcms-stage` /
 * `gcms-locales` values from an injection grammar, one run does what the `/content` pipeline does
 * (src/pipeline/graphql-endpoint.ts): `authorise`; if allowed, each document it sends — the
 * exact JSON body and origin headers — through the forward guard to the origin, then the entry
 * checks of conditions at single-entry positions. The origin is an in-memory executor of the
 * schema (test/fixtures/generic-origin.ts) that records every entry and version it hands out.
 * Oracle:
 *
 * - every entry the origin hands out is covered by a `read` rule for its model, stage and locale
 *   whose condition it meets — except at positions the gateway checks entry by entry, where the
 *   condition is the gateway's to apply — and every version read by a `readVersion` rule;
 * - every entry and version handed out is one of the touches the decision authorised;
 * - every entry in the answer the caller gets is covered by a rule, condition included; no
 *   hidden key reaches it; a single entry the rules cover is answered, not nulled;
 * - the forward guard passes everything the gateway sends, and the origin answers without errors;
 * - a header value (or token default, or variable) that is not an exact stage/locale member is
 *   refused with 400 `INVALID_STAGE` / `INVALID_LOCALE`, and a valid one never is;
 * - every other refusal is one a caller may get (401 without public access, 403 listing touches
 *   no rule covers, an unenforceable condition — on touches only conditioned rules cover —, an
 *   unclassified field).
 *
 * Arguments are reads too (issue 19): `where` arguments are drawn through the where input types
 * (relations, `_some/_every/_none`, unions, components, `createdBy`, `scheduledIn_*`,
 * `documentInStages_*`, scalar comparisons, nested, in `AND`/`OR`/`NOT`, literal or variable),
 * and the origin evaluates them with Hygraph's semantics over data that varies per entry, stage
 * and locale (test/fixtures/origin-filters.ts). Two more oracles hold "no answer, count or error
 * depends on data outside the rules":
 *
 * - every entry the origin *evaluated* while filtering is covered by a `read` rule for its model,
 *   stage and locale whose condition it meets, and is one of the authorised touches. An entry is
 *   evaluated when the origin reads anything of it beyond its identity, or when a filter on it
 *   holds; one a filter rejects by identity alone is not: the origin evaluates the conjuncts of a
 *   filter object (its keys and `AND` items) that compare only ids first and stops at the first
 *   false. That is exactly the gateway's id condition AND-ed into a nested filter
 *   (`{ AND: [X, { id_in: … }] }`): an entry outside it is never read by X, and can change no
 *   answer, while an entry the caller's own filter selects by id is counted. This relies on
 *   conditions being id conditions, which is what the rule generator draws. Entries of the field
 *   itself at a position the gateway checks entry by entry may lie outside the condition (the
 *   gateway drops them), as for handed-out entries;
 * - differential: the same forwarded request (with its entry checks) against a twin origin whose
 *   data differs only in the entries the caller may not read (every scalar field of every
 *   entry, component and owned object outside the rules — model, stage, locale or condition —
 *   takes another value, and so do their versions for stage comparisons) gets the very same
 *   answer: data, counts and errors.
 *
 * Runs per schema: `FC_RUNS` (default below: 15–30 s for the file on this machine's two shared
 * cores; 3000 runs take 15–20 s per schema). Shrinking is off (`endOnFailure`); fast-check prints the seed (`FC_SEED` replays it) and
 * the test logs the failing request.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Kind, parse, validate, type FieldNode, type GraphQLObjectType } from "graphql";
import type { Principal } from "../../src/auth/principal";
import { GatewayError } from "../../src/errors";
import type { OriginAnswer } from "../../src/origin/client";
import { originHeaders } from "../../src/origin/headers";
import { grantsEverything } from "../../src/permissions/decide";
import { guardForwarded } from "../../src/permissions/forward-guard";
import { normalizeRules } from "../../src/projects/rules";
import { authorise, type Authorised } from "../../src/pipeline/authorise";
import { withEntryChecks } from "../../src/pipeline/checked-origin";
import type { ProjectConfig } from "../../src/projects/types";
import { genericOrigin, type EvaluatedEntry, type HandedEntry, type VersionRead } from "../fixtures/generic-origin";
import type { EntryRef } from "../fixtures/origin-filters";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { TEST_PROJECT } from "../support/project";
import { randomRequest } from "../support/schema-arbitraries";
import { askerArb, headerCategory, headerValueArb, permits, rulesArb, type RawRule } from "../support/scope-arbitraries";

/** Runs per schema: `FC_RUNS=2000 npx vitest run …` searches deeper; `FC_SEED` replays a failure. */
const RUNS = Number(env.FC_RUNS || 1200);
const SEED = env.FC_SEED ? Number(env.FC_SEED) : undefined;
/**
 * Documents may name explicitly empty `stages`/`locales` lists, as any client can. Today these
 * find a real hole, reproduced alone by test/scenarios/empty-scope-lists.test.ts; set this to
 * false only to search for other failures until that is fixed.
 */
const EMPTY_SCOPE_LISTS = true;
/**
 * Stage comparisons may name their stages inside `NOT`/`OR`/`AND`
 * (`documentInStages_some: { NOT: [{ stage: PUBLISHED }], compareWithParent: { outdated_to: true } }`).
 * Today these find a real hole: the gateway counts only the stages such a filter names, while
 * `NOT` (or an `OR` branch without a stage) makes the origin compare the entry in the other
 * stages too, so a PUBLISHED-only reader learns which entries have unpublished changes
 * (issue 19). Set this to false only to search for other failures until that is fixed.
 */
const STAGE_LOGIC = true;

/** The project: PUBLISHED and en by default, with a credential for the origin (never the caller's). */
const PROJECT: ProjectConfig = { ...TEST_PROJECT, originToken: "origin-secret" };

/** What the forwarded documents that handed out content used, for the printed statistics. */
const FEATURES: [string, RegExp][] = [
  ["documentInStages", /documentInStages/],
  ["localizations", /localizations/],
  ["history", /history/],
  ["<model>Version", /^\s*\w+: \w+Version\(/m],
  ["node", /^\s*\w+: node\(/m],
  ["connection", /Connection\(/],
  ["named fragment", /\.\.\.F\d/],
  ["inline fragment", /\.\.\. on /],
  ["variables", /\$v\d/],
  ["nested locales", /^\s{4,}\w+: \w+\([^)]*locales:/m],
];

type Counts = Record<string, number>;
const bump = (counts: Counts, key: string, by = 1) => void (counts[key] = (counts[key] ?? 0) + by);

describe.each(REAL_SCHEMAS)(
  "property over the real schema $name: nothing outside the caller's rules reaches the caller",
  ({ name, sdlSchema, knowledge, schema }) => {
    const known = { knowledge, schema, fetchedAt: 0 };
    const origin = genericOrigin(sdlSchema, { baseLocale: PROJECT.defaultLocale });
    const space = {
      schema: sdlSchema,
      models: origin.models,
      stages: origin.stages,
      locales: origin.locales,
      ids: origin.ids,
      samples: origin.samples,
    };
    const names = { models: knowledge.models, stages: knowledge.stages, locales: knowledge.locales };

    it("holds for random documents, rules, principals and header values", { timeout: 300_000 }, async () => {
      const stats = {
        runs: 0,
        fetchRefusedHeader: 0,
        forwarded: 0,
        withEntries: 0,
        handed: 0,
        versions: 0,
        delivered: 0,
        checked: 0,
        checkedFailing: 0,
        singlesKept: 0,
        evaluated: 0,
        evaluatedInFilters: 0,
        evaluatedConditioned: 0,
        twinCompared: 0,
        twinDiffered: 0,
      };
      /** Per filter family: how many requests using it were allowed, and refused by reason. */
      const filterOutcomes: Record<string, Counts> = {};
      const refusals: Counts = {};
      const families: Counts = {};
      const headers: Counts = {};
      const features: Counts = {};
      let last: unknown = null;

      const property = fc.asyncProperty(
        fc.gen(),
        // Conditions more often on localized models: their single entries are checked one by one.
        rulesArb({
          ...space,
          ...names,
          preferred: origin.models.filter((m) => Boolean((sdlSchema.getType(m) as GraphQLObjectType).getFields()["locale"])),
        }),
        askerArb(space),
        // Absent, an honest value, or anything from the injection grammar.
        fc.option(fc.oneof(fc.constantFrom(...space.stages), headerValueArb(space.stages, false)), { nil: undefined, freq: 3 }),
        fc.option(fc.oneof(fc.constantFrom(...space.locales), headerValueArb(space.locales, true)), { nil: undefined, freq: 3 }),
        async (g, rawRules, asker, stageHeader, localesHeader) => {
          stats.runs++;
          const request = randomRequest(g, {
            ...space,
            scopeValue: headerValueArb(space.locales.concat(space.stages), false),
            emptyScopeLists: EMPTY_SCOPE_LISTS,
            stageLogic: STAGE_LOGIC,
          });
          last = {
            query: request.query,
            variables: request.variables,
            operationName: request.operationName,
            rules: rawRules,
            asker,
            stageHeader,
            localesHeader,
          };
          const document = parse(request.query);
          expect(validate(sdlSchema, document), request.query).toEqual([]);
          request.families.forEach((f) => bump(families, f));
          const outcome = (key: string) => request.filterFamilies.forEach((f) => bump((filterOutcomes[f] ??= {}), key));

          // The client's headers, as the Fetch API lets a client send them.
          const client = new Headers({ "user-agent": "property-test" });
          for (const [header, value] of [
            ["gcms-stage", stageHeader],
            ["gcms-locales", localesHeader],
          ] as const) {
            if (value === undefined) continue;
            try {
              client.set(header, value);
            } catch {
              stats.fetchRefusedHeader++;
            }
          }
          bump(headers, `gcms-stage ${headerCategory(client.get("gcms-stage") ?? undefined, space.stages)}`);
          bump(headers, `gcms-locales ${headerCategory(client.get("gcms-locales") ?? undefined, space.locales)}`);

          const rules = normalizeRules(rawRules, "rules", names);
          const principal: Principal =
            asker.kind === "public"
              ? { kind: "public", rules }
              : { kind: "pat", rules, ...(asker.defaultStage === undefined ? {} : { defaultStage: asker.defaultStage }) };
          const project = { ...PROJECT, publicPermissions: principal.kind === "public" ? rules : [] };

          const badScope = scopeErrors(client, principal.defaultStage, request.invalidVariables, space);
          let allowed: Authorised;
          try {
            allowed = authorise({
              known,
              document,
              operationName: request.operationName,
              variables: request.variables,
              principal,
              project,
              headers: client,
            });
          } catch (error) {
            if (!(error instanceof GatewayError)) throw error;
            const reason =
              String(error.extensions?.["reason"] ?? (error.extensions?.["failedActions"] ? "failedActions" : "")) +
              (error.extensions?.["kind"] ? ` ${String(error.extensions["kind"])}` : "");
            bump(refusals, `${error.status} ${error.code}${reason ? ` ${reason}` : ""}`);
            outcome(`${error.status} ${error.code}${reason ? ` ${reason}` : ""}`);
            expectFairRefusal(error, { principal, rawRules, badScope, emptyScopeList: request.emptyScopeList });
            return;
          }
          // A value that is not an exact member must never get this far.
          expect(badScope, "an invalid stage or locale value was not refused").toEqual([]);
          expect(
            allowed.unclassified.length === 0 || grantsEverything(rules),
            "an unclassified field for a principal that may not do everything",
          ).toBe(true);

          outcome("allowed");
          last = { ...(last as object), forwarded: allowed.query };

          // Exactly what the endpoint sends (graphql-endpoint.ts): each document through the forward
          // guard to the origin, then the entry checks of conditions at single-entry positions;
          // against the origin, or against its twin whose data differs in `twin` entries only.
          const forward = async (twin?: (entry: EntryRef) => boolean) => {
            const handed: HandedEntry[] = [];
            const versions: VersionRead[] = [];
            const evaluated: EvaluatedEntry[] = [];
            const answers: string[] = [];
            const send = async (query: string, withVariables: boolean): Promise<OriginAnswer> => {
              const body = JSON.stringify({
                query,
                variables: withVariables ? (request.variables ?? undefined) : undefined,
                operationName: withVariables ? (request.operationName ?? undefined) : undefined,
              });
              const headers = originHeaders({ client, stage: allowed.stage, locales: allowed.locales, originToken: project.originToken });
              guardForwarded({ known, project, authorised: allowed, body, headers });
              const run = origin.run(body, headers, twin ? { twin } : {});
              expect(run.result.errors ?? [], query).toEqual([]);
              handed.push(...run.entries);
              versions.push(...run.versions);
              evaluated.push(...run.evaluated);
              answers.push(JSON.stringify(run.result));
              return { status: 200, headers: new Headers({ "content-type": "application/json" }), body: answers.at(-1)!, elapsedMs: 0 };
            };
            const first = await send(allowed.query, true);
            const final = await withEntryChecks(first, allowed, known, request.operationName, (query) => send(query, false));
            return { first, final, handed, versions, evaluated, answers };
          };
          const { first, final, handed, versions, evaluated, answers } = await forward();
          const data = (JSON.parse(final.body) as { data: unknown }).data;
          const delivered = entriesIn(data, knowledge.models);
          stats.forwarded++;
          stats.handed += handed.length;
          stats.versions += versions.length;
          stats.delivered += delivered.length;
          stats.evaluated += evaluated.length;
          stats.evaluatedInFilters += evaluated.filter((e) => !e.own).length;
          const conditionedModel = (model: string) => rawRules.some((r) => r.condition && (r.model === "*" || r.model.includes(model)));
          stats.evaluatedConditioned += evaluated.filter((e) => !e.own && conditionedModel(e.model)).length;
          if (answers.length > 1) stats.checked++;
          if (handed.length + versions.length > 0) {
            stats.withEntries++;
            for (const [feature, pattern] of FEATURES) if (pattern.test(allowed.query)) bump(features, feature);
            if (rawRules.some((r) => r.condition)) bump(features, "conditioned rules");
          }

          // Entries at positions the gateway checks one by one may fail their condition at the
          // origin (the gateway drops them); everywhere else the origin must already have applied it.
          const prefix = allowed.checks?.prefix ?? null;
          const checked = (e: HandedEntry) => prefix !== null && (e.at ?? []).some((node) => asksIdentity(node, prefix));
          const anyEntry = () => true;
          const authorised = new Set(allowed.touches.map((t) => `${t.action} ${t.model} ${t.stage} ${t.locale}`));
          stats.checkedFailing += handed.filter((e) => checked(e) && !permits(rawRules, "read", e, origin.matches)).length;
          const show = (e: { model: string; id: string; stage: string; locale?: string | undefined }) =>
            `${e.model} ${e.id} ${e.stage} ${e.locale ?? "(no locale)"}`;
          const evaluatedAt = (e: EvaluatedEntry) =>
            `${show(e)}${e.own ? "" : " (in a filter)"} at ${e.at?.map((n) => n.alias?.value ?? n.name.value)}`;
          expect({
            handedOutsideRules: handed.filter((e) => !permits(rawRules, "read", e, checked(e) ? anyEntry : origin.matches)).map(show),
            handedNotAuthorised: handed.filter((e) => !authorised.has(`read ${e.model} ${e.stage} ${e.locale}`)).map(show),
            versionsOutsideRules: versions.filter((v) => !permits(rawRules, "readVersion", v, origin.matches)).map(show),
            versionsNotAuthorised: versions.filter((v) => !authorised.has(`readVersion ${v.model} ${v.stage} ${v.locale}`)).map(show),
            deliveredOutsideRules: delivered.filter((e) => !permits(rawRules, "read", e, origin.matches)).map(show),
            evaluatedOutsideRules: [
              ...new Set(
                evaluated.filter((e) => !permits(rawRules, "read", e, e.own && checked(e) ? anyEntry : origin.matches)).map(evaluatedAt),
              ),
            ],
            evaluatedNotAuthorised: [
              ...new Set(evaluated.filter((e) => !authorised.has(`read ${e.model} ${e.stage} ${e.locale}`)).map(evaluatedAt)),
            ],
          }).toEqual({
            handedOutsideRules: [],
            handedNotAuthorised: [],
            versionsOutsideRules: [],
            versionsNotAuthorised: [],
            deliveredOutsideRules: [],
            evaluatedOutsideRules: [],
            evaluatedNotAuthorised: [],
          });

          // Differential: an origin whose data differs only where the caller may not read gives
          // the caller the very same answer (data, counts, errors).
          const twin = await forward((e) => !permits(rawRules, "read", e, origin.matches));
          stats.twinCompared++;
          if (twin.answers.join() !== answers.join()) stats.twinDiffered++;
          expect(JSON.parse(twin.final.body), "the answer depends on data outside the rules").toEqual(JSON.parse(final.body));
          if (prefix !== null) expect(JSON.stringify(data)).not.toContain(prefix);

          // No false refusal: a single entry the rules cover is answered, not nulled. An entry of a
          // model without a locale field is covered here in any locale, while the gateway (like
          // `decide`) holds it to the locales it was read in: only localized entries are asked.
          const raw = (JSON.parse(first.body) as { data: Record<string, unknown> }).data;
          for (const key of request.singles) {
            const [entry] = entriesIn(raw[key], knowledge.models);
            if (entry && entry.locale !== undefined && permits(rawRules, "read", entry, origin.matches)) {
              expect((data as Record<string, unknown>)[key], key).not.toBeNull();
              stats.singlesKept++;
            }
          }
        },
      );

      const started = Date.now();
      try {
        await fc.assert(property, { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) });
      } catch (error) {
        console.error(`failing request on ${name}:\n${JSON.stringify(last, null, 2)}`);
        throw error;
      }
      console.log(
        `${name}: ${stats.runs} runs in ${Date.now() - started} ms; forwarded ${stats.forwarded} (${stats.withEntries} handed out entries or versions: ` +
          `${stats.handed} entries, ${stats.versions} version reads; ${stats.delivered} entries delivered; ${stats.checked} with entry checks, ` +
          `which dropped ${stats.checkedFailing} entries outside a condition; ` +
          `${stats.singlesKept} covered single entries answered); header values the Fetch API refused: ${stats.fetchRefusedHeader}\n` +
          `filters: ${stats.evaluated} entries evaluated (${stats.evaluatedInFilters} reached inside filters, ` +
          `${stats.evaluatedConditioned} of them of a model under a condition); ` +
          `${stats.twinCompared} answers compared with the twin origin's, ${stats.twinDiffered} where the origin's answers differed and the caller's did not\n` +
          `filter families (requests allowed / refused by reason):\n${familyTable(filterOutcomes)}\n` +
          `refusals: ${JSON.stringify(refusals)}\nroot families: ${JSON.stringify(families)}\nforwarded with content, using: ${JSON.stringify(features)}\n` +
          `headers: ${JSON.stringify(headers)}`,
      );
      // Meaningful only if a fair share is forwarded and hands out content, and every kind of refusal happens.
      expect(stats.forwarded).toBeGreaterThan(stats.runs * 0.15);
      expect(stats.withEntries).toBeGreaterThan(stats.runs * 0.1);
      expect(stats.versions).toBeGreaterThan(0);
      expect(stats.checked).toBeGreaterThan(0);
      expect(stats.singlesKept).toBeGreaterThan(0);
      expect(stats.evaluatedInFilters).toBeGreaterThan(0);
      // Filters through relations are forwarded, not only refused.
      for (const family of ["scalar", "single relation", "relation _some", "createdBy/updatedBy/publishedBy", "AND/OR/NOT"])
        if (filterOutcomes[family]) expect(filterOutcomes[family]["allowed"] ?? 0, `${family} allowed`).toBeGreaterThan(0);
      for (const code of ["400 INVALID_STAGE", "400 INVALID_LOCALE", "403 FORBIDDEN failedActions"])
        expect(
          Object.keys(refusals).some((k) => k.startsWith(code)),
          code,
        ).toBe(true);
    });
  },
);

/**
 * The filter oracles are not vacuous: a filter that reaches the origin without the reads it makes
 * (here sent to the origin directly, as the gateway did before issue 19) shows up both as entries
 * evaluated outside the rules and as an answer the twin origin changes. `name_in: [alpha, gamma]`
 * and a version comparison match exactly the entries the twin's data does not.
 */
describe("the filter oracles see a filter the rules do not cover", () => {
  const { sdlSchema } = REAL_SCHEMAS.find((s) => s.name.includes("meltemi"))!;
  const origin = genericOrigin(sdlSchema, { baseLocale: PROJECT.defaultLocale });
  const rules: RawRule[] = [{ action: ["read"], model: ["Alloggio"], stages: ["PUBLISHED"] }];
  const outside = (e: EntryRef) => !permits(rules, "read", e, origin.matches);

  it.each([
    ["createdBy", "User", '{ alloggi(stage: PUBLISHED, locales: [en], where: { createdBy: { name_in: ["alpha", "gamma"] } }) { id } }'],
    [
      "documentInStages_some",
      "Alloggio",
      "{ alloggi(stage: PUBLISHED, locales: [en], where: { documentInStages_some: { stage: DRAFT, compareWithParent: { outdated_to: true } } }) { id } }",
    ],
  ])("%s: %s evaluated outside the rules, and the twin's answer differs", (_name, model, query) => {
    const body = JSON.stringify({ query });
    const run = origin.run(body, new Headers());
    const twin = origin.run(body, new Headers(), { twin: outside });
    expect(run.evaluated.filter(outside).map((e) => e.model)).toContain(model);
    expect(twin.result).not.toEqual(run.result);
  });
});

/**
 * The codes the request must be refused with because of a stage or locale value, per the
 * contract: the `gcms-stage` header (trimmed; empty means absent), else the token's default
 * stage; each item of `gcms-locales` (trimmed; empty items between commas ignored); each
 * stage/locale variable value, exactly.
 */
function scopeErrors(
  headers: Headers,
  defaultStage: string | undefined,
  invalidVariables: { kind: "stage" | "locale" }[],
  space: { stages: readonly string[]; locales: readonly string[] },
): string[] {
  const codes = new Set<string>();
  const stage = headers.get("gcms-stage")?.trim();
  if (stage && !space.stages.includes(stage)) codes.add("INVALID_STAGE");
  // An empty default stage is no default (the project's applies); any other must be a member as is.
  if (!stage && defaultStage && !space.stages.includes(defaultStage)) codes.add("INVALID_STAGE");
  const items = (headers.get("gcms-locales") ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  if (items.some((l) => !space.locales.includes(l))) codes.add("INVALID_LOCALE");
  for (const v of invalidVariables) codes.add(v.kind === "stage" ? "INVALID_STAGE" : "INVALID_LOCALE");
  return [...codes].sort();
}

/** A refusal the caller may get for this request — and never a 5xx, a validation error for a valid document, or a wrong 400. */
function expectFairRefusal(
  error: GatewayError,
  ctx: { principal: Principal; rawRules: RawRule[]; badScope: string[]; emptyScopeList: boolean },
): void {
  const { principal, rawRules, badScope } = ctx;
  const where = `${error.status} ${error.code} ${error.message}`;
  if (error.code === "UNAUTHENTICATED") {
    expect(principal.kind === "public" && principal.rules.length === 0, where).toBe(true);
    return;
  }
  if (badScope.length > 0) {
    expect(error.status, where).toBe(400);
    expect(badScope, where).toContain(error.code);
    return;
  }
  // An explicitly empty stages/locales list may be refused as a bad request.
  if (ctx.emptyScopeList && error.status === 400) return;
  expect(error.status, where).toBe(403);
  expect(error.code, where).toBe("FORBIDDEN");
  const failed = error.extensions?.["failedActions"] as { action: string; model: string; stage: string; locale: string }[] | undefined;
  const reason = error.extensions?.["reason"];
  if (reason === "UNCLASSIFIED_FIELD") return expect(grantsEverything(principal.rules), where).toBe(false);
  if (reason === "CONDITION_UNENFORCEABLE") {
    // Fair only on touches that a conditioned rule grants and no unconditioned rule does.
    expect(UNENFORCEABLE, where).toContain(error.extensions?.["kind"]);
    const conditioned = rawRules.filter((r) => r.condition);
    const plain = rawRules.filter((r) => !r.condition);
    for (const t of failed ?? []) {
      expect(
        permits(conditioned, t.action, { ...t, id: "" }, () => true),
        `${where}: ${JSON.stringify(t)} has no condition`,
      ).toBe(true);
      expect(
        permits(plain, t.action, { ...t, id: "" }, () => true),
        `${where}: ${JSON.stringify(t)} is granted outright`,
      ).toBe(false);
    }
    if (error.extensions?.["kind"] === "every-filter") expect(String(error.extensions["field"]), where).toMatch(/_every\)$/);
    return;
  }
  // A 403 lists touches that no rule grants (conditions aside): a covered touch is never refused.
  expect(failed?.length, where).toBeGreaterThan(0);
  const granted = failed!.filter((t) => permits(rawRules, t.action, { ...t, id: "" }, () => true));
  expect(granted, where).toEqual([]);
}

/**
 * Kinds of CONDITION_UNENFORCEABLE a caller may get: through a field (conditions.ts) or inside a
 * filter (filter-conditions.ts: `_every`, a `null` relation filter, a stage comparison or a
 * relation to several models, a condition the nested filter's type cannot hold).
 */
const UNENFORCEABLE = [
  "mutation",
  "write-action",
  "version-action",
  "no-identity",
  "every-filter",
  "null-filter",
  "no-exact-rewrite",
  "invalid-condition",
];

/** The filter families table: one line per family, allowed first, then refusals by (shortened) reason. */
function familyTable(outcomes: Record<string, Counts>): string {
  const short = (reason: string) =>
    reason
      .replace(/^400 INVALID_(STAGE|LOCALE)$/, "400 stage/locale")
      .replace(/^401 .*/, "401")
      .replace("403 FORBIDDEN failedActions", "403 rules")
      .replace("403 FORBIDDEN CONDITION_UNENFORCEABLE", "403 unenforceable")
      .replace("403 FORBIDDEN UNCLASSIFIED_FIELD", "403 unclassified");
  return Object.entries(outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([family, counts]) => {
      const refused: Counts = {};
      for (const [reason, n] of Object.entries(counts)) if (reason !== "allowed") bump(refused, short(reason), n);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const allowed = String(counts["allowed"] ?? 0).padStart(4);
      return `  ${family.padEnd(34)} ${String(total).padStart(5)} requests: ${allowed} allowed; refused ${JSON.stringify(refused)}`;
    })
    .join("\n");
}

/** Every entry in an answer: objects naming a model by `__typename`, with their id, stage and locale (the generator selects them). */
function entriesIn(value: unknown, models: readonly string[], out: { model: string; id: string; stage: string; locale?: string }[] = []) {
  if (Array.isArray(value)) value.forEach((v) => entriesIn(v, models, out));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (
      typeof o["__typename"] === "string" &&
      models.includes(o["__typename"]) &&
      typeof o["id"] === "string" &&
      typeof o["stage"] === "string"
    )
      out.push({
        model: o["__typename"],
        id: o["id"],
        stage: o["stage"],
        ...(typeof o["locale"] === "string" ? { locale: o["locale"] } : {}),
      });
    Object.values(o).forEach((v) => entriesIn(v, models, out));
  }
  return out;
}

/** Whether a forwarded field asks for the hidden identity of its entries (a position checked entry by entry). */
function asksIdentity(node: FieldNode, prefix: string): boolean {
  return (node.selectionSet?.selections ?? []).some(
    (s) =>
      s.kind === Kind.INLINE_FRAGMENT && s.selectionSet.selections.some((f) => f.kind === Kind.FIELD && f.alias?.value === `${prefix}id`),
  );
}
