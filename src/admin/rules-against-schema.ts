import { checkRuleConditions } from "../permissions/conditions";
import { normalizeRules } from "../permissions/rules";
import type { PermissionRule } from "../projects/types";
import type { KnownSchema } from "../schema/store";

/** A named list of rules, e.g. `["publicPermissions", rules]` or `["roles.editor", rules]`. */
export type RuleSet = readonly [path: string, rules: readonly PermissionRule[]];

/**
 * Checks rules against the origin's schema (SPEC §2, issue 3 "Admin API validation"): every model,
 * stage and locale a rule names must exist, and every condition must be a valid where-filter of
 * the models it applies to. Rules are otherwise syntactically valid already.
 *
 * @throws InvalidConfigError naming the rule's field, e.g. `publicPermissions[2].model`.
 * @example
 * checkRulesAgainstSchema([["permissions", token.permissions]], known);
 */
export function checkRulesAgainstSchema(sets: readonly RuleSet[], known: KnownSchema): void {
  const { knowledge, schema } = known;
  const names = { models: knowledge.models, stages: knowledge.stages, locales: knowledge.locales };
  for (const [path, rules] of sets) {
    // Normalized rules are valid input to normalizeRules; this time the names are checked too.
    normalizeRules(rules, path, names);
    checkRuleConditions(rules, knowledge, path, schema);
  }
}

/** Whether any rule names something the schema must confirm (a model, stage, locale or condition). */
export function rulesNeedSchema(sets: readonly RuleSet[]): boolean {
  return sets.some(([, rules]) => rules.some((rule) => rule.model !== "*" || rule.stages !== "*" || rule.locales !== "*" || rule.condition));
}

/** The rule sets of a project configuration: public rules and each role's. */
export function projectRuleSets(config: { publicPermissions: PermissionRule[]; roles: Record<string, PermissionRule[]> }): RuleSet[] {
  return [["publicPermissions", config.publicPermissions], ...Object.entries(config.roles).map(([role, rules]) => [`roles.${role}`, rules] as const)];
}
