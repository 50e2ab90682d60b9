/**
 * `ProjectAuthority`: the Durable Object that is the one strongly consistent authority of a
 * project and environment (issue 12). It holds the invalidation counters, the configuration and
 * its epoch, and the token registry (`state.ts`); every write goes through it and every location
 * reads from it at most about once a second (`client.ts`).
 *
 * It also keeps the project's traffic buckets for the operator console (`stats-table.ts`, its own
 * SQLite table beside the state): each isolate's totals per hour, for 26 hours; and the webhook
 * deliveries it accepted, until their signatures expire (`deliveries-table.ts`).
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
import type { ProjectConfig } from "../projects/types";
import type { Change } from "./changes";
import { DeliveriesTable } from "./deliveries-table";
import { DirectoryTable, type DirectoryPage } from "./directory-table";
import { StatsTable, type StatsRow } from "./stats-table";
import { AuthorityState, KEYS, type PendingWrite, type StorageDelta, type SyncPayload, type TokenEntry } from "./state";

/** Storage batch limit of `put`/`delete` with many keys. */
const BATCH = 128;

export class ProjectAuthority extends DurableObject {
  private readonly state = new AuthorityState(() => Date.now());
  private stats: StatsTable | undefined;
  private deliveries: DeliveriesTable | undefined;
  private directory: DirectoryTable | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list();
      const members: Array<[string, [number, number]]> = [];
      const tokens: TokenEntry[] = [];
      const pending: Array<[string, PendingWrite]> = [];
      for (const [key, value] of stored) {
        if (key.startsWith("m:")) members.push([key.slice(2), value as [number, number]]);
        else if (key.startsWith("t:")) tokens.push(value as TokenEntry);
        else if (key.startsWith("w:")) pending.push([key.slice(2), value as PendingWrite]);
      }
      this.state.restore({
        meta: stored.get(KEYS.meta) as never,
        config: stored.get(KEYS.config) as never,
        members,
        tokens,
        pending,
      });
    });
  }

  /** What a location that knows everything up to `since` lacks (`null`: everything). */
  sync(since: number | null): SyncPayload {
    return this.state.sync(since);
  }

  /** Applies changes as one event; answers what the caller lacks since `since`, the change included. */
  async invalidate(changes: Change[], since: number | null): Promise<SyncPayload> {
    await this.persist(this.state.apply(changes));
    return this.state.sync(since);
  }

  /**
   * Applies a webhook delivery's changes unless a delivery with the same signature was accepted
   * within its window (`duplicate: true`: nothing applied). The delivery is remembered only once
   * its changes are stored, so a delivery whose changes could not be stored is not a duplicate
   * when the sender retries it. No other event runs in between (the input gate).
   */
  async invalidateDelivery(
    sign: string,
    expiresAt: number,
    changes: Change[],
    since: number | null,
  ): Promise<{ duplicate: boolean; payload: SyncPayload }> {
    this.deliveries ??= new DeliveriesTable(this.ctx.storage.sql, () => Date.now());
    if (this.deliveries.seen(sign)) return { duplicate: true, payload: this.state.sync(since) };
    // Remembered before the first await: a copy arriving while the changes are written is a
    // duplicate whatever the runtime's input gates let interleave (CI saw two copies accepted).
    this.deliveries.remember(sign, expiresAt);
    try {
      if (changes.length > 0) await this.persist(this.state.apply(changes));
    } catch (error) {
      this.deliveries.forget(sign);
      throw error;
    }
    return { duplicate: false, payload: this.state.sync(since) };
  }

  /** Announces a `/v2` write before it reaches the origin; `fallback` applies at `deadline` unless committed. */
  async begin(fallback: Change[], deadline: number): Promise<string> {
    const id = crypto.randomUUID();
    await this.persist(this.state.begin(id, fallback, deadline));
    await this.schedule();
    return id;
  }

  /** Reports a write's outcome: its precise changes replace the announced fallback. */
  async commit(id: string, changes: Change[], since: number | null): Promise<SyncPayload> {
    await this.persist(this.state.commit(id, changes));
    await this.schedule();
    return this.state.sync(since);
  }

  override async alarm(): Promise<void> {
    await this.persist(this.state.expire());
    await this.schedule();
  }

  /** Replaces the project configuration: new epoch, every cached answer invalidated. */
  async putConfig(config: ProjectConfig, since: number | null): Promise<SyncPayload> {
    await this.persist(this.state.putConfig(config));
    return this.state.sync(since);
  }

  /** The current configuration and its epoch (`config: null`: none was ever set here). */
  getConfig(): { epoch: number; config: ProjectConfig | null } {
    return { epoch: this.state.configEpoch, config: this.state.config };
  }

  async addToken(entry: TokenEntry, since: number | null): Promise<SyncPayload> {
    await this.persist(this.state.addToken(entry));
    return this.state.sync(since);
  }

  /** Revokes a token by id; `digest` is the caller's (from KV) when it knows it. Answers the digest the authority knows. */
  async revokeToken(
    id: string,
    digest: string | null,
    since: number | null,
  ): Promise<{ found: boolean; digest: string | null; payload: SyncPayload }> {
    const result = this.state.revokeToken(id, digest);
    await this.persist(result.delta);
    return { found: result.found, digest: result.digest, payload: this.state.sync(since) };
  }

  /** Live tokens issued through the authority, and the ids it knows to be revoked. */
  listTokens(): { tokens: ReturnType<AuthorityState["listTokens"]>; revoked: string[] } {
    return { tokens: this.state.listTokens(), revoked: this.state.revokedIds() };
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

  /** The directory object: records that a project's authority has (or is about to have) a configuration. */
  registerProject(name: string): number {
    this.directory ??= new DirectoryTable(this.ctx.storage.sql);
    return this.directory.register(name);
  }

  /** The directory object: the projects registered after `since`. */
  listProjects(since: number): DirectoryPage {
    this.directory ??= new DirectoryTable(this.ctx.storage.sql);
    return this.directory.since(since);
  }

  private statsTable(): StatsTable {
    this.stats ??= new StatsTable(this.ctx.storage.sql, () => Date.now());
    return this.stats;
  }

  private async persist(delta: StorageDelta): Promise<void> {
    const puts = Object.entries(delta.put);
    for (let i = 0; i < puts.length; i += BATCH) await this.ctx.storage.put(Object.fromEntries(puts.slice(i, i + BATCH)));
    for (let i = 0; i < delta.delete.length; i += BATCH) await this.ctx.storage.delete(delta.delete.slice(i, i + BATCH));
  }

  private async schedule(): Promise<void> {
    const next = this.state.nextDeadline();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}
