/**
 * The deployment's Cloudflare Access settings (SPEC §5a), from the variables `ACCESS_TEAM_DOMAIN`,
 * `ACCESS_AUD` and `ACCESS_ROLES`: all three or none. Half a configuration throws, since Access
 * that is half set up either never lets anyone in or suggests a protection that is not there.
 */
import { parseAccessRoles, type AccessRoleRules } from "./access-roles";

export interface AccessSettings {
  /** The Zero Trust team's host name, e.g. `example.cloudflareaccess.com`: the issuer is `https://<teamDomain>`. */
  teamDomain: string;
  /** The Access application's Application Audience (AUD) tag, expected in the assertion's `aud`. */
  audience: string;
  /** Parsed `ACCESS_ROLES`. */
  roles: AccessRoleRules;
}

/** The variables read, as the Worker's bindings carry them. */
export interface AccessVariables {
  ACCESS_TEAM_DOMAIN?: string | undefined;
  ACCESS_AUD?: string | undefined;
  ACCESS_ROLES?: string | undefined;
}

const NAMES = ["ACCESS_TEAM_DOMAIN", "ACCESS_AUD", "ACCESS_ROLES"] as const;
/** A bare host name: labels of letters, digits and inner hyphens, at least two of them; no scheme, port or path. */
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * Parses the Access variables: `null` when none is set (Access is off), the settings when all are,
 * and an `Error` naming what is wrong otherwise (gateway-config.ts fails the deployment with it).
 *
 * @example
 * parseAccessSettings({ ACCESS_TEAM_DOMAIN: "example.cloudflareaccess.com", ACCESS_AUD: "4714c…", ACCESS_ROLES: "*@example.com=viewer" });
 */
export function parseAccessSettings(vars: AccessVariables): AccessSettings | null {
  const values = NAMES.map((name) => vars[name]?.trim() ?? "");
  const set = NAMES.filter((_, i) => values[i] !== "");
  if (set.length === 0) return null;
  if (set.length < NAMES.length) {
    const missing = NAMES.filter((name) => !set.includes(name));
    throw new Error(
      `content-edge: Cloudflare Access needs ${NAMES.join(", ")} together; ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not`,
    );
  }
  const [domain = "", audience = "", roles = ""] = values;
  const teamDomain = domain.toLowerCase();
  if (!HOST.test(teamDomain)) {
    throw new Error(
      `content-edge: ACCESS_TEAM_DOMAIN must be a bare host name such as example.cloudflareaccess.com (no https://, no path), got "${domain}"`,
    );
  }
  // The AUD tag is a long hex string today; only its form as one printable word is checked, so a
  // change of its format at Cloudflare does not break deployments.
  if (!/^[\x21-\x7e]{1,512}$/.test(audience)) throw new Error("content-edge: ACCESS_AUD must be the application's AUD tag, one word");
  const rules = parseAccessRoles(roles);
  if (Object.values(rules).every((table: ReadonlyMap<string, unknown>) => table.size === 0)) {
    throw new Error("content-edge: ACCESS_ROLES names no rule, so no Access identity could get a role");
  }
  return { teamDomain, audience, roles: rules };
}
