/**
 * Operator roles (SPEC §5a): `viewer` reads; `editor` also purges and issues or revokes content
 * tokens, app and user revocations; `owner` also changes configuration and operators. Each role
 * includes every right of the roles before it.
 */
export const ROLES = ["viewer", "editor", "owner"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` includes every right of `needed`. @example roleAtLeast("owner", "editor") // true */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Whether a value is a role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The stronger of two roles (`null`: none). */
export function strongerRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return roleAtLeast(a, b) ? a : b;
}
