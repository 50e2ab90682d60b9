/**
 * The audit log's event shape (SPEC §5a). An event is what happened, who did it, to what, and how
 * it ended; the log adds its id, time and hash (`chain.ts`). No event ever carries a secret: a
 * token appears by id, a configuration change by the names of the fields that changed.
 */
import type { Role } from "../operators/roles";

/**
 * Who acted: the break-glass admin token, an operator (token or Cloudflare Access), a content
 * token, a JWT, a webhook sender, or the public (a `/v2` write without a token, which a project's
 * public permissions may allow).
 */
export type ActorKind = "admin" | "operator" | "token" | "jwt" | "webhook" | "public";

export interface Actor {
  kind: ActorKind;
  /** Operator id, PAT id. */
  id?: string;
  /** Operator e-mail (operator tokens and Cloudflare Access). */
  email?: string;
  /** A JWT's issuer, subject and authorized party. */
  iss?: string;
  sub?: string;
  azp?: string;
  /** The operator's role when it acted (admin: owner). */
  role?: Role;
}

export const AUDIT_ACTIONS = [
  "project.create",
  "config.update",
  "webhook-secret.rotate",
  "token.create",
  "token.revoke",
  "purge",
  "schema.refresh",
  "operator.create",
  "operator.revoke",
  "app.revoke",
  "user.revoke",
  "revocation.lift",
  "documents.update",
  "documents.delete",
  "mutation",
  "webhook",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = "ok" | "refused" | "error";

/** What a caller records. */
export interface AuditRecord {
  actor: Actor;
  action: AuditAction;
  /** What it acted on: a token id, an operator id, a purge scope, an app name … */
  target?: string;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/** What the log holds and answers: the record with its id, time (ISO 8601) and chain hash. */
export interface AuditEvent extends AuditRecord {
  id: string;
  at: string;
  hash: string;
}

/** Whether a value is an audit action name. */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === "string" && (AUDIT_ACTIONS as readonly string[]).includes(value);
}
