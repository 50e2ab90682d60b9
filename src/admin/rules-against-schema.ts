import type { GatewayConfig } from "../config/gateway-config";
import { InvalidConfigError, OriginError, OriginTimeoutError } from "../errors";
import { checkRuleConditions } from "../permissions/conditions";
import { normalizeRules } from "../projects/rules";
import type { PermissionRule, ProjectConfig, ProjectRef } from "../projects/types";
import { knownSchema, refreshSchema, type KnownSchema } from "../schema/store";

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
  return sets.some(([, rules]) =>
    rules.some((rule) => rule.model !== "*" || rule.stages !== "*" || rule.locales !== "*" || rule.condition),
  );
}

/** The rule sets of a project configuration: public rules and each role's. */
export function projectRuleSets(config: { publicPermissions: PermissionRule[]; roles: Record<string, PermissionRule[]> }): RuleSet[] {
  return [
    ["publicPermissions", config.publicPermissions],
    ...Object.entries(config.roles).map(([role, rules]) => [`roles.${role}`, rules] as const),
  ];
}

/** Whether rules were checked against the origin's schema; when not, the origin failure that prevented it. */
export type RulesCheck = { checked: true } | { checked: false; cause: OriginError | OriginTimeoutError };

/**
 * Checks rule sets (and a default stage) against the project's origin schema, learning it when
 * needed — afresh with `fresh` (a project PUT may point at a new origin), and even when no rule
 * names anything with `askOrigin` (a project PUT: the answer then tells whether the origin, its
 * token and its introspection work). When the schema cannot be learned right now (the origin is
 * down, or the URL or token is wrong), the result carries the origin failure: the caller still
 * accepts the change, so an operator can act during an origin outage, and says why the rules went
 * unchecked ({@link rulesUncheckedMember}).
 *
 * @example
 * const check = await checkRulesWithOrigin(ref, project, [["permissions", rules]], gateway, { fresh: false });
 */
export async function checkRulesWithOrigin(
  ref: ProjectRef,
  project: ProjectConfig,
  sets: readonly RuleSet[],
  gateway: GatewayConfig,
  options: {
    fresh: boolean;
    askOrigin?: boolean;
    defaultStage?: { field: string; value: string } | undefined;
    defaultLocale?: { field: string; value: string } | undefined;
  },
): Promise<RulesCheck> {
  if (!options.askOrigin && !rulesNeedSchema(sets) && !options.defaultStage && !options.defaultLocale) return { checked: true };
  const deps = { kv: gateway.kv, serviceOrigins: gateway.serviceOrigins, originTimeoutMs: gateway.originTimeoutMs };
  let known: KnownSchema;
  try {
    known = options.fresh ? await refreshSchema(ref, project, deps) : await knownSchema(ref, project, deps, () => undefined);
  } catch (error) {
    if (error instanceof OriginError || error instanceof OriginTimeoutError) return { checked: false, cause: error };
    throw error;
  }
  checkRulesAgainstSchema(sets, known);
  const stage = options.defaultStage;
  if (stage && known.knowledge.stages.length > 0 && !known.knowledge.stages.includes(stage.value)) {
    throw new InvalidConfigError(stage.field, `unknown stage "${stage.value}" (the origin has ${known.knowledge.stages.join(", ")})`);
  }
  const locale = options.defaultLocale;
  if (locale && known.knowledge.locales.length > 0 && !known.knowledge.locales.includes(locale.value)) {
    throw new InvalidConfigError(locale.field, `unknown locale "${locale.value}" (the origin has ${known.knowledge.locales.join(", ")})`);
  }
  return { checked: true };
}

/**
 * What an admin answer adds when rules went unchecked: `rulesUnchecked` with the origin failure's
 * `code`, `reason` (`dns`, `connect`, `tls`, `timeout`, `http-status`, …: docs/errors.md),
 * `originStatus` when the origin answered, and its message. Nothing when they were checked.
 *
 * @example
 * return c.json({ ...maskSecrets(config), ...rulesUncheckedMember(check) });
 * // { …, "rulesUnchecked": { "code": "ORIGIN_ERROR", "reason": "dns", "message": "The origin's host name could not be resolved …" } }
 */
export function rulesUncheckedMember(check: RulesCheck): { rulesUnchecked?: Record<string, unknown> } {
  if (check.checked) return {};
  const { code, extensions, message } = check.cause;
  return { rulesUnchecked: { code, ...extensions, message } };
}

/**
 * A `PUT …?strict=true` whose rules could not be checked: the origin failure itself (`502
 * ORIGIN_ERROR` or `504 ORIGIN_TIMEOUT`, same `reason`), saying that nothing was saved.
 *
 * @example
 * if (strict && !check.checked) throw notSavedError(check.cause);
 */
export function notSavedError(cause: OriginError | OriginTimeoutError): OriginError | OriginTimeoutError {
  const message = `Nothing was saved (strict=true): the origin's schema could not be learned to check the rules. ${cause.message}`;
  return cause instanceof OriginTimeoutError
    ? new OriginTimeoutError(message, cause.extensions)
    : new OriginError(message, cause.extensions);
}
