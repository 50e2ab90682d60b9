/**
 * Validation of a project's API policies (SPEC §3b, §4): `allowedOrigins` and `ipRules`. Same
 * contract as the rest of `validate.ts`: strict, and the first bad value is an
 * `InvalidConfigError` naming its field (`allowedOrigins[1]`, `ipRules.deny[0]`).
 */
import { InvalidConfigError } from "../errors";
import { parseCidr } from "../policies/cidr";
import { ANY_ORIGIN, canonicalOriginEntry } from "../policies/origin-policy";
import type { IpRules } from "./types";

/** More entries than this is a configuration mistake (or an attempt to make every request slow). */
export const MAX_POLICY_ENTRIES = 500;

/**
 * `allowedOrigins`: absent → `["*"]`; otherwise a non-empty list of `"*"`, origins or
 * `scheme://*.domain` wildcards, canonicalized and de-duplicated.
 *
 * @example
 * validateAllowedOrigins(["https://Example.com", "https://*.preview.example.com"]);
 * // ["https://example.com", "https://*.preview.example.com"]
 */
export function validateAllowedOrigins(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [...ANY_ORIGIN];
  const list = nonEmptyList(raw, "allowedOrigins", 'origins such as https://www.example.com, or "*"');
  const result: string[] = [];
  list.forEach((entry, i) => {
    if (typeof entry !== "string") throw new InvalidConfigError(`allowedOrigins[${i}]`, "must be a string");
    let canonical: string;
    try {
      canonical = canonicalOriginEntry(entry);
    } catch (error) {
      throw new InvalidConfigError(`allowedOrigins[${i}]`, (error as Error).message);
    }
    if (!result.includes(canonical)) result.push(canonical);
  });
  if (result.includes("*") && result.length > 1) {
    throw new InvalidConfigError("allowedOrigins", '"*" allows every origin; list it alone or list origins without it');
  }
  return result;
}

/**
 * `ipRules`: absent → none; otherwise `{ allow?, deny? }`, each a list of IPv4/IPv6 CIDR blocks
 * or bare addresses with their host bits zero.
 *
 * @example
 * validateIpRules({ allow: ["203.0.113.0/24"], deny: ["2001:db8::/32"] }); // as given
 * validateIpRules({ deny: ["203.0.113.5/24"] }); // throws InvalidConfigError("ipRules.deny[0]", …)
 */
export function validateIpRules(raw: unknown): IpRules | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new InvalidConfigError("ipRules", "must be an object { allow?, deny? }");
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== "allow" && key !== "deny") throw new InvalidConfigError(`ipRules.${key}`, "is not a known field");
  }
  const rules: IpRules = {};
  for (const key of ["allow", "deny"] as const) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value))
      throw new InvalidConfigError(`ipRules.${key}`, "must be a list of CIDR blocks such as 203.0.113.0/24 or 2001:db8::/32");
    if (value.length > MAX_POLICY_ENTRIES)
      throw new InvalidConfigError(`ipRules.${key}`, `must have at most ${MAX_POLICY_ENTRIES} entries`);
    rules[key] = value.map((entry, i) => {
      if (typeof entry !== "string") throw new InvalidConfigError(`ipRules.${key}[${i}]`, "must be a string");
      try {
        parseCidr(entry);
      } catch (error) {
        throw new InvalidConfigError(`ipRules.${key}[${i}]`, (error as Error).message);
      }
      return entry;
    });
  }
  return rules;
}

function nonEmptyList(raw: unknown, field: string, what: string): unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new InvalidConfigError(field, `must be a non-empty list of ${what}`);
  if (raw.length > MAX_POLICY_ENTRIES) throw new InvalidConfigError(field, `must have at most ${MAX_POLICY_ENTRIES} entries`);
  return raw;
}
