/**
 * The principal an explained request would have, built with the same functions `authenticate`
 * uses after it has checked a credential: the project's public rules, a PAT record's rules
 * (`patPrincipal`, expiry included), or a JWT's roles mapped through the project's `rolesClaim`
 * (`rolesFrom`, `rulesForRolesWithSources`). A JWT payload's signature is not verified: the admin
 * asks what the gateway would decide *if* such a token arrived validly signed.
 */
import { patPrincipal } from "../auth/authenticate";
import { unauthenticated } from "../auth/failure";
import { rolesFrom, rulesForRolesWithSources } from "../auth/jwt";
import { revocationOf } from "../auth/jwt-revocations";
import { patStore } from "../auth/pat-store";
import type { Authority } from "../authority/client";
import type { WaitUntil } from "../platform/wait-until";
import type { Principal } from "../auth/principal";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import type { HypotheticalPrincipal } from "./input";

/** A principal and, for each of its rules, where that rule is configured. */
export interface ExplainedPrincipal {
  principal: Principal;
  /** Parallel to `principal.rules`: `publicPermissions[0]`, `token "ci" permissions[1]`, `roles.editor[0]`. */
  sources: string[];
  /** What the console shows about who this is. */
  summary: { kind: Principal["kind"]; tokenId?: string; tokenName?: string; roles?: string[]; defaultStage?: string; userId?: string };
}

/**
 * Resolves a hypothetical principal for `project`.
 *
 * @throws UnauthenticatedError (401) exactly where a real request would be refused at
 *   authentication: an id with no active token (`unknown-token`), an expired token (`expired`), a
 *   project without JWT settings (`jwt-not-configured`), a roles claim of the wrong type (`claim-invalid`),
 *   a JWT payload an operator's revocation matches (`APP_REVOKED`, `USER_REVOKED`, `TOKEN_REVOKED`).
 * @example const { principal, sources } = await explainedPrincipal({ type: "token", id }, project, ref, { kv, authority, waitUntil }, Date.now());
 */
export async function explainedPrincipal(
  who: HypotheticalPrincipal,
  project: ProjectConfig,
  ref: ProjectRef,
  stores: { kv: KVNamespace; authority: Authority; waitUntil: WaitUntil },
  now: number,
): Promise<ExplainedPrincipal> {
  switch (who.type) {
    case "public":
      return {
        principal: { kind: "public", rules: project.publicPermissions },
        sources: project.publicPermissions.map((_, i) => `publicPermissions[${i}]`),
        summary: { kind: "public" },
      };
    case "token": {
      const record = await patStore(stores).get(ref, who.id);
      if (!record) throw unauthenticated("unknown-token", "No active token has this id (never issued, or revoked).");
      const principal = patPrincipal(record, now);
      return {
        principal,
        sources: record.permissions.map((_, i) => `token "${record.name}" permissions[${i}]`),
        summary: {
          kind: "pat",
          tokenId: record.id,
          tokenName: record.name,
          ...(record.defaultStage ? { defaultStage: record.defaultStage } : {}),
        },
      };
    }
    case "jwt": {
      if (!project.jwt) throw unauthenticated("jwt-not-configured", "This project does not accept JWTs.");
      const view = await stores.authority.view(ref, stores.waitUntil);
      const revoked = revocationOf(who.payload, view.revocations.index, now);
      if (revoked) throw unauthenticated(revoked.reason, "The token has been revoked for this project.");
      const roles = rolesFrom(who.payload, project.jwt.rolesClaim);
      const { rules, sources } = rulesForRolesWithSources(project, roles);
      const sub = typeof who.payload["sub"] === "string" ? who.payload["sub"] : undefined;
      return {
        principal: { kind: "jwt", rules, roles, ...(sub === undefined ? {} : { userId: sub }) },
        sources,
        summary: { kind: "jwt", roles, ...(sub === undefined ? {} : { userId: sub }) },
      };
    }
  }
}
