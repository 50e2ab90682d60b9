/**
 * The deployment-wide side of the directory object (`directory.ts` names it): the operators and
 * the deployment's audit log (operator changes, project creation — SPEC §5a). Admin traffic only:
 * every call goes to the object, so an operator revoked there is refused by the very next request
 * at any location.
 */
import type { ChainVerdict } from "../audit/chain";
import type { AuditRecord } from "../audit/event";
import type { AuditQuery } from "../audit/query";
import type { AuditPage } from "../audit/table";
import type { Role } from "../operators/roles";
import type { OperatorRecord } from "../operators/table";
import { withTimeout } from "../platform/with-timeout";
import { DIRECTORY_NAME, type DirectoryNamespace } from "./directory";
import { authorityUnavailable } from "./unavailable";

/** The directory object's deployment methods (`ProjectAuthority` in `object.ts`). */
export interface DeploymentRpc {
  createOperator(
    operator: { id: string; email: string; role: Role; createdBy: string },
    digest: string,
    audit: AuditRecord,
  ): Promise<OperatorRecord | "limit" | "exists">;
  revokeOperator(id: string, audit: AuditRecord): Promise<OperatorRecord | null>;
  findOperator(digest: string): Promise<OperatorRecord | null>;
  listOperators(): Promise<OperatorRecord[]>;
  listAudit(query: AuditQuery): Promise<AuditPage>;
  verifyAudit(): Promise<ChainVerdict>;
}

/**
 * @example
 * const operator = await authority.deployment.findOperator(digestHex); // null: unknown or revoked
 */
export class DeploymentAuthority {
  private id: DurableObjectId | undefined;

  constructor(
    private readonly namespace: DirectoryNamespace,
    private readonly callTimeoutMs: number,
  ) {}

  createOperator(...args: Parameters<DeploymentRpc["createOperator"]>): Promise<OperatorRecord | "limit" | "exists"> {
    return this.call((rpc) => rpc.createOperator(...args));
  }

  revokeOperator(id: string, audit: AuditRecord): Promise<OperatorRecord | null> {
    return this.call((rpc) => rpc.revokeOperator(id, audit));
  }

  findOperator(digest: string): Promise<OperatorRecord | null> {
    return this.call((rpc) => rpc.findOperator(digest));
  }

  listOperators(): Promise<OperatorRecord[]> {
    return this.call((rpc) => rpc.listOperators());
  }

  listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.call((rpc) => rpc.listAudit(query));
  }

  verifyAudit(): Promise<ChainVerdict> {
    return this.call((rpc) => rpc.verifyAudit());
  }

  /** One bounded call; any failure is the 503 `authority-unavailable` (an admin action never half-happens silently). */
  private async call<T>(run: (rpc: DeploymentRpc) => Promise<T>): Promise<T> {
    this.id ??= this.namespace.idFromName(DIRECTORY_NAME);
    try {
      return await withTimeout(run(this.namespace.get(this.id) as DeploymentRpc), this.callTimeoutMs);
    } catch {
      throw authorityUnavailable();
    }
  }
}
