/**
 * Who is calling the admin API, once authenticated (SPEC §5a): the break-glass `ADMIN_TOKEN`
 * (an owner), an operator token, or a Cloudflare Access identity. The same identity is the actor
 * of every audit event the request records.
 */
import type { Context } from "hono";
import type { Actor, AuditAction, AuditRecord } from "../audit/event";
import type { Bindings } from "../env";
import type { Role } from "./roles";

export interface AdminIdentity {
  kind: "admin" | "operator";
  /** Operator id (operator tokens). */
  id?: string;
  /** Operator e-mail (operator tokens and Access). */
  email?: string;
  /** How the operator signed in. */
  via: "admin-token" | "operator-token" | "access";
  /** `null`: an Access identity that ACCESS_ROLES grants no role. */
  role: Role | null;
}

/** Hono's environment of every `/admin` route: the identity the admin-auth middleware set. */
export type AdminEnv = { Bindings: Bindings; Variables: { admin: AdminIdentity } };

/** The identity as an audit actor (never a credential). */
export function actorOf(identity: AdminIdentity): Actor {
  return {
    kind: identity.kind,
    ...(identity.id === undefined ? {} : { id: identity.id }),
    ...(identity.email === undefined ? {} : { email: identity.email }),
    ...(identity.role === null ? {} : { role: identity.role }),
  };
}

/**
 * The audit record of an admin action by the request's identity (outcome `ok`: it is written in
 * the same transaction as the change, so it exists only if the change does).
 *
 * @example await authority.invalidate(ref, changes, waitUntil, adminRecord(c, "purge", { models: "*" }));
 */
export function adminRecord(
  c: Context<AdminEnv>,
  action: AuditAction,
  details: Record<string, unknown> = {},
  target?: string,
): AuditRecord {
  return {
    actor: actorOf(c.get("admin")),
    action,
    outcome: "ok",
    details: { ...details, via: c.get("admin").via },
    ...(target === undefined ? {} : { target }),
  };
}
