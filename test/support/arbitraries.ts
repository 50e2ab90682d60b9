/**
 * fast-check generators over the demo origin's schema (demo/src/models.ts, demo/src/sdl.ts) and
 * its seed data (demo/migrations/0002_seed.sql), for end-to-end property tests through the
 * gateway: random read documents, random permission rules, random request scopes, and an oracle
 * that says whether an entry of an answer is covered by a rule set.
 *
 * Every object a generated document can get entries in selects `__typename id stage locale slug`
 * (every demo model has `slug`), so an answer can be checked entry by entry.
 */
import fc from "fast-check";

const MODELS = ["Post", "Author", "Page"] as const;
type ModelName = (typeof MODELS)[number];
export const STAGES = ["DRAFT", "PUBLISHED"] as const;
const LOCALES = ["en", "de"] as const;

const seq = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(19, "0")}`);
/** Seeded ids per model (some exist only in DRAFT, some only in English). */
const SEEDED_IDS: Record<ModelName, string[]> = {
  Post: seq("clpost", 8),
  Author: seq("clauth", 3),
  Page: seq("clpage", 3),
};
/** Seeded slugs per model. */
const SEEDED_SLUGS: Record<ModelName, string[]> = {
  Post: [
    "hello-edge",
    "caching-graphql",
    "stale-while-revalidate",
    "permissions-at-the-edge",
    "webhooks-in-practice",
    "upcoming-localization",
    "unfinished-thoughts",
    "benchmarks",
  ],
  Author: ["ada-lovelace", "grace-hopper", "alan-turing"],
  Page: ["about", "contact", "imprint"],
};
const ALL_IDS = [...SEEDED_IDS.Post, ...SEEDED_IDS.Author, ...SEEDED_IDS.Page];
const lower = (m: ModelName) => m[0]!.toLowerCase() + m.slice(1);

// ---------------------------------------------------------------------------------------------
// Rules

export type NameSet = "*" | string[];
type Condition = Record<string, unknown>;
export interface Rule {
  action: NameSet;
  model: NameSet;
  stages?: NameSet;
  locales?: NameSet;
  condition?: Condition;
}

const nameSet = (values: readonly string[]) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant("*" as const) }, { weight: 3, arbitrary: fc.subarray([...values], { minLength: 1 }) });

/** A where-filter valid for every demo model (they all have `id` and `slug`). */
const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom(...SEEDED_IDS.Post.slice(0, 4), SEEDED_IDS.Author[0]!, SEEDED_IDS.Page[0]!).map((id) => ({ id })),
  fc.subarray(ALL_IDS, { minLength: 1, maxLength: 5 }).map((ids) => ({ id_in: ids })),
  fc.constantFrom(...SEEDED_IDS.Post.slice(0, 3), SEEDED_IDS.Author[0]!).map((id) => ({ id_not: id })),
  fc.constantFrom("hello-edge", "caching-graphql", "ada-lovelace", "about").map((slug) => ({ slug_not: slug })),
  fc.constantFrom("hello-edge", "grace-hopper", "contact").map((slug) => ({ slug })),
);

/**
 * One rule: mostly `read` (sometimes `"*"` or a list with `read`, rarely a write action that grants
 * no read), over a model set, stage set and locale set (each sometimes `"*"` or omitted), with an
 * optional condition.
 */
const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    action: fc.oneof(
      { weight: 8, arbitrary: fc.constant<NameSet>(["read"]) },
      { weight: 1, arbitrary: fc.constant<NameSet>("*") },
      { weight: 1, arbitrary: fc.constant<NameSet>(["publish", "read"]) },
      { weight: 1, arbitrary: fc.constant<NameSet>(["update"]) },
    ),
    model: nameSet(MODELS),
    stages: fc.option(nameSet(STAGES), { nil: undefined, freq: 8 }),
    locales: fc.option(nameSet(LOCALES), { nil: undefined, freq: 8 }),
    condition: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: conditionArb }),
  })
  .map((r) => {
    const rule: Rule = { action: r.action, model: r.model };
    if (r.stages !== undefined) rule.stages = r.stages;
    if (r.locales !== undefined) rule.locales = r.locales;
    if (r.condition !== undefined) rule.condition = r.condition;
    return rule;
  });

/** A broad unconditioned read rule (all models), so that a fair share of requests is allowed. */
const broadRuleArb: fc.Arbitrary<Rule> = fc
  .record({ stages: nameSet(STAGES), locales: nameSet(LOCALES) })
  .map(({ stages, locales }) => ({ action: ["read"], model: "*", stages, locales }));

/** A where-filter on one model's seeded entries, so that it lets some of them through and not others. */
const conditionForModel = (model: ModelName): fc.Arbitrary<Condition> =>
  fc.oneof(
    fc.subarray(SEEDED_IDS[model], { minLength: 1, maxLength: 3 }).map((ids) => ({ id_in: ids })),
    fc.constantFrom(...SEEDED_IDS[model]).map((id) => ({ id })),
    fc.constantFrom(...SEEDED_IDS[model]).map((id) => ({ id_not: id })),
    fc.constantFrom(...SEEDED_SLUGS[model]).map((slug) => ({ slug_not: slug })),
  );

/**
 * A rule set where one model is readable only under a condition and the others outright (like a
 * "only these posts" token), so that allowed answers often contain entries the condition decides.
 */
const conditionedRulesArb: fc.Arbitrary<Rule[]> = fc
  .constantFrom(...MODELS)
  .chain((model) =>
    fc.record({
      model: fc.constant(model),
      stages: nameSet(STAGES),
      locales: nameSet(LOCALES),
      condition: fc.oneof(conditionForModel(model), conditionArb),
      extra: fc.array(ruleArb, { maxLength: 1 }),
    }),
  )
  .map(({ model, stages, locales, condition, extra }) => [
    { action: ["read"], model: MODELS.filter((m) => m !== model), stages, locales },
    { action: ["read"], model: [model], stages, locales, condition },
    ...extra,
  ]);

/**
 * A rule set: 0–4 random rules, often after a broad one, or a conditioned set
 * ({@link conditionedRulesArb}). An empty set disables public access.
 */
export const rulesArb: fc.Arbitrary<Rule[]> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.option(broadRuleArb, { nil: undefined, freq: 2 }), fc.array(ruleArb, { maxLength: 4 }))
      .map(([broad, rules]) => (broad ? [broad, ...rules] : rules)),
  },
  { weight: 2, arbitrary: conditionedRulesArb },
);

const inSet = (set: NameSet | undefined, name: string) => set === undefined || set === "*" || set.includes(name);

/** An entry of an answer, as the checker reads it. */
export interface Entry {
  __typename: string;
  id: string;
  stage: string;
  locale: string;
  slug: string;
}

/** Whether an entry satisfies a condition; only the operators {@link conditionArb} produces. */
function satisfies(entry: Entry, condition: Condition): boolean {
  return Object.entries(condition).every(([key, value]) => {
    switch (key) {
      case "id":
        return entry.id === value;
      case "id_in":
        return (value as string[]).includes(entry.id);
      case "id_not":
        return entry.id !== value;
      case "slug":
        return entry.slug === value;
      case "slug_not":
        return entry.slug !== value;
      default:
        throw new Error(`the oracle does not know the condition operator ${key}`);
    }
  });
}

/** Whether a rule allows reading `entry`: read action, its model, stage and locale, and its condition if any. */
function ruleAllows(rule: Rule, entry: Entry): boolean {
  return (
    inSet(rule.action, "read") &&
    inSet(rule.model, entry.__typename) &&
    inSet(rule.stages, entry.stage) &&
    inSet(rule.locales, entry.locale) &&
    (!rule.condition || satisfies(entry, rule.condition))
  );
}

export const covered = (rules: readonly Rule[], entry: Entry) => rules.some((rule) => ruleAllows(rule, entry));

/** Whether a touch is granted by a rule without a condition (such a touch is never refused). */
export const grantedOutright = (rules: readonly Rule[], t: { action: string; model: string; stage: string; locale: string }) =>
  rules.some(
    (r) => !r.condition && inSet(r.action, t.action) && inSet(r.model, t.model) && inSet(r.stages, t.stage) && inSet(r.locales, t.locale),
  );

/**
 * Every entry object in a GraphQL answer: any object whose `__typename` is a demo model. Throws
 * when such an object lacks a field the oracle needs (a generator bug, not a gateway bug).
 */
export function entriesOf(data: unknown): Entry[] {
  const out: Entry[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (value === null || typeof value !== "object") return;
    const object = value as Record<string, unknown>;
    if ((MODELS as readonly unknown[]).includes(object["__typename"])) {
      for (const key of ["id", "stage", "locale", "slug"]) {
        if (typeof object[key] !== "string") throw new Error(`entry at ${path} has no ${key}: ${JSON.stringify(object).slice(0, 300)}`);
      }
      out.push({
        __typename: object["__typename"] as string,
        id: object["id"] as string,
        stage: object["stage"] as string,
        locale: object["locale"] as string,
        slug: object["slug"] as string,
      });
    }
    for (const [key, v] of Object.entries(object)) walk(v, `${path}.${key}`);
  };
  walk(data, "data");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Documents

export interface GeneratedDocument {
  query: string;
  variables: Record<string, unknown>;
  /** Aliases of the root unique lookups (`post(where: { id | slug })`). */
  uniques: string[];
}

type Gen = fc.GeneratorValue;

/**
 * Builds one random read document over the demo schema with `g` (from `fc.gen()`): 1–3 aliased
 * root fields (lists, connections, unique lookups by id or slug, `node`, `nodes`), random nesting
 * through `Post.author`, `Author.posts`, `documentInStages`, `localizations`, inline fragments,
 * named fragments and `... on Node`; `stage`/`stages`/`locales` arguments absent, literal, given by
 * a variable, by a variable's default, or by an unset nullable variable.
 */
export function randomDocument(g: Gen): GeneratedDocument {
  let n = 0;
  let aliases = 0;
  /** Selections left: keeps documents under the gateway's alias (30) and token limits. */
  let budget = 24;
  const varDefs: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  const alias = () => (aliases++, `a${n++}`);
  const pick = <T>(...values: T[]) => g(() => fc.constantFrom(...values));
  const someOf = (values: readonly string[]) => g(() => fc.subarray([...values], { minLength: 1 }));

  const arg = (name: string, type: "Stage" | "[Stage!]" | "[Locale!]", values: string[]) => {
    const mode = pick("none", "none", "literal", "variable", "default", "unset");
    if (mode === "none") return "";
    const value = type === "Stage" ? values[0]! : values;
    const literal = Array.isArray(value) ? `[${value.join(", ")}]` : value;
    if (mode === "literal") return `${name}: ${literal}`;
    const v = `v${n++}`;
    if (mode === "unset") varDefs.push(`$${v}: ${type}`);
    else if (mode === "default") varDefs.push(`$${v}: ${type}! = ${literal}`);
    else {
      varDefs.push(`$${v}: ${type}!`);
      variables[v] = value;
    }
    return `${name}: $${v}`;
  };
  const args = (...parts: string[]) => (parts.some(Boolean) ? `(${parts.filter(Boolean).join(", ")})` : "");
  const where = (model: ModelName) => {
    const ids = SEEDED_IDS[model];
    const w = pick("none", "none", "id_in", "slug_not", "variable");
    if (w === "none") return "";
    if (w === "id_in") return `where: { id_in: ${JSON.stringify(g(() => fc.subarray(ids, { minLength: 1, maxLength: 3 })))} }`;
    if (w === "slug_not") return `where: { slug_not: "${pick(...SEEDED_SLUGS[model])}" }`;
    const v = `v${n++}`;
    varDefs.push(`$${v}: ${model}WhereInput`);
    if (g(() => fc.boolean())) variables[v] = { OR: [{ id: pick(...ids) }, { slug_not: pick(...SEEDED_SLUGS[model]) }] };
    return `where: $${v}`;
  };

  const BASE = "__typename id stage locale slug";
  const selection = (model: ModelName, depth: number): string => {
    const parts = [BASE];
    budget--;
    const count = depth > 0 ? g(() => fc.integer({ min: 0, max: 3 })) : 0;
    for (let i = 0; i < count && budget > 0 && aliases < 24; i++) {
      const choices = ["inline", "fragment", "onNode", "documentInStages", "localizations"];
      if (model === "Post") choices.push("author", "author");
      if (model === "Author") choices.push("posts", "posts");
      switch (pick(...choices)) {
        case "inline":
          parts.push(`... on ${model} { ${selection(model, depth - 1)} }`);
          break;
        case "onNode":
          parts.push("... on Node { id stage }");
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
        case "documentInStages":
          parts.push(
            `${alias()}: documentInStages${args(arg("stages", "[Stage!]", someOf(STAGES)), pick("", "", "includeCurrent: true", "inheritLocale: true", "inheritLocale: false"))} { ${selection(model, depth - 1)} }`,
          );
          break;
        case "localizations":
          parts.push(
            `${alias()}: localizations${args(arg("locales", "[Locale!]", someOf(LOCALES)), pick("", "", "includeCurrent: true"))} { ${selection(model, depth - 1)} }`,
          );
          break;
      }
    }
    return parts.join(" ");
  };
  /** A `Node`-typed selection: every model spelled out, so each entry still carries locale and slug. */
  const nodeSelection = (depth: number) => `__typename id stage ${MODELS.map((m) => `... on ${m} { ${selection(m, depth)} }`).join(" ")}`;

  const roots: string[] = [];
  const uniques: string[] = [];
  const rootCount = pick(1, 1, 2, 3);
  for (let i = 0; i < rootCount; i++) {
    const model = pick(...MODELS);
    const name = lower(model);
    const scope = () => [arg("stage", "Stage", someOf(STAGES)), arg("locales", "[Locale!]", someOf(LOCALES))];
    const depth = g(() => fc.integer({ min: 0, max: 3 }));
    const a = alias();
    const kinds = ["list", "list", "connection", "unique", "uniqueSlug", "node", "nodes"];
    switch (pick(...kinds)) {
      case "list":
        roots.push(`${a}: ${name}s${args(where(model), ...scope())} { ${selection(model, depth)} }`);
        break;
      case "connection":
        roots.push(
          `${a}: ${name}sConnection${args(where(model), ...scope())} { edges { node { ${selection(model, depth)} } } aggregate { count } }`,
        );
        break;
      case "unique":
        uniques.push(a);
        roots.push(`${a}: ${name}${args(`where: { id: "${pick(...SEEDED_IDS[model])}" }`, ...scope())} { ${selection(model, depth)} }`);
        break;
      case "uniqueSlug":
        uniques.push(a);
        roots.push(`${a}: ${name}${args(`where: { slug: "${pick(...SEEDED_SLUGS[model])}" }`, ...scope())} { ${selection(model, depth)} }`);
        break;
      case "node":
        roots.push(`${a}: node${args(`id: "${pick(...ALL_IDS)}"`, ...scope())} { ${nodeSelection(depth)} }`);
        break;
      case "nodes":
        roots.push(
          `${a}: nodes${args(`ids: ${JSON.stringify(g(() => fc.subarray(ALL_IDS, { minLength: 1, maxLength: 3 })))}`, ...scope())} { ${nodeSelection(depth)} }`,
        );
        break;
    }
  }
  const header = varDefs.length ? `query Q(${varDefs.join(", ")})` : "query Q";
  return { query: [`${header} { ${roots.join(" ")} }`, ...fragments].join("\n"), variables, uniques };
}

// ---------------------------------------------------------------------------------------------
// Requests

type Route = "content-post" | "content-get" | "v2-post" | "v2-get";

/** How one document is sent: route and the `gcms-stage` / `gcms-locales` headers (or none). */
export interface RequestShape {
  route: Route;
  headers: Record<string, string>;
}

export const requestShapeArb: fc.Arbitrary<RequestShape> = fc
  .record({
    route: fc.constantFrom<Route>("content-post", "content-post", "content-get", "v2-post", "v2-get"),
    stage: fc.option(fc.constantFrom(...STAGES), { nil: undefined }),
    locales: fc.option(fc.constantFrom("en", "de", "de,en", "en,de", " de , en "), { nil: undefined }),
  })
  .map(({ route, stage, locales }) => {
    const headers: Record<string, string> = {};
    if (stage) headers["gcms-stage"] = stage;
    if (locales) headers["gcms-locales"] = locales;
    return { route, headers };
  });
