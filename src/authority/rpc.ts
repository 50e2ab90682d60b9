/**
 * The project authority's methods as a location calls them (`object.ts` implements them; its
 * Durable Object stub satisfies {@link AuthorityRpc}), and the namespace that hands out stubs.
 */
import type { AuditRecord } from "../audit/event";
import type { AuditQuery } from "../audit/query";
import type { AuditPage } from "../audit/table";
import type { ChainVerdict } from "../audit/chain";
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";
import type { ProjectConfig } from "../projects/types";
import type { AppTotals, AppsDay } from "../stats/apps-day";
import type { HourBucket } from "../stats/buckets";
import type { Change } from "./changes";
import type { MissVerdict } from "./miss-window";
import type { SyncPayload, TokenEntry } from "./state";
import type { StatsRow } from "./stats-table";
import type { DocumentPage, TrustedDocument } from "./documents-table";
import type { DeliveryLogRow } from "./delivery-log-table";

/** The object's methods as a location calls them (the Durable Object stub satisfies it). */
export interface AuthorityRpc {
  sync(since: number | null): Promise<SyncPayload>;
  invalidate(changes: Change[], since: number | null, audit?: AuditRecord): Promise<SyncPayload>;
  record(audit: AuditRecord): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditPage>;
  listDeliveries(): Promise<DeliveryLogRow[]>;
  verifyAudit(): Promise<ChainVerdict>;
  invalidateDelivery(
    sign: string,
    expiresAt: number,
    changes: Change[],
    since: number | null,
    audit?: AuditRecord,
  ): Promise<{ duplicate: boolean; payload: SyncPayload }>;
  begin(fallback: Change[], deadline: number, audit?: AuditRecord): Promise<string>;
  commit(id: string, changes: Change[], since: number | null, result?: Pick<AuditRecord, "outcome" | "details">): Promise<SyncPayload>;
  putConfig(config: ProjectConfig, since: number | null, audit?: AuditRecord, keepAnswers?: boolean): Promise<SyncPayload>;
  getConfig(): Promise<{ epoch: number; config: ProjectConfig | null }>;
  addToken(entry: TokenEntry, since: number | null, audit?: AuditRecord): Promise<SyncPayload>;
  revokeToken(
    id: string,
    digest: string | null,
    since: number | null,
    audit?: AuditRecord,
  ): Promise<{ found: boolean; digest: string | null; payload: SyncPayload }>;
  listTokens(): Promise<{ tokens: Array<{ record: TokenEntry["record"] & object; digest: string }>; revoked: string[] }>;
  putStats(isolateId: string, bucket: HourBucket): Promise<boolean>;
  listStats(sinceHour: number): Promise<StatsRow[]>;
  addRevocation(
    input: { kind: JwtRevocationKind; value: string },
    since: number | null,
    audit?: AuditRecord,
  ): Promise<{ status: "created" | "exists" | "limit"; revocation: JwtRevocation | null; payload: SyncPayload }>;
  liftRevocation(id: string, since: number | null, audit?: AuditRecord): Promise<{ found: boolean; payload: SyncPayload }>;
  listRevocations(): Promise<JwtRevocation[]>;
  putDocuments(
    documents: TrustedDocument[],
    since: number | null,
    audit?: AuditRecord,
  ): Promise<{ status: "ok" | "limit"; added: number; total: number; payload: SyncPayload }>;
  deleteDocument(sha256: string, since: number | null, audit?: AuditRecord): Promise<{ found: boolean; payload: SyncPayload }>;
  listDocuments(after: string, limit: number): Promise<DocumentPage>;
  documentHashes(): Promise<{ version: number; hashes: string[] }>;
  getDocument(sha256: string): Promise<string | null>;
  putApps(isolateId: string, day: AppsDay): Promise<boolean>;
  listApps(): Promise<AppTotals[]>;
  countMiss(client: string, limit: number): Promise<MissVerdict>;
}

/** The binding: a Durable Object namespace (or anything that hands out {@link AuthorityRpc} stubs). */
export interface AuthorityNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): unknown;
}
