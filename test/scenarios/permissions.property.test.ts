/**
 * The security bar of issue 3 as an end-to-end property: random read documents over the demo
 * schema, random rule sets and random principals (public rules on a fresh project, or a PAT on a
 * shared project), sent through the real gateway (`/content` POST/GET, `/v2` POST/GET) to the
 * real demo origin. Whenever the gateway answers 200, every entry in the answer — every object
 * whose `__typename` is a model, with its `stage`, `locale`, `id` and `slug` — is covered by a
 * rule (read action, model, stage, locale, and the rule's condition if it has one). Whenever it
 * refuses, the answer is a typed 401/403 and the origin was not contacted.
 *
 * The pure counterpart over an in-memory origin is test/permissions/property.test.ts.
 */
import { env as workerEnv } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { configureProject, demoOrigin, getQuery, originRequests, postQuery, uniqueTag } from "../support/gateway";
import { issueToken } from "../support/tokens";
import {
  covered,
  entriesOf,
  grantedOutright,
  randomDocument,
  requestShapeArb,
  rulesArb,
  STAGES,
  type Entry,
  type GeneratedDocument,
  type RequestShape,
  type Rule,
} from "../support/arbitraries";

/** Vite passes `VITE_`-prefixed environment variables into workerd through `import.meta.env`. */
const viteEnv = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {};
/**
 * Runs (rule sets) per test run and the seed; `VITE_FC_RUNS=100 VITE_FC_SEED=…` search elsewhere
 * or reproduce. Keep runs modest: every call through the pool's `exports.default` loopback gets
 * slower as a test makes more of them (even `/healthz`), so a few hundred requests is the budget.
 * Shrinking is off (`endOnFailure`): the failing case is printed whole and the seed reproduces it.
 * Seed 8 reached the `documentInStages` leak below at run 25, before it was fixed.
 */
const RUNS = Number(viteEnv["VITE_FC_RUNS"] ?? 60);
const SEED = Number(viteEnv["VITE_FC_SEED"] ?? 8);
/** Documents sent per rule set (each with its own route and headers). */
const DOCUMENTS_PER_RUN = 3;

type Body = {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; failedActions?: Record<string, string>[]; reason?: string } }[];
};

/** Client operations that reached the origin under `tag` (the gateway's schema reads left out). */
const originReads = async (tag: string) => (await originRequests(tag)).filter((r) => !r.body?.includes("__schema")).length;
/** Forgets what reached the origin under `tag`, so that {@link originReads} stays cheap on a shared project. */
async function forgetOriginReads(tag: string): Promise<void> {
  const response = await workerEnv.DEMO_ORIGIN.fetch(`https://demo-origin.internal/__origin/requests?prefix=/t/${tag}/`, {
    method: "DELETE",
  });
  expect(response.status).toBe(200);
  await response.body?.cancel();
}

function send(
  base: { content: string; v2: string },
  doc: GeneratedDocument,
  shape: RequestShape,
  auth: Record<string, string>,
): Promise<Response> {
  const headers = { ...shape.headers, ...auth };
  const path = shape.route.startsWith("content") ? base.content : base.v2;
  if (shape.route.endsWith("post")) return postQuery(path, { query: doc.query, variables: doc.variables }, headers);
  const params: Record<string, string> = { query: doc.query };
  if (Object.keys(doc.variables).length) params["variables"] = JSON.stringify(doc.variables);
  return getQuery(path, params, headers);
}

interface Case {
  principal: "public" | "pat";
  rules: Rule[];
  defaultStage?: string | undefined;
  document: GeneratedDocument;
  shape: RequestShape;
}

/** What one request came to; throws (with the whole case in the message) when the property fails. */
/** A project whose public rules read everything: the reference answer an unconditioned caller gets. */
let reference: { content: string } | undefined;

/**
 * Asks the reference project the same document in the same stage and locales; every root unique
 * lookup whose reference entry the rules cover must be answered (not `null`). Returns how many were.
 */
