/**
 * fast-check generators of what decides a request besides its document, over any schema's names:
 * `gcms-stage` / `gcms-locales` header values from an injection grammar, permission rule sets
 * (read, readVersion and `"*"` actions; model, stage and locale subsets or `"*"`; id conditions),
 * and principals (public, or a PAT with an optional default stage). Plus the oracle's own reading
 * of a rule set, written independently of the gateway's `decide`.
 */
import fc from "fast-check";

/** The names a schema offers, and the ids of entries its origin holds. */
export interface ScopeSpace {
  models: readonly string[];
  stages: readonly string[];
  locales: readonly string[];
  ids: Readonly<Record<string, readonly string[]>>;
  /** Models to put conditions on more often (e.g. those whose single entries can be checked one by one). */
  preferred?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Header values

/** Look-alikes: Cyrillic е/а/о/р/с, dotless ı, fullwidth letters. */
const lookalike = (m: string) =>
  m.replace(/e/g, "\u0435").replace(/a/g, "\u0430").replace(/o/g, "\u043e").replace(/E/g, "\u0415").replace(/P/g, "\u0420");
const fullwidth = (m: string) => [...m].map((c) => (c >= "!" && c <= "~" ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join("");
/** UTF-8 bytes read as Latin-1: what a server sees of non-ASCII header bytes. */
const mojibake = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

const injections = (m: string) => [
  `${m}]) { id } x: posts(stage: DRAFT`,
  `${m}) { id } leak: products(stage: DRAFT`,
  `${m}]) { id } __schema { types { name } } x: products(locales: [${m}`,
  `${m}, locales: [de]`,
  `${m}") { id } #`,
  `${m} } } query X { products(stage: DRAFT) { id } } #`,
  `${m} @include(if: true)`,
  `$stage`,
  `${m}\\u0041`,
  `${m} # comment`,
  `DRAFT PUBLISHED`,
  `${m}, ${m}]) { id } leak: assets(stage: DRAFT, locales: [${m}]`,
];
const syntax = (m: string) => [
  `[${m}]`,
  `${m}]`,
  `[${m}`,
  `{${m}}`,
  `(${m})`,
  `${m})`,
  `"${m}"`,
  `'${m}'`,
  `\`${m}\``,
  `${m};`,
  `${m}:`,
  `${m}\\`,
  `${m}|${m}`,
  `${m} ${m}`,
  `${m}\t${m}`,
  `${m}\n`,
  `${m}\r\n${m}`,
  `${m}\u0000`,
  `${m}\u0007`,
  `=${m}`,
  `${m}=`,
];
const unicode = (m: string) => [
  `${m}é`,
  `${m}\u00e9`,
  fullwidth(m),
  lookalike(m),
  `${m}\u200b`,
  `\u200b${m}`,
  `\ufeff${m}`,
  `${m}\u0301`,
  `${m}💥`,
  `日本${m}`,
  mojibake(`${m}é`),
  mojibake(`${m}💥`),
  `\u00a0${m}`,
  `${m}\u00a0`,
  `\u000b${m}`,
  `${m}\u000c`,
  `${m}\u0085`,
];
const cases = (m: string) => [
  m.toLowerCase(),
  m.toUpperCase(),
  m.charAt(0).toUpperCase() + m.slice(1).toLowerCase(),
  m.charAt(0).toLowerCase() + m.slice(1),
];
const padded = (m: string) => [` ${m} `, `\t${m}`, `${m}\t `, `  ${m}`];
const long = (m: string) => [m.repeat(1200), `${m},`.repeat(1500), "A".repeat(4096), `${m} ${"x".repeat(5000)}`, `${m}${"]".repeat(3000)}`];

/**
 * A header value for a stage (`list: false`) or locale list (`list: true`) header: valid members
 * (padded, or as lists with empty items), and every kind of text that must be refused — wrong
 * case, brackets, braces, parentheses, quotes, commas, newlines, control characters, unicode and
 * look-alikes, values of a few KB, and GraphQL fragments written to escape an argument.
 * Some of these the Fetch `Headers` API itself refuses (newlines, NUL, non-Latin-1): a client
 * cannot send them, and the test skips them.
 */
export function headerValueArb(members: readonly string[], list: boolean): fc.Arbitrary<string> {
  const member = fc.constantFrom(...members);
  const from = (templates: (m: string) => string[]) => member.chain((m) => fc.constantFrom(...templates(m)));
  const lists = fc
    .tuple(fc.shuffledSubarray([...members], { minLength: 1 }), fc.constantFrom(",", ", ", " , ", ",,", ",\t"), fc.boolean())
    .map(([items, sep, edges]) => (edges ? `,${items.join(sep)},` : items.join(sep)));
  return fc.oneof(
    { weight: 6, arbitrary: member },
    { weight: 2, arbitrary: from(padded) },
    { weight: list ? 4 : 0, arbitrary: lists },
    { weight: list ? 1 : 0, arbitrary: fc.constantFrom(",", " , ", ",,,") },
    { weight: 2, arbitrary: from(cases) },
    { weight: 3, arbitrary: from(syntax) },
    { weight: 3, arbitrary: from(injections) },
    // workerd's Headers accepts non-ASCII text (sending it as UTF-8) and logs a warning for each
    // value, so these come less often than their weight in attacks would suggest.
    { weight: 1, arbitrary: from(unicode) },
    { weight: 1, arbitrary: from(long) },
    { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 24 }) },
    // A valid list with one bad item: every item is checked, not just the first.
    {
      weight: list ? 2 : 0,
      arbitrary: fc
        .tuple(
          member,
          from((m) => [...cases(m), ...injections(m), ...syntax(m)]),
        )
        .map(([a, b]) => `${a},${b}`),
    },
  );
}

/** The category of a header value, for the test's statistics. */
export function headerCategory(value: string | undefined, members: readonly string[]): string {
  if (value === undefined) return "absent";
  if (value.length > 1000) return "long";
  const items = value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.every((i) => members.includes(i))) return items.length === 0 ? "empty" : "valid";
  if (/[^\x20-\x7e]/.test(value)) return "unicode/control";
  if (/[[\]{}()"'`#@$]/.test(value)) return "syntax/injection";
  return "other";
}

// ---------------------------------------------------------------------------------------------
// Rules and principals

type NameSet = "*" | string[];
type Condition = Record<string, unknown>;
/** A rule as an operator writes it (before normalization). */
export interface RawRule {
  action: NameSet;
  model: NameSet;
  stages?: NameSet;
  locales?: NameSet;
  condition?: Condition;
}

const nameSet = (values: readonly string[]): fc.Arbitrary<NameSet> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant("*" as const) }, { weight: 2, arbitrary: fc.subarray([...values], { minLength: 1 }) });

