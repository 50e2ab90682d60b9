/**
 * The decision: a request is allowed only if every touch is covered by at least one rule. Pure and
 * synchronous, so it is table-tested and cannot fail open on an I/O error.
 */
import { ACTIONS, type Condition, type NameSet, type PermissionRule } from "../projects/types";
import type { Touch } from "./touches";
import { canonicalJson } from "../platform/canonical-json";

/** The where-filter entries of one touched (action, model, stage, locale) must satisfy. */
export interface TouchCondition {
  touch: Touch;
  /** One rule's condition, or `{ OR: [...] }` of several granting rules' conditions. */
  where: Condition;
}

export type Decision = { allowed: true; conditions: TouchCondition[] } | { allowed: false; failedActions: Touch[] };

/** Whether a normalized name set contains `name`. */
export function inNameSet(set: NameSet, name: string): boolean {
  return set === "*" || set.includes(name);
}

/** Whether `rule` grants `touch` (ignoring its condition). */
export function ruleCovers(rule: PermissionRule, touch: Touch): boolean {
  return (
    inNameSet(rule.action, touch.action) &&
    inNameSet(rule.model, touch.model) &&
    inNameSet(rule.stages, touch.stage) &&
    inNameSet(rule.locales, touch.locale)
  );
}

/**
 * The indices of the rules that grant `touch` (ignoring conditions), in rule order: what
 * {@link decide} allows a touch with, and what the admin explain shows for each touch.
 *
 * @example grantingRules([readPost, readAll], { action: "read", model: "Post", stage: "PUBLISHED", locale: "en" }); // [0, 1]
 */
export function grantingRules(rules: readonly PermissionRule[], touch: Touch): number[] {
  const out: number[] = [];
  rules.forEach((rule, i) => {
    if (ruleCovers(rule, touch)) out.push(i);
  });
  return out;
}

/**
 * Whether the rules grant every action on every model, stage and locale without a condition: the
 * one principal default deny lets through fields it cannot classify (SPEC §3a), because nothing
 * could be outside its rules.
 *
 * @example
 * grantsEverything([{ action: "*", model: "*", stages: "*", locales: "*" }]); // true
 */
export function grantsEverything(rules: readonly PermissionRule[]): boolean {
  const unconditioned = rules.filter((r) => !r.condition && r.model === "*" && r.stages === "*" && r.locales === "*");
  return ACTIONS.every((action) => unconditioned.some((r) => inNameSet(r.action, action)));
}

/**
 * Decides a request from its touches and the principal's normalized rules.
 *
 * Conditions: a touch granted by a rule without a condition is unconditioned (that rule already
 * allows every entry); otherwise the entries must satisfy one of the granting rules' conditions,
 * so the filter is their OR. `failedActions` lists every refused touch, like Hygraph's.
 *
 * @example
 * decide([{ action: ["read"], model: ["Post"], stages: ["PUBLISHED"], locales: "*" }],
 *        [{ action: "read", model: "Post", stage: "DRAFT", locale: "en" }]);
 * // { allowed: false, failedActions: [{ action: "read", model: "Post", stage: "DRAFT", locale: "en" }] }
 */
export function decide(rules: readonly PermissionRule[], touches: readonly Touch[]): Decision {
  const failed: Touch[] = [];
  const conditions: TouchCondition[] = [];
  for (const touch of touches) {
    const granting = grantingRules(rules, touch).map((i) => rules[i]!);
    if (granting.length === 0) {
      failed.push({ ...touch });
      continue;
    }
    if (granting.some((r) => !r.condition)) continue;
    const wheres = dedupe(granting.map((r) => r.condition!));
    conditions.push({ touch: { ...touch }, where: wheres.length === 1 ? wheres[0]! : { OR: wheres } });
  }
  return failed.length ? { allowed: false, failedActions: failed } : { allowed: true, conditions };
}

function dedupe(conditions: Condition[]): Condition[] {
  const seen = new Map<string, Condition>();
  for (const c of conditions) seen.set(canonicalJson(c), c);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}
