/**
 * `ACCESS_ROLES` (SPEC §5a): which operator role a Cloudflare Access identity gets. The variable is
 * comma-separated `key=role` pairs; a key is
 *
 * - an exact e-mail address (`alice@example.com`, compared case-insensitively),
 * - `*@domain` (any address at exactly that domain, not its subdomains),
 * - `group:<name>` (a name in the token's groups, compared exactly, as identity providers spell them),
 * - `service:<common_name>` (an Access service token, by its client id).
 *
 * and a role is `viewer`, `editor` or `owner`. An identity gets the strongest role of every rule it
 * matches, or none. Pure: parsed once with the deployment's configuration.
 */
import { isRole, ROLES, strongerRole, type Role } from "./roles";

/** Parsed `ACCESS_ROLES`: one table per kind of key, each key normalised as it is compared. */
export interface AccessRoleRules {
  /** Lower-cased e-mail address → role. */
  emails: ReadonlyMap<string, Role>;
  /** Lower-cased domain (of `*@domain`) → role. */
  domains: ReadonlyMap<string, Role>;
  /** Group name, exact → role. */
  groups: ReadonlyMap<string, Role>;
  /** Service token common name (client id), exact → role. */
  services: ReadonlyMap<string, Role>;
}

/** What a rule can match: a user has an e-mail and groups, a service token a common name. */
export interface AccessSubject {
  email?: string;
  commonName?: string;
  groups: readonly string[];
}

/** A host name of dot-separated labels (letters, digits, inner hyphens), at least two labels. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** The local part of an address: printable, no spaces, no `@`, no `*` (a wildcard is only `*@domain`). */
const LOCAL_PART = /^[\x21-\x7e]{1,64}$/;

/**
 * Parses `ACCESS_ROLES`. Empty pairs (a trailing comma) are skipped; anything else that is not a
 * rule throws, naming the pair, so a typo fails the deployment's configuration loudly instead of
 * silently giving someone no role — or the wrong one. A key given twice throws too: which of its
 * roles was meant cannot be known.
 *
 * @example
 * parseAccessRoles("alice@example.com=owner, *@example.com=viewer, group:cms-editors=editor");
 */
export function parseAccessRoles(text: string): AccessRoleRules {
  const rules = {
    emails: new Map<string, Role>(),
    domains: new Map<string, Role>(),
    groups: new Map<string, Role>(),
    services: new Map<string, Role>(),
  };
  for (const raw of text.split(",")) {
    const pair = raw.trim();
    if (!pair) continue;
    const fail = (why: string): never => {
      throw new Error(`content-edge: ACCESS_ROLES entry "${pair}" ${why}`);
    };
    // The role is after the last "=": roles have none, group names may.
    const at = pair.lastIndexOf("=");
    if (at < 0) fail("is not key=role");
    const key = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (!isRole(role)) fail(`names no role: use ${ROLES.join(", ")}`);
    const [table, normalised] = ruleKey(key, fail);
    if (rules[table].has(normalised)) fail("repeats a key");
    rules[table].set(normalised, role as Role);
  }
  return rules;
}

/** Which table a key belongs to, and the key as it is compared. */
function ruleKey(key: string, fail: (why: string) => never): [keyof AccessRoleRules, string] {
  if (key.startsWith("group:")) {
    const name = key.slice("group:".length).trim();
    if (!name || /\p{Cc}/u.test(name)) fail("has an empty or unprintable group name");
    return ["groups", name];
  }
  if (key.startsWith("service:")) {
    const name = key.slice("service:".length).trim();
    if (!/^[\x21-\x7e]{1,256}$/.test(name)) fail("has an empty or unprintable service token name");
    return ["services", name];
  }
  const at = key.lastIndexOf("@");
  if (at < 0) fail("is neither an e-mail address, *@domain, group:<name> nor service:<common_name>");
  const local = key.slice(0, at);
  const domain = key.slice(at + 1).toLowerCase();
  if (!DOMAIN.test(domain)) fail(`has no valid domain after "@"`);
  if (local === "*") return ["domains", domain];
  if (!LOCAL_PART.test(local) || /[@*]/.test(local)) fail("is not an e-mail address");
  return ["emails", `${local.toLowerCase()}@${domain}`];
}

/**
 * The strongest role any rule gives `subject`; `null` when none matches (the middleware then
 * refuses: an Access login alone is no operator role).
 *
 * @example
 * roleFor({ email: "Alice@Example.com", groups: ["cms-editors"] }, rules); // "owner"
 */
export function roleFor(subject: AccessSubject, rules: AccessRoleRules): Role | null {
  let role: Role | null = null;
  if (subject.email !== undefined) {
    const email = subject.email.toLowerCase();
    role = strongerRole(role, rules.emails.get(email) ?? null);
    const at = email.lastIndexOf("@");
    if (at > 0) role = strongerRole(role, rules.domains.get(email.slice(at + 1)) ?? null);
  }
  if (subject.commonName !== undefined) role = strongerRole(role, rules.services.get(subject.commonName) ?? null);
  for (const group of subject.groups) role = strongerRole(role, rules.groups.get(group) ?? null);
  return role;
}
