/**
 * Validation of permission rules from untrusted JSON (admin API: project PUT, token creation).
 * Strict on purpose: an unknown key (`stage` for `stages`) or an unknown name would otherwise
 * silently grant more or less than the operator meant.
 */
import { InvalidConfigError } from "../errors";
import { ACTIONS, type Action, type NameSet, type PermissionRule } from "./types";

/** Names rules may use; omit a list to accept any name for that field (e.g. no schema known yet). */
export interface KnownNames {
  models?: readonly string[];
  stages?: readonly string[];
  locales?: readonly string[];
}

const RULE_KEYS = new Set(["action", "model", "stages", "locales", "condition"]);

/**
 * Normalizes a list of rules: each name field becomes `"*"` or a sorted, deduplicated, non-empty
 * list; `stages` and `locales` default to `"*"` (Hygraph's default: all stages and locales);
 * `action` and `model` are required.
 *
 * @throws InvalidConfigError whose `extensions.field` names the offending path, e.g.
 *   `publicPermissions[2].model`.
 * @example
 * normalizeRules([{ action: "read", model: "*", stages: "PUBLISHED" }], "publicPermissions", { models: ["Post"] });
 * // [{ action: ["read"], model: "*", stages: ["PUBLISHED"], locales: "*" }]
 */
export function normalizeRules(raw: unknown, path: string, known: KnownNames = {}): PermissionRule[] {
  if (!Array.isArray(raw)) throw new InvalidConfigError(path, "must be a list of permission rules");
  return raw.map((item, i) => normalizeRule(item, `${path}[${i}]`, known));
}

/**
 * Normalizes one rule (see {@link normalizeRules}).
 *
 * @example
 * normalizeRule({ action: ["read", "read"], model: "Post" }, "roles.editor[0]");
 * // { action: ["read"], model: ["Post"], stages: "*", locales: "*" }
 */
export function normalizeRule(raw: unknown, path: string, known: KnownNames = {}): PermissionRule {
  if (!isPlainObject(raw)) throw new InvalidConfigError(path, "must be an object");
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key))
      throw new InvalidConfigError(`${path}.${key}`, `unknown rule field (expected one of ${[...RULE_KEYS].join(", ")})`);
  }
  const rule: PermissionRule = {
    action: nameSet(raw["action"], `${path}.action`, ACTIONS, false) as NameSet<Action>,
    model: nameSet(raw["model"], `${path}.model`, known.models, false),
    stages: nameSet(raw["stages"], `${path}.stages`, known.stages, true),
    locales: nameSet(raw["locales"], `${path}.locales`, known.locales, true),
  };
  if (raw["condition"] !== undefined) {
    const condition = raw["condition"];
    if (!isPlainObject(condition)) throw new InvalidConfigError(`${path}.condition`, "must be a where-filter object");
    if (Object.keys(condition).length === 0)
      throw new InvalidConfigError(`${path}.condition`, "must not be empty (omit it to allow every entry)");
    if (!isJson(condition)) throw new InvalidConfigError(`${path}.condition`, "must contain only JSON values");
    rule.condition = structuredClone(condition);
  }
  return rule;
}

function nameSet(value: unknown, path: string, known: readonly string[] | undefined, optional: boolean): NameSet {
  if (value === undefined && optional) return "*";
  if (value === undefined) throw new InvalidConfigError(path, "is required");
  if (value === "*") return "*";
  const names = typeof value === "string" ? [value] : value;
  if (!Array.isArray(names)) throw new InvalidConfigError(path, 'must be a name, a list of names, or "*"');
  if (names.length === 0) throw new InvalidConfigError(path, 'must not be empty (use "*" for all)');
  if (names.includes("*")) return "*";
  names.forEach((n, i) => {
    const where = typeof value === "string" ? path : `${path}[${i}]`;
    if (typeof n !== "string" || n === "") throw new InvalidConfigError(where, "must be a non-empty string");
    if (known && !known.includes(n)) throw new InvalidConfigError(where, `unknown name "${n}" (known: ${known.join(", ")})`);
  });
  return [...new Set(names as string[])].sort();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
  );
}

function isJson(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  return isPlainObject(v) && Object.values(v).every(isJson);
}