async function uniqueLookupsKept(c: Case, data: Record<string, unknown>, where: () => string): Promise<number> {
  if (c.document.uniques.length === 0) return 0;
  if (!reference) {
    const tag = uniqueTag("ref");
    await configureProject(`p-${tag}`, "master", {
      origin: demoOrigin(tag),
      publicPermissions: [{ action: "read", model: "*", stages: "*", locales: "*" }],
    });
    reference = { content: `/content/p-${tag}/master` };
  }
  const headers = { ...c.shape.headers };
  if (c.defaultStage && !headers["gcms-stage"]) headers["gcms-stage"] = c.defaultStage;
  const answer = (await (
    await postQuery(reference.content, { query: c.document.query, variables: c.document.variables }, headers)
  ).json()) as Body;
  let kept = 0;
  for (const alias of c.document.uniques) {
    const [entry] = entriesOf((answer.data as Record<string, unknown> | undefined)?.[alias] ?? null);
    if (!entry || !covered(c.rules, entry)) continue;
    expect(data[alias], `unique lookup ${alias} of a covered entry ${JSON.stringify(entry)} was nulled${where()}`).not.toBeNull();
    kept++;
  }
  return kept;
}

async function check(
  c: Case,
  base: { content: string; v2: string },
  tag: string,
  auth: Record<string, string>,
): Promise<{ outcome: "allowed" | "refused"; entries: Entry[]; status: number; kept?: number }> {
  await forgetOriginReads(tag);
  const response = await send(base, c.document, c.shape, auth);
  const text = await response.text();
  const where = () => `\ncase: ${JSON.stringify(c, null, 1)}\nstatus ${response.status}: ${text.slice(0, 1500)}`;
  let body: Body;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    throw new Error(`not JSON${where()}`);
  }
  if (response.status === 200) {
    expect(body.errors, `a 200 with errors${where()}`).toBeUndefined();
    expect(body.data, `a 200 without data${where()}`).toBeTypeOf("object");
    const entries = entriesOf(body.data);
    const leaked = entries.filter((e) => !covered(c.rules, e));
    if (leaked.length) throw new Error(`LEAK: ${JSON.stringify(leaked)} not covered by the rules${where()}`);
    // No false refusal: a unique lookup of an entry the rules cover is answered, not nulled.
    const kept = await uniqueLookupsKept(c, body.data as Record<string, unknown>, where);
    return { outcome: "allowed", entries, status: 200, kept };
  }
  if (response.status !== 401 && response.status !== 403) throw new Error(`neither allowed nor refused${where()}`);
  const error = body.errors?.[0];
  if (response.status === 401) {
    expect(error?.extensions?.code, where()).toBe("UNAUTHENTICATED");
    expect(response.headers.get("www-authenticate"), where()).toMatch(/^Bearer/);
    // Only a public request to a project without public rules is unauthenticated here.
    expect(c.principal === "public" && c.rules.length === 0, `an unexpected 401${where()}`).toBe(true);
  } else {
    expect(error?.extensions?.code, where()).toBe("FORBIDDEN");
    const failed = error?.extensions?.failedActions;
    expect(Array.isArray(failed) && failed.length > 0, `a 403 without failedActions${where()}`).toBe(true);
    for (const touch of failed!) {
      expect(Object.keys(touch).sort(), where()).toEqual(["action", "locale", "model", "stage"]);
      // A touch a rule grants without condition is never refused.
      expect(grantedOutright(c.rules, touch as never), `refused a touch the rules grant outright: ${JSON.stringify(touch)}${where()}`).toBe(
        false,
      );
    }
  }
  expect(await originReads(tag), `a refusal reached the origin${where()}`).toBe(0);
  return { outcome: "refused", entries: [], status: response.status };
}

