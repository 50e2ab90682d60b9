/**
 * Who is signed in and what the console shows them. The gateway decides every call
 * (src/middleware/admin-roles.ts); the console only hides the controls a role may not use, so an
 * operator never meets a button that can only answer `403`. Each control names the routes it calls,
 * and test/console/roles.test.ts checks the role here against the gateway's table for each of them.
 */
import { roleAtLeast, type Role } from "../src/operators/roles";

/** What `GET /admin/whoami` answers (src/admin/operators.ts). */
export interface Whoami {
  kind: "admin" | "operator";
  id?: string;
  email?: string;
  role: Role | null;
  via: "admin-token" | "operator-token" | "access";
}

/** The controls that change something, the role each needs, and the admin routes behind it. */
export const CONTROLS = {
  /** The Purge tab. */
  purge: { role: "editor", routes: [["POST", "/admin/projects/*/*/purge"]] },
  /** The new-token form and the tokens' Revoke buttons. */
  tokens: {
    role: "editor",
    routes: [
      ["POST", "/admin/projects/*/*/tokens"],
      ["DELETE", "/admin/projects/*/*/tokens/*"],
    ],
  },
  /** Schema's "Refresh from the origin". */
  schemaRefresh: { role: "editor", routes: [["POST", "/admin/projects/*/*/schema/refresh"]] },
  /** The apps' Revoke buttons, the revoke-a-user and revoke-sessions forms, Lift. */
  revocations: {
    role: "editor",
    routes: [
      ["POST", "/admin/projects/*/*/revocations"],
      ["DELETE", "/admin/projects/*/*/revocations/*"],
    ],
  },
  /** The Configuration tab's form, Save, "Replace origin token" and "Rotate webhook secret" (viewers and editors see it read-only). */
  config: {
    role: "owner",
    routes: [
      ["PATCH", "/admin/projects/*/*"],
      ["POST", "/admin/projects/*/*/webhook-secret"],
    ],
  },
  /** The Operators tab. */
  operators: {
    role: "owner",
    routes: [
      ["GET", "/admin/operators"],
      ["POST", "/admin/operators"],
      ["DELETE", "/admin/operators/*"],
    ],
  },
} as const satisfies Record<string, { role: Role; routes: ReadonlyArray<readonly [string, string]> }>;

export type Control = keyof typeof CONTROLS;

/**
 * Whether `who` may use `control` (no role: nothing).
 *
 * @example may({ kind: "operator", role: "viewer", via: "operator-token" }, "purge"); // false
 */
export function may(who: Pick<Whoami, "role">, control: Control): boolean {
  return who.role !== null && roleAtLeast(who.role, CONTROLS[control].role);
}

const VIA: Record<Whoami["via"], string> = {
  "admin-token": "admin token",
  "operator-token": "operator token",
  access: "Cloudflare Access",
};

/**
 * Who is signed in, for the header: the e-mail (else the id: an Access service token is
 * `service:<client id>`), and how they signed in.
 *
 * @example whoText({ kind: "admin", role: "owner", via: "admin-token" }); // "admin token"
 * @example whoText({ kind: "operator", email: "ana@example.com", role: "editor", via: "access" }); // "ana@example.com (Cloudflare Access)"
 */
export function whoText(who: Whoami): string {
  const name = who.email ?? who.id;
  return name ? `${name} (${VIA[who.via]})` : VIA[who.via];
}
