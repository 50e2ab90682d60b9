/**
 * `ProjectAuthority`: the Durable Object that is the one strongly consistent authority of a
 * project and environment (issue 12). It holds the invalidation counters, the configuration and
 * its epoch, and the token registry (`state.ts`); every write goes through it and every location
 * reads from it at most about once a second (`client.ts`).
 *
 * It also keeps the project's traffic buckets for the operator console (`stats-table.ts`, its own
 * SQLite table beside the state): each isolate's totals per hour, for 26 hours; the third-party
 * apps it has seen (`apps-table.ts`, each isolate's totals per day); and the webhook deliveries it
 * accepted, until their signatures expire (`deliveries-table.ts`).
 *
 * One more object of the same class, named `directory` (a name no project's object can have: theirs
 * contain a `/`), is the project directory: it only answers {@link ProjectAuthority.registerProject}
 * and {@link ProjectAuthority.listProjects} (`directory-table.ts`), so that a location learns
 * whether a project exists without creating that project's object.
 *
 * One object per project and environment, named `<projectId>/<environment>` (each part encoded by
 * `projects/key-part.ts`). A Durable Object runs single-threaded: each method below sees and
 * leaves a consistent state, and its storage writes are confirmed before its answer leaves the
 * object (the output gate).
 */
import { DurableObject } from "cloudflare:workers";
import { changedConfigFields } from "../audit/config-diff";
import type { AuditEvent, AuditRecord } from "../audit/event";
import { logAuditEvent } from "../audit/log-line";
import type { AuditQuery } from "../audit/query";
import { RefusalCoalescer } from "../audit/refusals";
import { AuditTable, DEFAULT_RETENTION_DAYS, type AuditPage } from "../audit/table";
import type { ChainVerdict } from "../audit/chain";
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";
import type { ProjectConfig } from "../projects/types";
import { OperatorsTable, type OperatorRecord } from "../operators/table";
import type { Role } from "../operators/roles";
import { AppsTable } from "./apps-table";
import type { AppTotals } from "../stats/apps-day";
import { DOCUMENTS_MEMBER, type Change } from "./changes";
import { DocumentsTable, type DocumentPage, type TrustedDocument } from "./documents-table";
import { DeliveriesTable } from "./deliveries-table";
import { DeliveryLogTable, deliveryRow, type DeliveryLogRow } from "./delivery-log-table";
import { DirectoryTable, type DirectoryPage } from "./directory-table";
import { MissWindows, type MissVerdict } from "./miss-window";
import { StatsTable, type StatsRow } from "./stats-table";
import { AuthorityState, KEYS, type PendingWrite, type StorageDelta, type SyncPayload, type TokenEntry } from "./state";

