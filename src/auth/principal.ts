import type { PermissionRule } from "../projects/types";

/**
 * Who is asking, once authenticated: the rules that apply to them and what they bring to stage
 * resolution and attribution. Every request has exactly one principal; a request without
 * `Authorization` is the `public` principal with the project's `publicPermissions`.
 */
export interface Principal {
  kind: "public" | "pat" | "jwt";
  /** Normalized rules; empty means the principal may do nothing. */
  rules: PermissionRule[];
  /** A PAT's default stage (SPEC §2: argument → header → token default → project default). */
  defaultStage?: string;
  /** A JWT's `sub`, forwarded to the origin on `/v2` for attribution. */
  userId?: string;
  /** A PAT's id (never its secret), for logs and stats. */
  tokenId?: string;
  /** A PAT's expiry (ms since the epoch), when it has one. */
  expiresAt?: number;
  /** A verified JWT's issuer and authorized party, for the audit log (SPEC §5a). */
  claims?: { iss?: string; azp?: string };
  /** A JWT's role names from the project's roles claim (matched or not), for logs. */
  roles?: string[];
}