/** An id condition over the origin's entries: lets some entries of a model through and not others. */
function conditionArb(space: ScopeSpace): fc.Arbitrary<Condition> {
  const all = Object.values(space.ids).flat();
  const id = fc.constantFrom(...all);
  return fc.oneof(
    fc.subarray(all, { minLength: 1, maxLength: 8 }).map((ids) => ({ id_in: ids })),
    id.map((x) => ({ id: x })),
    id.map((x) => ({ id_not: x })),
    fc.subarray(all, { minLength: 1, maxLength: 3 }).map((ids) => ({ id_not_in: ids })),
  );
}

/** One rule: mostly `read`, often `readVersion` or `"*"`, rarely a write action that grants no read. */
function ruleArb(space: ScopeSpace): fc.Arbitrary<RawRule> {
  return fc
    .record({
      action: fc.oneof(
        { weight: 6, arbitrary: fc.constant<NameSet>(["read"]) },
        { weight: 2, arbitrary: fc.constant<NameSet>("*") },
        { weight: 2, arbitrary: fc.constant<NameSet>(["read", "readVersion"]) },
        { weight: 2, arbitrary: fc.constant<NameSet>(["readVersion"]) },
        { weight: 1, arbitrary: fc.constant<NameSet>(["publish"]) },
      ),
      model: nameSet(space.models),
      stages: fc.option(nameSet(space.stages), { nil: undefined, freq: 4 }),
      locales: fc.option(nameSet(space.locales), { nil: undefined, freq: 4 }),
      condition: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: conditionArb(space) }),
    })
    .map(({ condition, stages, locales, ...rule }) => ({
      ...rule,
      ...(stages === undefined ? {} : { stages }),
      ...(locales === undefined ? {} : { locales }),
      ...(condition === undefined ? {} : { condition }),
    }));
}

