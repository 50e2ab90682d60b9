/**
 * How a location reads and writes a project's authority (`object.ts`) without making every
 * request wait for it. Reads are tiered:
 *
 * 1. **isolate memory** — the view is used as is for {@link MEMORY_FRESH_MS} after it was last
 *    confirmed (no I/O at all: the hit path reads it synchronously);
 * 2. **the location's Cache API copy** — written by whichever isolate of the location last heard
 *    from the object, with the time it did; an isolate adopts it when it is newer than its own;
 * 3. **the object** — when the location's knowledge is older than {@link LOCATION_FRESH_MS}. Up to
 *    {@link LOCATION_GRACE_MS} the request goes on with what it has while one sync runs in the
 *    background; only a location that has been idle for longer waits for the object.
 *
 * So at most about one request per location and project per second reaches the object, and a
 * change committed there is seen everywhere within `LOCATION_GRACE_MS + MEMORY_FRESH_MS` (1.5 s)
 * plus one round trip. A write goes to the object at once and its answer is merged into the
 * writer's view (the very next request in that isolate sees it) and into the location's copy.
 *
 * **When the object cannot be reached**, the location keeps deciding with the view it has while
 * that view is at most `staleLimitMs` old (default {@link DEFAULT_STALE_LIMIT_MS}); after that
 * every read fails closed with `503 SERVICE_UNAVAILABLE` (`reason: authority-unavailable`): a
 * revoked token, a narrowed rule or a purge made elsewhere must not be ignored for longer than
 * the stated bound. Only the request that first finds the object failing waits for it (at most
 * the call timeout); after that, retries run in the background at most once a second. Writes
 * always need the object and fail with the same 503 when it is out of reach.
 *
 * **Only projects known to exist reach here** (`projects/store.ts` asks KV and the project
 * directory, `directory.ts`, first): calling a project's object creates it. The views are an LRU
 * of {@link MAX_VIEWS} projects per isolate all the same.
 */
import { Lru } from "../platform/lru";
import { withTimeout } from "../platform/with-timeout";
import { refKeyPart } from "../projects/key-part";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import type { Change } from "./changes";
import type { AuditRecord } from "../audit/event";
import type { AuditQuery } from "../audit/query";
import type { AuditPage } from "../audit/table";
import type { ChainVerdict } from "../audit/chain";
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";
import { LimitExceededError } from "../errors";
import type { AppTotals, AppsDay } from "../stats/apps-day";
import { MAX_JWT_REVOCATIONS } from "./revocations";
import type { MissVerdict } from "./miss-window";
import type { SyncPayload, TokenEntry } from "./state";
import type { AuthorityNamespace, AuthorityRpc } from "./rpc";
import type { StatsRow } from "./stats-table";
import { MAX_TRUSTED_DOCUMENTS, type DocumentPage, type TrustedDocument } from "./documents-table";
import type { HourBucket } from "../stats/buckets";
import { ProjectDirectory } from "./directory";
import { DeploymentAuthority } from "./deployment";
import { authorityUnavailable } from "./unavailable";
import { emptyView, mergeSync, viewPayload, type AuthorityView } from "./view";
import type { DeliveryLogRow } from "./delivery-log-table";

/** How long an isolate uses its view without looking again. */
export const MEMORY_FRESH_MS = 250;
/** How long a location's knowledge counts as fresh. */
export const LOCATION_FRESH_MS = 1_000;
/** Up to this age a request goes on while one background sync refreshes the location's knowledge. */
export const LOCATION_GRACE_MS = 1_250;
/** Default bound on how old a view may be used while the object is unreachable. */
export const DEFAULT_STALE_LIMIT_MS = 10_000;
/** A rate-limit count that takes longer is given up (the miss goes on): it is on a miss's path. */
export const RATE_CALL_TIMEOUT_MS = 1_000;
/** A call to the object that takes longer counts as failed. */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/** At most this many projects' views per isolate (least recently used first out). */
export const MAX_VIEWS = 1_000;
/** After a failed sync, the next one is attempted no sooner than this. */
const RETRY_AFTER_FAILURE_MS = 1_000;

export interface AuthorityOptions {
  now?: () => number;
  /** The location's cache (default `caches.default`). */
  cache?: () => Cache;
  staleLimitMs?: number;
  callTimeoutMs?: number;
  /** Views kept per isolate (default {@link MAX_VIEWS}). */
  maxViews?: number;
}