export class ProjectAuthority extends DurableObject {
  /** Replaced by what storage holds when a transaction fails (see `persist`). */
  private state: AuthorityState;
  private stats: StatsTable | undefined;
  private apps: AppsTable | undefined;
  private deliveries: DeliveriesTable | undefined;
  private deliveryLog: DeliveryLogTable | undefined;
  private directory: DirectoryTable | undefined;
  private audit: AuditTable | undefined;
  private operators: OperatorsTable | undefined;
  private documents: DocumentsTable | undefined;
  private readonly refusals = new RefusalCoalescer(() => Date.now());
  /** The miss rate limit's counters: memory only, never storage (`miss-window.ts`). */
  private readonly misses = new MissWindows(() => Date.now());

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.state = this.load();
  }

  /** The state machine as storage holds it (synchronous KV: nothing else runs meanwhile). */
  private load(): AuthorityState {
    const state = new AuthorityState(() => Date.now());
    const members: Array<[string, [number, number]]> = [];
    const tokens: TokenEntry[] = [];
    const pending: Array<[string, PendingWrite]> = [];
    const revocations: JwtRevocation[] = [];
    let meta: unknown;
    let config: unknown;
    for (const [key, value] of this.ctx.storage.kv.list()) {
      if (key.startsWith("m:")) members.push([key.slice(2), value as [number, number]]);
      else if (key.startsWith("t:")) tokens.push(value as TokenEntry);
      else if (key.startsWith("w:")) pending.push([key.slice(2), value as PendingWrite]);
      else if (key.startsWith("r:")) revocations.push(value as JwtRevocation);
      else if (key === KEYS.meta) meta = value;
      else if (key === KEYS.config) config = value;
    }
    state.restore({ meta: meta as never, config: config as never, members, tokens, pending, revocations });
    return state;
  }

  /** What a location that knows everything up to `since` lacks (`null`: everything). */
  sync(since: number | null): SyncPayload {
    return this.state.sync(since);
  }

  /**
   * Applies changes as one event, recorded by `audit` in the same transaction; answers what the
   * caller lacks since `since`, the change included.
   */
  invalidate(changes: Change[], since: number | null, audit?: AuditRecord): SyncPayload {
    this.persist(this.state.apply(changes), audit);
    return this.state.sync(since);
  }

  /** Records an event that changes nothing else (a refusal, a schema refresh that found no change). */
  record(audit: AuditRecord): void {
    // A webhook's refusal is logged every time (the log is capped), even when its audit event is folded.
    const log = this.logDelivery(audit);
    if (audit.outcome === "refused" && !this.refusals.admit(audit)) {
      log?.();
      return;
    }
    this.persist({ put: {}, delete: [] }, this.refusals.annotate(audit), log);
  }

  /** The last webhook deliveries judged, newest first (`GET …/webhook-deliveries`). */
  listDeliveries(): DeliveryLogRow[] {
    this.deliveryLog ??= new DeliveryLogTable(this.ctx.storage.sql);
    return this.deliveryLog.list();
  }

  /** Adds a webhook audit event's delivery to the log, as SQL for the event's transaction (`undefined`: not a webhook's). */
  private logDelivery(audit: AuditRecord | undefined): (() => void) | undefined {
    const row = audit && deliveryRow(audit, Date.now());
    if (!row) return undefined;
    this.deliveryLog ??= new DeliveryLogTable(this.ctx.storage.sql);
    const log = this.deliveryLog;
    return () => log.add(row);
  }

  /** The audit log, oldest first (`GET …/audit`). */
  listAudit(query: AuditQuery): AuditPage {
    return this.auditLog().list(query);
  }

  /** Walks the audit log's hash chain (`GET …/audit/verify`). */
  verifyAudit(): ChainVerdict {
    return this.auditLog().verify();
  }

  /**
   * Applies a webhook delivery's changes unless a delivery with the same signature was accepted
   * within its window (`duplicate: true`: nothing applied). The delivery is remembered only once
   * its changes are stored, so a delivery whose changes could not be stored is not a duplicate
   * when the sender retries it. No other event runs in between (the input gate).
   */
  invalidateDelivery(
    sign: string,
    expiresAt: number,
    changes: Change[],
    since: number | null,
    audit?: AuditRecord,
  ): { duplicate: boolean; payload: SyncPayload } {
    this.deliveries ??= new DeliveriesTable(this.ctx.storage.sql, () => Date.now());
    if (this.deliveries.seen(sign)) {
      if (audit) this.record({ ...audit, outcome: "refused", details: { ...audit.details, result: "duplicate", reason: "duplicate" } });
      return { duplicate: true, payload: this.state.sync(since) };
    }
    // Remembered (and logged) in the same transaction as the changes and their audit event: all
    // or nothing, and no other event runs in between (the whole method is synchronous).
    const accepted = audit && { ...audit, details: { ...audit.details, result: "accepted" } };
    const log = this.logDelivery(accepted);
    this.persist(this.state.apply(changes), accepted, () => {
      this.deliveries!.remember(sign, expiresAt);
      log?.();
    });
    return { duplicate: false, payload: this.state.sync(since) };
  }

  /** Announces a `/v2` write before it reaches the origin; `fallback` applies at `deadline` unless committed. */
  async begin(fallback: Change[], deadline: number, audit?: AuditRecord): Promise<string> {
    const id = crypto.randomUUID();
    this.persist(this.state.begin(id, fallback, deadline, audit));
    await this.schedule();
    return id;
  }

  /**
   * Reports a write's outcome: its precise changes replace the announced fallback, and the write's
   * audit event (announced with {@link begin}) is recorded with `result` in the same transaction.
   */
  async commit(
    id: string,
    changes: Change[],
    since: number | null,
    result?: Pick<AuditRecord, "outcome" | "details">,
  ): Promise<SyncPayload> {
    const announced = this.state.pending.get(id)?.audit;
    const audit =
      announced && result ? { ...announced, outcome: result.outcome, details: { ...announced.details, ...result.details } } : announced;
    this.persist(this.state.commit(id, changes), audit);
    await this.schedule();
    return this.state.sync(since);
  }

  override async alarm(): Promise<void> {
    const due = this.state.due();
    // A write whose outcome never came: recorded as an error with its fallback invalidation.
    const events = due.flatMap(([, write]) =>
      write.audit ? [{ ...write.audit, outcome: "error" as const, details: { ...write.audit.details, result: "outcome-unknown" } }] : [],
    );
    this.persist(this.state.expire(), events);
    await this.schedule();
  }

  /** Replaces the project configuration: new epoch, every cached answer invalidated (unless `keepAnswers`). */
  putConfig(config: ProjectConfig, since: number | null, audit?: AuditRecord, keepAnswers = false): SyncPayload {
    // The fields that changed are the object's to say: it holds the configuration they changed from.
    const fields = changedConfigFields(this.state.config, config);
    const created = this.state.config === null;
    this.persist(this.state.putConfig(config, keepAnswers), audit && { ...audit, details: { ...audit.details, fields, created } });
    return this.state.sync(since);
  }

  /** The current configuration and its epoch (`config: null`: none was ever set here). */
  getConfig(): { epoch: number; config: ProjectConfig | null } {
    return { epoch: this.state.configEpoch, config: this.state.config };
  }

  addToken(entry: TokenEntry, since: number | null, audit?: AuditRecord): SyncPayload {
    this.persist(this.state.addToken(entry), audit);
    return this.state.sync(since);
  }

  /** Revokes a token by id; `digest` is the caller's (from KV) when it knows it. Answers the digest the authority knows. */
  revokeToken(
    id: string,
    digest: string | null,
    since: number | null,
    audit?: AuditRecord,
  ): { found: boolean; digest: string | null; payload: SyncPayload } {
    const result = this.state.revokeToken(id, digest);
    // Nothing was revoked, nothing is recorded: the caller answers 404.
    this.persist(result.delta, result.found ? audit : undefined);
    return { found: result.found, digest: result.digest, payload: this.state.sync(since) };
  }

  /** Live tokens issued through the authority, and the ids it knows to be revoked. */
  listTokens(): { tokens: ReturnType<AuthorityState["listTokens"]>; revoked: string[] } {
    return { tokens: this.state.listTokens(), revoked: this.state.revokedIds() };
  }

  /**
   * Revokes third-party JWTs by app, subject or issue time (SPEC §5a), recorded by `audit` in the
   * same transaction. `exists`: the same revocation is held already (nothing changes, nothing is
   * recorded); `limit`: the project holds the most it may (recorded as refused).
   */
  addRevocation(
    input: { kind: JwtRevocationKind; value: string },
    since: number | null,
    audit?: AuditRecord,
  ): { status: "created" | "exists" | "limit"; revocation: JwtRevocation | null; payload: SyncPayload } {
    const result = this.state.addRevocation(crypto.randomUUID(), input.kind, input.value);
    if (result.status === "created")
      this.persist(result.delta, audit && { ...audit, details: { ...audit.details, id: result.revocation.id } });
    else if (result.status === "limit" && audit)
      this.record({ ...audit, outcome: "refused", details: { ...audit.details, reason: "limit" } });
    return { status: result.status, revocation: result.revocation, payload: this.state.sync(since) };
  }

  /** Lifts a JWT revocation, recorded by `audit` (with what it revoked) in the same transaction; `found: false`: no such id. */
  liftRevocation(id: string, since: number | null, audit?: AuditRecord): { found: boolean; payload: SyncPayload } {
    const { revocation, delta } = this.state.liftRevocation(id);
    if (revocation)
      this.persist(delta, audit && { ...audit, details: { ...audit.details, kind: revocation.kind, value: revocation.value } });
    return { found: revocation !== null, payload: this.state.sync(since) };
  }

  /** Every JWT revocation, oldest first. */
  listRevocations(): JwtRevocation[] {
    return this.state.revocations.list();
  }

  /**
   * Counts one origin request of a client against the project's `rateLimits.missesPerMinute`
   * (`client` is a digest, never an address or a token). Synchronous and in memory: one RPC per
   * miss, no storage write.
   */
  countMiss(client: string, limit: number): MissVerdict {
    return this.misses.count(client, limit);
  }

  /**
   * Adds trusted documents (hashes already checked against their texts), recorded by `audit` in
   * the same transaction, and bumps the documents member so every location fetches the set again.
   * `limit`: the project would hold too many; nothing changes (recorded as refused).
   */
  putDocuments(
    documents: TrustedDocument[],
    since: number | null,
    audit?: AuditRecord,
  ): { status: "ok" | "limit"; added: number; total: number; payload: SyncPayload } {
    const table = this.documentsTable();
    const plan = table.plan(documents);
    const added = plan.fresh.length;
    const details = { ...audit?.details, added, total: plan.total };
    if (plan.status === "limit") {
      if (audit) this.record({ ...audit, outcome: "refused", details: { ...details, reason: "limit" } });
    } else if (added === 0) {
      if (audit) this.record({ ...audit, details });
    } else {
      // The rows, the member every location watches and the audit event: one transaction.
      this.persist(this.state.bump(DOCUMENTS_MEMBER), audit && { ...audit, details }, () => table.insert(plan.fresh));
    }
    return { status: plan.status, added, total: plan.total, payload: this.state.sync(since) };
  }

  /** Removes one trusted document, recorded by `audit` in the same transaction; `found: false`: not held. */
  deleteDocument(sha256: string, since: number | null, audit?: AuditRecord): { found: boolean; payload: SyncPayload } {
    const table = this.documentsTable();
    const found = table.has(sha256);
    if (found) this.persist(this.state.bump(DOCUMENTS_MEMBER), audit, () => table.delete(sha256));
    return { found, payload: this.state.sync(since) };
  }

  /** One page of the trusted documents' hashes (`GET …/documents`). */
  listDocuments(after: string, limit: number): DocumentPage {
    return this.documentsTable().list(after, limit);
  }

  /** Every trusted hash and the documents member's number they are current for (what a location keeps). */
  documentHashes(): { version: number; hashes: string[] } {
    return { version: this.state.members.get(DOCUMENTS_MEMBER)?.[0] ?? 0, hashes: this.documentsTable().hashes() };
  }

  /** A trusted document's text (`null`: not trusted). */
  getDocument(sha256: string): string | null {
    return this.documentsTable().get(sha256);
  }

  /** Stores one isolate's app totals of one day (a flush of `src/stats/apps-recorder.ts`); whether a row was written. */
  putApps(isolateId: string, day: unknown): boolean {
    return this.appsTable().put(isolateId, day) > 0;
  }

  /** The apps seen, most recently first, with their requests over every isolate. */
  listApps(): AppTotals[] {
    return this.appsTable().list();
  }

  /**
   * Replaces one isolate's traffic totals of one hour (a flush of `src/stats/recorder.ts`).
   * Returns whether a row was written (`false`: a repeat, an older copy, or not a bucket).
   */
  putStats(isolateId: string, bucket: unknown): boolean {
    return this.statsTable().put(isolateId, bucket) > 0;
  }

  /** Every isolate's traffic buckets of hours `>= sinceHour`, as stored (JSON). */
  listStats(sinceHour: number): StatsRow[] {
    return this.statsTable().list(sinceHour);
  }

  /**
   * The directory object: records that a project's authority has (or is about to have) a
   * configuration; a project named for the first time is recorded in the deployment's audit log.
   */
  registerProject(name: string, audit?: AuditRecord): number {
    this.directory ??= new DirectoryTable(this.ctx.storage.sql);
    const directory = this.directory;
    let seq = 0;
    this.ctx.storage.transactionSync(() => {
      const known = directory.has(name);
      seq = directory.register(name);
      if (!known && audit) this.appendAudit([{ ...audit, action: "project.create", target: name }]);
    });
    this.flushAuditLines();
    return seq;
  }

  /** The directory object: the projects registered after `since`. */
  listProjects(since: number): DirectoryPage {
    this.directory ??= new DirectoryTable(this.ctx.storage.sql);
    return this.directory.since(since);
  }

  /**
   * The directory object: issues an operator (its token stored as `digest` only), recorded in the
   * deployment's audit log in the same transaction. `null`: the deployment has too many operators.
   */
  createOperator(
    operator: { id: string; email: string; role: Role; createdBy: string },
    digest: string,
    audit: AuditRecord,
  ): OperatorRecord | "limit" | "exists" {
    let created: OperatorRecord | "limit" | "exists" = "limit";
    this.ctx.storage.transactionSync(() => {
      created = this.operatorsTable().create(operator, digest);
      if (typeof created === "object") this.appendAudit([audit]);
    });
    this.flushAuditLines();
    return created;
  }

  /** The directory object: revokes an operator (`null`: no live operator with this id), recorded in the same transaction. */
  revokeOperator(id: string, audit: AuditRecord): OperatorRecord | null {
    let revoked: OperatorRecord | null = null;
    this.ctx.storage.transactionSync(() => {
      revoked = this.operatorsTable().revoke(id);
      if (revoked) this.appendAudit([{ ...audit, details: { ...audit.details, email: revoked.email, role: revoked.role } }]);
    });
    this.flushAuditLines();
    return revoked;
  }

  /** The directory object: the live operator whose token has this digest. */
  findOperator(digest: string): OperatorRecord | null {
    return this.operatorsTable().find(digest);
  }

  /** The directory object: every operator, revoked ones included. */
  listOperators(): OperatorRecord[] {
    return this.operatorsTable().list();
  }

  private operatorsTable(): OperatorsTable {
    this.operators ??= new OperatorsTable(this.ctx.storage.sql, () => Date.now());
    return this.operators;
  }

  private documentsTable(): DocumentsTable {
    this.documents ??= new DocumentsTable(this.ctx.storage.sql, () => Date.now());
    return this.documents;
  }

  private appsTable(): AppsTable {
    this.apps ??= new AppsTable(this.ctx.storage.sql, () => Date.now());
    return this.apps;
  }

  private statsTable(): StatsTable {
    this.stats ??= new StatsTable(this.ctx.storage.sql, () => Date.now());
    return this.stats;
  }

  private auditLog(): AuditTable {
    this.audit ??= new AuditTable(this.ctx.storage.sql, () => Date.now());
    return this.audit;
  }

  /** Events written in the current transaction, logged once it commits. */
  private unlogged: AuditEvent[] = [];

  /**
   * Writes a state change, its audit events and `also` (more SQL of the same change) in one
   * storage transaction (synchronous KV and SQL): all of it is stored, or none of it. Each event
   * is then emitted as a structured log line (Workers Logs, Logpush).
   */
  private persist(delta: StorageDelta, audit?: AuditRecord | AuditRecord[], also?: () => void): void {
    const records = audit === undefined ? [] : Array.isArray(audit) ? audit : [audit];
    const storage = this.ctx.storage;
    try {
      storage.transactionSync(() => {
        for (const [key, value] of Object.entries(delta.put)) storage.kv.put(key, value);
        for (const key of delta.delete) storage.kv.delete(key);
        also?.();
        this.appendAudit(records);
      });
    } catch (error) {
      // Rolled back: nothing of the change or its event is stored. The state machine already holds
      // the change in memory, so it is read back from storage instead of serving it.
      this.unlogged = [];
      this.state = this.load();
      throw error;
    }
    this.flushAuditLines();
  }

  private appendAudit(records: readonly AuditRecord[]): void {
    if (records.length === 0) return;
    const retentionDays = this.state.config?.audit?.retentionDays ?? DEFAULT_RETENTION_DAYS;
    for (const record of records) this.unlogged.push(this.auditLog().append(record, retentionDays));
  }

  private flushAuditLines(): void {
    for (const event of this.unlogged) logAuditEvent(this.ctx.id.name ?? null, event);
    this.unlogged = [];
  }

  private async schedule(): Promise<void> {
    const next = this.state.nextDeadline();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}