/**
 * A rule set where one model is readable only under an id condition on its own entries and every
 * other model outright (like an "only these products" token), so that answers often hold entries
 * the condition decides: AND-ed into list filters, or checked entry by entry at single positions.
 */
function conditionedRulesArb(space: ScopeSpace): fc.Arbitrary<RawRule[]> {
  const preferred = space.preferred?.length ? space.preferred : space.models;
  return fc
    .oneof({ weight: 1, arbitrary: fc.constantFrom(...space.models) }, { weight: 3, arbitrary: fc.constantFrom(...preferred) })
    .chain((model) => {
      const ids = [...(space.ids[model] ?? [])];
      // Mostly every stage and locale, so that the condition, not the scope, decides.
      const wide = (values: readonly string[]) =>
        fc.oneof({ weight: 2, arbitrary: fc.constant<NameSet>("*") }, { weight: 1, arbitrary: nameSet(values) });
      return fc.record({
        model: fc.constant(model),
        stages: wide(space.stages),
        locales: wide(space.locales),
        condition: fc.oneof(
          fc.subarray(ids, { minLength: 1 }).map((some): Condition => ({ id_in: some })),
          fc.constantFrom(...ids).map((id): Condition => ({ id })),
          fc.constantFrom(...ids).map((id): Condition => ({ id_not: id })),
        ),
        versions: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      });
    })
    .map(({ model, stages, locales, condition, versions }) => [
      { action: versions ? ["read", "readVersion"] : ["read"], model: space.models.filter((m) => m !== model), stages, locales },
      { action: ["read"], model: [model], stages, locales, condition },
    ]);
}

/**
 * A rule set: 0–4 random rules, often after a broad read rule (every model) so that a fair share
 * of requests is allowed, now and then the rule that grants everything, and sometimes a
 * conditioned set ({@link conditionedRulesArb}).
 */
export function rulesArb(space: ScopeSpace): fc.Arbitrary<RawRule[]> {
  return fc.oneof({ weight: 2, arbitrary: randomRulesArb(space) }, { weight: 1, arbitrary: conditionedRulesArb(space) });
}

function randomRulesArb(space: ScopeSpace): fc.Arbitrary<RawRule[]> {
  const broad = fc.record({
    action: fc.constantFrom<NameSet>(["read"], ["read", "readVersion"], "*"),
    model: fc.constant<NameSet>("*"),
    stages: nameSet(space.stages),
    locales: nameSet(space.locales),
  });
  const everything = fc.constant<RawRule>({ action: "*", model: "*" });
  return fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: broad }, { weight: 1, arbitrary: everything }),
      fc.array(ruleArb(space), { maxLength: 4 }),
    )
    .map(([first, rest]) => (first ? [first, ...rest] : rest));
}

/** Who asks: the public, or a PAT with an optional default stage (rarely not a stage at all). */
export type Asker = { kind: "public" } | { kind: "pat"; defaultStage?: string };

export function askerArb(space: ScopeSpace): fc.Arbitrary<Asker> {
  return fc.oneof(
    fc.constant<Asker>({ kind: "public" }),
    fc
      .oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: fc.constantFrom(...space.stages) },
        { weight: 1, arbitrary: headerValueArb(space.stages, false) },
      )
      .map((defaultStage): Asker => (defaultStage === undefined ? { kind: "pat" } : { kind: "pat", defaultStage })),
  );
}

/** The oracle's reading of a name set: `"*"` or absent is every name. */
const inSet = (set: NameSet | undefined, name: string) => set === undefined || set === "*" || set.includes(name);

/**
 * Whether `rules` let `action` reach `entry` (model, stage, locale, and the rule's condition on
 * the entry, evaluated by the origin's own filter semantics).
 */
export function permits(
  rules: readonly RawRule[],
  action: string,
  entry: { model: string; id: string; stage: string; locale?: string | undefined },
  matches: (entry: { id: string }, where: unknown) => boolean,
): boolean {
  return rules.some(
    (r) =>
      inSet(r.action, action) &&
      inSet(r.model, entry.model) &&
      inSet(r.stages, entry.stage) &&
      // A model without localized fields names no locale: any rule's locales may cover it.
      (entry.locale === undefined || inSet(r.locales, entry.locale)) &&
      (r.condition === undefined || matches(entry, r.condition)),
  );
}