/** Origin of the synthetic URLs under which a location keeps its copy of each project's view. */
const VIEW_URL = "https://authority.content-edge.internal/v1/";
const SEQ_HEADER = "x-authority-seq";
const FETCHED_AT_HEADER = "x-authority-fetched-at";

class Replica {
  view: AuthorityView = emptyView();
  known = false;
  /** Last time this isolate confirmed its view (against the location copy or the object). */
  checkedAt = -Infinity;
  /** When the state it holds was read from the object, by any isolate of the location. */
  sourceAt = -Infinity;
  failedAt = -Infinity;
  syncing: Promise<void> | null = null;
  id: DurableObjectId | undefined;

  constructor(readonly name: string) {}
}

/**
 * A location's handle on the authorities of every project (one per binding and isolate; see
 * {@link authorityFor}).
 *
 * @example
 * const view = authority.current(ref) ?? (await authority.view(ref, waitUntil));
 * await authority.invalidate(ref, [{ kind: "model", stages: "*", models: ["Post"] }], waitUntil);
 */
export class Authority {
  private readonly replicas: Lru<Replica>;
  /** Which projects exist: asked before any project's object is (see {@link ProjectDirectory}). */
  readonly directory: ProjectDirectory;
  /** The deployment's operators and audit log (the directory object). */
  readonly deployment: DeploymentAuthority;
  private readonly now: () => number;
  private readonly cache: () => Cache;
  readonly staleLimitMs: number;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly namespace: AuthorityNamespace,
    options: AuthorityOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.cache = options.cache ?? (() => caches.default);
    this.staleLimitMs = options.staleLimitMs ?? DEFAULT_STALE_LIMIT_MS;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.replicas = new Lru<Replica>({ maxEntries: options.maxViews ?? MAX_VIEWS });
    this.directory = new ProjectDirectory(namespace, { now: this.now, callTimeoutMs: this.callTimeoutMs });
    this.deployment = new DeploymentAuthority(namespace, this.callTimeoutMs);
  }

  /** The view when this isolate confirmed it within {@link MEMORY_FRESH_MS}; no I/O. */
  current(ref: ProjectRef): AuthorityView | undefined {
    // `peek`: the hit path's check leaves recency to `view`, which every project's traffic reaches each 250 ms.
    const replica = this.replicas.peek(nameOf(ref));
    return replica && this.fresh(replica, this.now()) ? replica.view : undefined;
  }

  /** Confirmed within {@link MEMORY_FRESH_MS}, and not older than the stale limit. */
  private fresh(replica: Replica, now: number): boolean {
    return replica.known && now - replica.checkedAt <= MEMORY_FRESH_MS && now - replica.sourceAt <= this.staleLimitMs;
  }

  /**
   * The project's view through the tiers (see the module comment).
   *
   * @throws StoreUnavailableError (503, `reason: authority-unavailable`) when the object cannot be
   *   reached and the view is older than the stale limit (or there is none).
   */
  async view(ref: ProjectRef, waitUntil: (promise: Promise<unknown>) => void): Promise<AuthorityView> {
    const replica = this.replica(ref);
    if (this.fresh(replica, this.now())) return replica.view;
    await this.readLocation(ref, replica);
    const now = this.now();
    const age = now - replica.sourceAt;
    if (replica.known && age <= LOCATION_FRESH_MS) {
      replica.checkedAt = now;
      return replica.view;
    }
    if (replica.known && age <= LOCATION_GRACE_MS) {
      replica.checkedAt = now;
      if (!replica.syncing) waitUntil(this.sync(ref, replica, waitUntil).catch(() => undefined));
      return replica.view;
    }
    if (replica.known && replica.failedAt > replica.sourceAt && age <= this.staleLimitMs) {
      // The object is failing: decide with what we have, retrying in the background at most once a second.
      if (!replica.syncing && now - replica.failedAt >= RETRY_AFTER_FAILURE_MS)
        waitUntil(this.sync(ref, replica, waitUntil).catch(() => undefined));
      return replica.view;
    }
    // Too old to use and the object just failed: fail closed at once (the next attempt is in a second).
    if (now - replica.failedAt < RETRY_AFTER_FAILURE_MS) throw authorityUnavailable();
    try {
      await this.awaitSync(ref, replica, waitUntil);
    } catch {
      if (replica.known && this.now() - replica.sourceAt <= this.staleLimitMs) {
        replica.checkedAt = this.now();
        return replica.view;
      }
      throw authorityUnavailable();
    }
    return replica.view;
  }

  /** Invalidates: one event at the object (recorded by `audit` in the same transaction), merged here at once. */
  async invalidate(ref: ProjectRef, changes: Change[], waitUntil: (promise: Promise<unknown>) => void, audit?: AuditRecord): Promise<void> {
    if (changes.length === 0 && !audit) return;
    await this.write(ref, waitUntil, (rpc, since) => rpc.invalidate(changes, since, audit));
  }

  /**
   * Records an audit event that changes nothing else (a refusal, a schema refresh that found no change).
   *
   * @throws StoreUnavailableError when the object cannot be reached.
   */
  record(ref: ProjectRef, audit: AuditRecord): Promise<void> {
    return this.call(ref, (rpc) => rpc.record(audit));
  }

  /** A page of the project's audit log. */
  listAudit(ref: ProjectRef, query: AuditQuery): Promise<AuditPage> {
    return this.call(ref, (rpc) => rpc.listAudit(query));
  }

  /** Walks the project's audit chain. */
  verifyAudit(ref: ProjectRef): Promise<ChainVerdict> {
    return this.call(ref, (rpc) => rpc.verifyAudit());
  }

  /**
   * Invalidates for a webhook delivery, once: `"duplicate"` (nothing invalidated) when a delivery
   * with the same signature was accepted before, at any location, until `expiresAt`.
   */
  async invalidateDelivery(
    ref: ProjectRef,
    delivery: { sign: string; expiresAt: number },
    changes: Change[],
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
  ): Promise<"accepted" | "duplicate"> {
    let duplicate = false;
    await this.write(ref, waitUntil, async (rpc, since) => {
      const answer = await rpc.invalidateDelivery(delivery.sign, delivery.expiresAt, changes, since, audit);
      duplicate = answer.duplicate;
      return answer.payload;
    });
    return duplicate ? "duplicate" : "accepted";
  }

  /** Announces a write; `fallback` is applied at `deadline` unless {@link commit} reports first. Returns its id. */
  async begin(ref: ProjectRef, fallback: Change[], deadline: number, audit?: AuditRecord): Promise<string> {
    return this.call(ref, (rpc) => rpc.begin(fallback, deadline, audit));
  }

  /** Reports a write's outcome; `result` completes the audit event announced with {@link begin}. */
  async commit(
    ref: ProjectRef,
    id: string,
    changes: Change[],
    waitUntil: (promise: Promise<unknown>) => void,
    result?: Pick<AuditRecord, "outcome" | "details">,
  ): Promise<void> {
    await this.write(ref, waitUntil, (rpc, since) => rpc.commit(id, changes, since, result));
  }

  /**
   * Stores a configuration at the object (new epoch), recorded by `audit`; returns that epoch.
   * Every cached answer is invalidated with it unless `keepAnswers`.
   */
  async putConfig(
    ref: ProjectRef,
    config: ProjectConfig,
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
    keepAnswers = false,
  ): Promise<number> {
    const view = await this.write(ref, waitUntil, (rpc, since) => rpc.putConfig(config, since, audit, keepAnswers));
    return view.configEpoch;
  }

  /** The configuration the object holds, and its epoch. */
  getConfig(ref: ProjectRef): Promise<{ epoch: number; config: ProjectConfig | null }> {
    return this.call(ref, (rpc) => rpc.getConfig());
  }

  async addToken(ref: ProjectRef, entry: TokenEntry, waitUntil: (promise: Promise<unknown>) => void, audit?: AuditRecord): Promise<void> {
    await this.write(ref, waitUntil, (rpc, since) => rpc.addToken(entry, since, audit));
  }

  /**
   * Revokes at the object. `found: false` when it knows no such live token and no digest was
   * given; `digest` is the token's digest as the object knows it (for KV's tombstone).
   */
  async revokeToken(
    ref: ProjectRef,
    id: string,
    digest: string | null,
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
  ): Promise<{ found: boolean; digest: string | null }> {
    let result = { found: false, digest: null as string | null };
    await this.write(ref, waitUntil, async (rpc, since) => {
      const answer = await rpc.revokeToken(id, digest, since, audit);
      result = { found: answer.found, digest: answer.digest };
      return answer.payload;
    });
    return result;
  }

  listTokens(ref: ProjectRef): ReturnType<AuthorityRpc["listTokens"]> {
    return this.call(ref, (rpc) => rpc.listTokens());
  }

  /**
   * Replaces this isolate's traffic totals of one hour at the object (a stats flush, from
   * `waitUntil`). Answers whether a row was written.
   *
   * @throws StoreUnavailableError when the object cannot be reached.
   */
  putStats(ref: ProjectRef, isolateId: string, bucket: HourBucket): Promise<boolean> {
    return this.call(ref, (rpc) => rpc.putStats(isolateId, bucket));
  }

  /** Every isolate's traffic buckets of the project since `sinceHour`, as the object stores them. */
  listStats(ref: ProjectRef, sinceHour: number): Promise<StatsRow[]> {
    return this.call(ref, (rpc) => rpc.listStats(sinceHour));
  }

  /**
   * Revokes third-party JWTs of the project by app, subject or issue time (SPEC §5a), recorded by
   * `audit`; merged here at once, so this isolate's next request is refused. `created: false`: the
   * same revocation existed (it is answered).
   *
   * @throws LimitExceededError (400, `limit: "revocations"`) when the project holds
   *   {@link MAX_JWT_REVOCATIONS} already; StoreUnavailableError when the object cannot be reached.
   */
  async addRevocation(
    ref: ProjectRef,
    input: { kind: JwtRevocationKind; value: string },
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
  ): Promise<{ created: boolean; revocation: JwtRevocation }> {
    let answer: { status: "created" | "exists" | "limit"; revocation: JwtRevocation | null } = { status: "limit", revocation: null };
    await this.write(ref, waitUntil, async (rpc, since) => {
      const { payload, ...rest } = await rpc.addRevocation(input, since, audit);
      answer = rest;
      return payload;
    });
    if (answer.status === "limit" || !answer.revocation)
      throw new LimitExceededError(
        "revocations",
        MAX_JWT_REVOCATIONS,
        MAX_JWT_REVOCATIONS,
        `A project holds at most ${MAX_JWT_REVOCATIONS} JWT revocations; lift one first.`,
      );
    return { created: answer.status === "created", revocation: answer.revocation };
  }

  /** Lifts a JWT revocation, recorded by `audit`; `false` when the project has none with this id. */
  async liftRevocation(ref: ProjectRef, id: string, waitUntil: (promise: Promise<unknown>) => void, audit?: AuditRecord): Promise<boolean> {
    let found = false;
    await this.write(ref, waitUntil, async (rpc, since) => {
      const answer = await rpc.liftRevocation(id, since, audit);
      found = answer.found;
      return answer.payload;
    });
    return found;
  }

  /** The project's JWT revocations as the object holds them, oldest first. */
  listRevocations(ref: ProjectRef): Promise<JwtRevocation[]> {
    return this.call(ref, (rpc) => rpc.listRevocations());
  }

  /**
   * Adds trusted documents (hashes checked by the caller), recorded by `audit`; merged here at
   * once, so this isolate's next request knows them, and every location within the view's bound.
   *
   * @throws LimitExceededError (400, `limit: "documents"`) when the project would hold more than
   *   {@link MAX_TRUSTED_DOCUMENTS}; StoreUnavailableError when the object cannot be reached.
   */
  async putDocuments(
    ref: ProjectRef,
    documents: TrustedDocument[],
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
  ): Promise<{ added: number; total: number }> {
    let answer = { status: "limit" as "ok" | "limit", added: 0, total: 0 };
    await this.write(ref, waitUntil, async (rpc, since) => {
      const { payload, ...rest } = await rpc.putDocuments(documents, since, audit);
      answer = rest;
      return payload;
    });
    if (answer.status === "limit")
      throw new LimitExceededError(
        "documents",
        MAX_TRUSTED_DOCUMENTS,
        answer.total + documents.length,
        `A project holds at most ${MAX_TRUSTED_DOCUMENTS} trusted documents (it holds ${answer.total}); delete some first.`,
      );
    return { added: answer.added, total: answer.total };
  }

  /** Removes a trusted document, recorded by `audit`; `false` when the project has none with this hash. */
  async deleteDocument(
    ref: ProjectRef,
    sha256: string,
    waitUntil: (promise: Promise<unknown>) => void,
    audit?: AuditRecord,
  ): Promise<boolean> {
    let found = false;
    await this.write(ref, waitUntil, async (rpc, since) => {
      const answer = await rpc.deleteDocument(sha256, since, audit);
      found = answer.found;
      return answer.payload;
    });
    return found;
  }

  /** One page of the project's trusted hashes, in hash order, after `after`. */
  listDocuments(ref: ProjectRef, after: string, limit: number): Promise<DocumentPage> {
    return this.call(ref, (rpc) => rpc.listDocuments(after, limit));
  }

  /** Every trusted hash of the project, and the documents member's number the list is current for. */
  documentHashes(ref: ProjectRef): Promise<{ version: number; hashes: string[] }> {
    return this.call(ref, (rpc) => rpc.documentHashes());
  }

  /** A trusted document's text (`null`: not trusted). */
  getDocument(ref: ProjectRef, sha256: string): Promise<string | null> {
    return this.call(ref, (rpc) => rpc.getDocument(sha256));
  }

  /**
   * Stores this isolate's app totals of one day at the object (an apps flush, from `waitUntil`).
   *
   * @throws StoreUnavailableError when the object cannot be reached.
   */
  putApps(ref: ProjectRef, isolateId: string, day: AppsDay): Promise<boolean> {
    return this.call(ref, (rpc) => rpc.putApps(isolateId, day));
  }

  /** The last webhook deliveries the project's authority logged, newest first. */
  listDeliveries(ref: ProjectRef): Promise<DeliveryLogRow[]> {
    return this.call(ref, (rpc) => rpc.listDeliveries());
  }

  /** The apps seen calling the project, with their requests over every isolate. */
  listApps(ref: ProjectRef): Promise<AppTotals[]> {
    return this.call(ref, (rpc) => rpc.listApps());
  }

  /**
   * Counts one origin request of `client` at the project's object (`rateLimits`, SPEC §3c): the
   * object sees every location's requests, so the limit holds per project, not per location.
   * `null` when the object did not answer within {@link RATE_CALL_TIMEOUT_MS}: the caller lets the
   * request go (a limiter that cannot count must not take the origin down with it).
   */
  async countMiss(ref: ProjectRef, client: string, limit: number): Promise<MissVerdict | null> {
    try {
      return await withTimeout(this.rpc(this.replica(ref)).countMiss(client, limit), Math.min(this.callTimeoutMs, RATE_CALL_TIMEOUT_MS));
    } catch {
      return null;
    }
  }

  private replica(ref: ProjectRef): Replica {
    const name = nameOf(ref);
    let replica = this.replicas.get(name);
    if (!replica) {
      replica = new Replica(name);
      this.replicas.set(name, replica);
    }
    return replica;
  }

  private rpc(replica: Replica): AuthorityRpc {
    replica.id ??= this.namespace.idFromName(replica.name);
    // A stub per call: stubs are I/O objects and must not cross requests.
    return this.namespace.get(replica.id) as AuthorityRpc;
  }

  /** One call to the object, bounded in time; any failure is the 503 `authority-unavailable`. */
  private async call<T>(ref: ProjectRef, run: (rpc: AuthorityRpc) => Promise<T>): Promise<T> {
    try {
      return await withTimeout(run(this.rpc(this.replica(ref))), this.callTimeoutMs);
    } catch {
      throw authorityUnavailable();
    }
  }

  private async write(
    ref: ProjectRef,
    waitUntil: (promise: Promise<unknown>) => void,
    run: (rpc: AuthorityRpc, since: number | null) => Promise<SyncPayload>,
  ): Promise<AuthorityView> {
    const replica = this.replica(ref);
    const payload = await this.call(ref, (rpc) => run(rpc, replica.known ? replica.view.seq : null));
    this.adopt(ref, replica, payload, waitUntil);
    return replica.view;
  }

  private adopt(ref: ProjectRef, replica: Replica, payload: SyncPayload, waitUntil: (promise: Promise<unknown>) => void): void {
    if (!replica.known) replica.view = emptyView();
    mergeSync(replica.view, payload);
    replica.known = true;
    replica.sourceAt = replica.checkedAt = this.now();
    waitUntil(this.writeLocation(ref, replica).catch(() => undefined));
  }

  /** Waits for a sync, sharing one already running (bounded, since it belongs to another request). */
  private async awaitSync(ref: ProjectRef, replica: Replica, waitUntil: (promise: Promise<unknown>) => void): Promise<void> {
    if (replica.syncing) {
      try {
        await withTimeout(replica.syncing, this.callTimeoutMs);
        return;
      } catch {
        // fall through to a sync of its own
      }
    }
    await this.sync(ref, replica, waitUntil, true);
  }

  private sync(ref: ProjectRef, replica: Replica, waitUntil: (promise: Promise<unknown>) => void, own = false): Promise<void> {
    if (replica.syncing && !own) return replica.syncing;
    const run: Promise<void> = withTimeout(this.rpc(replica).sync(replica.known ? replica.view.seq : null), this.callTimeoutMs).then(
      (payload) => {
        if (replica.syncing === run) replica.syncing = null;
        this.adopt(ref, replica, payload, waitUntil);
      },
      (error: unknown) => {
        if (replica.syncing === run) replica.syncing = null;
        replica.failedAt = this.now();
        throw error;
      },
    );
    replica.syncing = run;
    return run;
  }

  /** Adopts the location's copy when it knows more (a newer state or a more recent confirmation). */
  private async readLocation(ref: ProjectRef, replica: Replica): Promise<void> {
    try {
      const response = await this.cache().match(urlOf(ref));
      if (!response) return;
      const seq = Number(response.headers.get(SEQ_HEADER));
      const fetchedAt = Number(response.headers.get(FETCHED_AT_HEADER));
      if (!Number.isFinite(seq) || !Number.isFinite(fetchedAt)) return void (await response.body?.cancel());
      if (!replica.known || seq > replica.view.seq) {
        const payload = (await response.json()) as SyncPayload;
        if (!replica.known) replica.view = emptyView();
        mergeSync(replica.view, payload);
        replica.known = true;
      } else {
        await response.body?.cancel();
      }
      // The copy's time says when the object last confirmed a state at least as new as `seq`.
      if (seq >= replica.view.seq || fetchedAt > replica.sourceAt)
        replica.sourceAt = Math.max(replica.sourceAt, Math.min(fetchedAt, this.now()));
    } catch {
      // The location copy is an optimisation: without it the object is asked.
    }
  }

  private async writeLocation(ref: ProjectRef, replica: Replica): Promise<void> {
    const body = JSON.stringify(viewPayload(replica.view));
    await this.cache().put(
      urlOf(ref),
      new Response(body, {
        headers: {
          "content-type": "application/json",
          // Kept a while so an idle location still finds its last view; freshness is judged by the fetched-at time.
          "cache-control": "max-age=3600",
          [SEQ_HEADER]: String(replica.view.seq),
          [FETCHED_AT_HEADER]: String(replica.sourceAt),
        },
      }),
    );
  }
}