describe("property, end to end: no entry outside the caller's rules leaves the gateway", () => {
  it("holds for random documents, rule sets, principals, routes and headers", { timeout: 150_000 }, async () => {
    // One project for PATs (no public access): a token per rule set.
    const patTag = uniqueTag("pat");
    const patRef = { projectId: `p-${patTag}`, environment: "master" };
    await configureProject(patRef.projectId, "master", { origin: demoOrigin(patTag) });
    const patBase = { content: `/content/${patRef.projectId}/master`, v2: `/v2/${patRef.projectId}/master` };

    const stats = {
      runs: 0,
      requests: 0,
      allowed: 0,
      refused: 0,
      unauthenticated: 0,
      entries: 0,
      allowedWithConditions: 0,
      entriesThroughConditions: 0,
      uniqueLookupsKept: 0,
      byPrincipal: { public: 0, pat: 0 },
    };
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<"public" | "pat">("public", "pat"),
          rulesArb,
          fc.option(fc.constantFrom(...STAGES), { nil: undefined }),
          fc.array(requestShapeArb, { minLength: DOCUMENTS_PER_RUN, maxLength: DOCUMENTS_PER_RUN }),
          fc.gen(),
          async (principal, rules, defaultStage, shapes, g) => {
            stats.runs++;
            stats.byPrincipal[principal]++;
            let base = patBase;
            let tag = patTag;
            let auth: Record<string, string> = {};
            if (principal === "public") {
              tag = uniqueTag("pub");
              await configureProject(`p-${tag}`, "master", { origin: demoOrigin(tag), publicPermissions: rules });
              base = { content: `/content/p-${tag}/master`, v2: `/v2/p-${tag}/master` };
            } else {
              const issued = await issueToken(patRef, {
                name: `run ${stats.runs}`,
                permissions: rules,
                ...(defaultStage ? { defaultStage } : {}),
              });
              auth = { authorization: `Bearer ${issued.token}` };
            }
            for (const shape of shapes) {
              const document = randomDocument(g);
              const c: Case = { principal, rules, defaultStage: principal === "pat" ? defaultStage : undefined, document, shape };
              const result = await check(c, base, tag, auth);
              stats.requests++;
              if (result.outcome === "allowed") {
                stats.allowed++;
                stats.entries += result.entries.length;
                const throughConditions = result.entries.filter(
                  (e) => !grantedOutright(rules, { action: "read", model: e.__typename, stage: e.stage, locale: e.locale }),
                ).length;
                if (throughConditions) stats.allowedWithConditions++;
                stats.entriesThroughConditions += throughConditions;
                stats.uniqueLookupsKept += result.kept ?? 0;
              } else {
                stats.refused++;
                if (result.status === 401) stats.unauthenticated++;
              }
            }
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new Error(
        `property failed (seed ${SEED}; VITE_FC_SEED=${SEED} reproduces it): ${(error as Error).message}${cause ? `\n${cause.message}` : ""}`,
        { cause: error },
      );
    }
    console.log(`permissions property (seed ${SEED}): ${JSON.stringify(stats)} in ${Date.now() - started} ms`);
    // Not vacuous: both outcomes occur, answers carry entries, and conditions were exercised.
    expect(stats.allowed).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.entries).toBeGreaterThan(50);
    expect(stats.allowedWithConditions).toBeGreaterThan(0);
    expect(stats.uniqueLookupsKept).toBeGreaterThan(0);
  });
});

/**
 * Minimal cases of a leak the property found (seed 8 here; seeds 2, 3 and 6 on earlier versions of
 * the generators), kept as regressions: `documentInStages` without `inheritLocale: true` resolves
 * on the demo origin in the base locale (`en`, demo/src/resolvers.ts), while the gateway counted
 * only the request's locales for it — so a caller allowed only `de` got entries in `en`. Refusing
 * or rewriting both satisfy these tests.
 */
describe("counterexamples the property found", () => {
  const DE_ONLY: Rule[] = [{ action: ["read"], model: ["Post"], stages: "*", locales: ["de"] }];
  const ENTRY = "__typename id stage locale slug";

  it.each([
    ["the locales argument", `{ posts(locales: [de]) { ${ENTRY} documentInStages(stages: [DRAFT]) { ${ENTRY} } } }`, {}],
    [
      "the locales argument and inheritLocale: false",
      `{ posts(locales: [de]) { ${ENTRY} documentInStages(stages: [DRAFT], inheritLocale: false) { ${ENTRY} } } }`,
      {},
    ],
    ["the gcms-locales header", `{ posts { ${ENTRY} documentInStages(stages: [DRAFT]) { ${ENTRY} } } }`, { "gcms-locales": "de" }],
  ])("documentInStages under a de-only rule, locale by %s: refused, or only de entries", async (_name, query, headers) => {
    const tag = uniqueTag("dis");
    await configureProject(`p-${tag}`, "master", { origin: demoOrigin(tag), publicPermissions: DE_ONLY });
    const response = await postQuery(`/content/p-${tag}/master`, { query }, headers);
    const text = await response.text();
    if (response.status !== 200) {
      expect(response.status, text).toBe(403);
      expect(await originReads(tag)).toBe(0);
      return;
    }
    const entries = entriesOf((JSON.parse(text) as Body).data);
    expect(entries.length).toBeGreaterThan(0);
    expect(
      entries.filter((e) => !covered(DE_ONLY, e)),
      text,
    ).toEqual([]);
  });
});