/** Names by reference object: the hit path asks about the same `ref` objects again and again. */
const names = new WeakMap<ProjectRef, string>();

function nameOf(ref: ProjectRef): string {
  let name = names.get(ref);
  if (name === undefined) {
    name = authorityName(ref);
    names.set(ref, name);
  }
  return name;
}

/**
 * The name of a project's object, `<id>/<environment>` with each part encoded (`key-part.ts`); it
 * also names the location's Cache API copy of its view.
 *
 * @example authorityName({ projectId: "demo", environment: "master" }); // "demo/master"
 */
export function authorityName(ref: ProjectRef): string {
  return refKeyPart(ref, "/");
}

function urlOf(ref: ProjectRef): string {
  return `${VIEW_URL}${nameOf(ref)}`;
}

const authorities = new WeakMap<object, Authority>();

/**
 * The isolate's {@link Authority} for a binding (created on first use).
 *
 * @example const authority = authorityFor(config.authority, { staleLimitMs: config.authorityStaleLimitMs });
 */
export function authorityFor(namespace: AuthorityNamespace, options: AuthorityOptions = {}): Authority {
  let authority = authorities.get(namespace);
  if (!authority) {
    authority = new Authority(namespace, options);
    authorities.set(namespace, authority);
  }
  return authority;
}
