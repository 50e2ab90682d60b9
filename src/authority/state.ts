/**
 * The state a project's authority holds, as a plain state machine (no storage, no I/O, injected
 * clock) so every rule can be tested directly; `object.ts` persists it in a Durable Object.
 *
 * - **Sequence numbers.** Every event gets the next number: `max(seq + 1, now × 1000)`, so numbers
 *   also grow across a lost or recreated object (they start above anything issued before).
 * - **Members** (`changes.ts`) map to the number of the last event that bumped them. Model-level
 *   members are few and kept forever; entry members are kept for {@link ENTRY_RETENTION_MS} and at
 *   most {@link MAX_ENTRY_MEMBERS} of them. Forgetting one raises `floor`: an answer stored with a
 *   snapshot below the floor that depends on entries can no longer be judged and is re-fetched.
 * - **Configuration epoch**: the number of the last project configuration change, and the
 *   configuration itself (KV holds a copy that may lag; a location that sees an older epoch in KV
 *   asks here).
 * - **Tokens**: every token issued through the authority (for listing and revoking), which are
 *   revoked (sent to every location for {@link REVOCATION_RETENTION_MS}; KV's tombstone is written
 *   first and takes over once propagated), and which were issued in the last
 *   {@link RECENT_TOKEN_MS} (sent to every location so a new token works everywhere before KV has
 *   propagated its record).
 * - **Pending writes**: a `/v2` mutation announces itself before it reaches the origin; if its
 *   outcome is never reported, the announced models are invalidated at its deadline.
 * - **JWT revocations** (`revocations.ts`): app, subject and issuedBefore revocations of third-party
 *   tokens, until lifted; each change is an event, and the whole list goes to every location.
 */
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";
import type { PatRecord } from "../auth/pat-record";
import type { AuditRecord } from "../audit/event";
import type { ProjectConfig } from "../projects/types";
import { bumpedMembers, EVERY_DOCUMENT, isDocumentMember, isEntryMember, normalizeChange, type Change } from "./changes";
import { RevocationRegistry, type AddRevocation, type RevocationState } from "./revocations";

/** How long an entry member is kept: longer than any answer is served from the cache without a refetch (max-age + stale-while-revalidate). */
export const ENTRY_RETENTION_MS = 60 * 60_000;
/** At most this many entry members are kept (about 60 bytes each in a location's copy). */
export const MAX_ENTRY_MEMBERS = 4_000;
/**
 * At most this many document members (`Q|stage|hash`, bumped by purges of single documents) are
 * kept. One more forgets them all at once and bumps `Q|*|*` instead, which every answer of every
 * document checks: the answers the forgotten members invalidated stay invalid (and so, once, do
 * all other cached answers — the price of the bound, paid only after this many distinct
 * document purges). Unlike entry members, no `floor` is raised: only answers of documents are
 * affected.
 */
export const MAX_DOCUMENT_MEMBERS = 1_000;
/** A new token's record is sent to every location for this long (Workers KV propagates in about 60 s). */
export const RECENT_TOKEN_MS = 5 * 60_000;
/** A revocation is sent to every location for this long; KV's tombstone (written first) covers the time after. */
export const REVOCATION_RETENTION_MS = 7 * 86_400_000;

/** A token as the authority knows it. */
export interface TokenEntry {
  id: string;
  /** SHA-256 hex of the secret: how a presented token is found. */
  digest: string;
  /** The listable record; `null` for a token only known from its revocation (issued before the authority existed). */
  record: PatRecord | null;
  createdAt: number;
  revokedAt?: number;
}

/** What the authority sends a location about tokens. */
export interface TokenState {
  /** Sequence number of the last token change. */
  seq: number;
  /** Revoked token ids and when (ms). */
  revoked: Array<[string, number]>;
  /** Records of tokens issued recently, by digest. */
  recent: Array<[string, PatRecord]>;
}

/** The answer to a location's sync: everything it lacks since the number it knows. */
export interface SyncPayload {
  seq: number;
  floor: number;
  /** `true`: `members` is the whole set (replace); `false`: only those bumped after `since`. */
  full: boolean;
  members: Array<[string, number]>;
  configEpoch: number;
  /** Present when tokens changed after `since` (or `full`). */
  tokens?: TokenState;
  /** Present when JWT revocations changed after `since` (or `full`): all of them. */
  revocations?: RevocationState;
}

/** A pending write: its fallback changes and deadline (ms). */
export interface PendingWrite {
  changes: Change[];
  deadline: number;
  /** The write's audit event, recorded when its outcome is reported (or as an error at its deadline). */
  audit?: AuditRecord;
}

/** What a state transition changed, for the storage layer. */
export interface StorageDelta {
  put: Record<string, unknown>;
  delete: string[];
}

/** Storage keys (see `object.ts`). */
export const KEYS = {
  meta: "meta",
  config: "config",
  member: (m: string) => `m:${m}`,
  token: (id: string) => `t:${id}`,
  pending: (id: string) => `w:${id}`,
  revocation: (id: string) => `r:${id}`,
} as const;

interface Meta {
  seq: number;
  floor: number;
  configEpoch: number;
  tokensSeq: number;
  /** Absent in objects stored before JWT revocations existed: 0. */
  revocationsSeq?: number;
}

/**
 * The authority's state machine.
 *
 * @example
 * const state = new AuthorityState(() => Date.now());
 * state.apply([{ kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: true }]);
 * state.sync(null).members; // [["L|PUBLISHED|Post", …], ["R|PUBLISHED|Post", …], ["E|PUBLISHED|Post|p1", …]]
 */
export class AuthorityState {
  seq = 0;
  floor = 0;
  configEpoch = 0;
  config: ProjectConfig | null = null;
  tokensSeq = 0;
  revocationsSeq = 0;
  /** Member → [sequence number, bumped at (ms)]. */
  readonly members = new Map<string, [number, number]>();
  /** Members in the order they were bumped (superseded items are skipped and compacted away). */
  private log: Array<[string, number]> = [];
  private entryCount = 0;
  private documentCount = 0;
  readonly tokens = new Map<string, TokenEntry>();
  readonly pending = new Map<string, PendingWrite>();
  readonly revocations = new RevocationRegistry();

  constructor(private readonly now: () => number) {}

  /** Restores persisted state (`object.ts` reads it back at start). */
  restore(data: {
    meta?: Meta;
    config?: { epoch: number; config: ProjectConfig | null };
    members: Array<[string, [number, number]]>;
    tokens: TokenEntry[];
    pending: Array<[string, PendingWrite]>;
    revocations?: JwtRevocation[];
  }): void {
    if (data.meta)
      Object.assign(this, {
        seq: data.meta.seq,
        floor: data.meta.floor,
        configEpoch: data.meta.configEpoch,
        tokensSeq: data.meta.tokensSeq,
        revocationsSeq: data.meta.revocationsSeq ?? 0,
      });
    if (data.config) this.config = data.config.config;
    for (const [member, value] of [...data.members].sort((a, b) => a[1][0] - b[1][0])) this.setMember(member, value);
    for (const token of data.tokens) this.tokens.set(token.id, token);
    for (const [id, write] of data.pending) this.pending.set(id, write);
    for (const revocation of data.revocations ?? []) this.revocations.restore(revocation);
  }

  /**
   * Applies changes as one event (one sequence number). Returns the storage delta.
   */
  apply(changes: readonly Change[]): StorageDelta {
    const delta: StorageDelta = { put: {}, delete: [] };
    const members = new Set<string>();
    for (const change of changes) {
      const normal = normalizeChange(change);
      if (normal) for (const m of bumpedMembers(normal)) members.add(m);
    }
    if (members.size === 0) return delta;
    const seq = this.next();
    const at = this.now();
    for (const m of members) {
      this.setMember(m, [seq, at]);
      delta.put[KEYS.member(m)] = [seq, at];
    }
    this.prune(delta);
    if (this.documentCount > MAX_DOCUMENT_MEMBERS) this.forgetDocuments(delta, [seq, at]);
    this.putMeta(delta);
    return delta;
  }

  /** Forgets every document member, bumping {@link EVERY_DOCUMENT} with this event in their place. */
  private forgetDocuments(delta: StorageDelta, value: [number, number]): void {
    for (const member of [...this.members.keys()]) {
      if (!isDocumentMember(member)) continue;
      this.members.delete(member);
      delete delta.put[KEYS.member(member)];
      delta.delete.push(KEYS.member(member));
    }
    this.documentCount = 0;
    this.setMember(EVERY_DOCUMENT, value);
    delta.put[KEYS.member(EVERY_DOCUMENT)] = value;
    this.log = this.log.filter(([m, seq]) => this.members.get(m)?.[0] === seq);
  }

  /**
   * Bumps one member by name as its own event (the trusted documents' `DOCUMENTS_MEMBER`):
   * every location's view names the new number within its bound. Returns the storage delta.
   */
  bump(member: string): StorageDelta {
    const delta: StorageDelta = { put: {}, delete: [] };
    const value: [number, number] = [this.next(), this.now()];
    this.setMember(member, value);
    delta.put[KEYS.member(member)] = value;
    this.putMeta(delta);
    return delta;
  }

  /**
   * Replaces the configuration (a project `PUT`): a new epoch, and every cached answer invalidated
   * — unless `keepAnswers` (a change no answer depends on: a webhook secret rotation).
   */
  putConfig(config: ProjectConfig, keepAnswers = false): StorageDelta {
    const delta: StorageDelta = keepAnswers ? { put: {}, delete: [] } : this.apply([{ kind: "model", stages: "*", models: "*" }]);
    if (keepAnswers) this.next();
    this.configEpoch = this.seq;
    this.config = config;
    delta.put[KEYS.config] = { epoch: this.configEpoch, config };
    this.putMeta(delta);
    return delta;
  }

  /** Registers a token issued at a location (its KV records are already written). */
  addToken(entry: TokenEntry): StorageDelta {
    const delta: StorageDelta = { put: {}, delete: [] };
    this.tokens.set(entry.id, entry);
    this.tokensSeq = this.next();
    delta.put[KEYS.token(entry.id)] = entry;
    this.putMeta(delta);
    return delta;
  }

  /**
   * Revokes a token by id. A token the authority does not know is registered as revoked when the
   * caller found its digest in KV (issued before the authority held tokens). `found: false`: no such token.
   */
  revokeToken(id: string, digest: string | null): { found: boolean; digest: string | null; delta: StorageDelta } {
    const delta: StorageDelta = { put: {}, delete: [] };
    const known = this.tokens.get(id);
    if (known?.revokedAt !== undefined) return { found: false, digest: known.digest, delta };
    if (!known && !digest) return { found: false, digest: null, delta };
    const entry: TokenEntry = known
      ? { ...known, revokedAt: this.now() }
      : { id, digest: digest!, record: null, createdAt: 0, revokedAt: this.now() };
    this.tokens.set(id, entry);
    this.tokensSeq = this.next();
    delta.put[KEYS.token(id)] = entry;
    this.putMeta(delta);
    return { found: true, digest: entry.digest, delta };
  }

  /** Live (not revoked) tokens issued through the authority, without secrets. */
  listTokens(): Array<{ record: PatRecord; digest: string }> {
    const out: Array<{ record: PatRecord; digest: string }> = [];
    for (const t of this.tokens.values()) if (t.revokedAt === undefined && t.record) out.push({ record: t.record, digest: t.digest });
    return out;
  }

  /** Ids the authority knows to be revoked (whatever their age), for filtering KV's index. */
  revokedIds(): string[] {
    return [...this.tokens.values()].filter((t) => t.revokedAt !== undefined).map((t) => t.id);
  }

  /**
   * Revokes third-party JWTs by app, subject or issue time, as revocation `id`. Nothing changes
   * when the same kind and value is revoked already (`exists`) or the bound is reached (`limit`).
   */
  addRevocation(id: string, kind: JwtRevocationKind, value: string): AddRevocation & { delta: StorageDelta } {
    const delta: StorageDelta = { put: {}, delete: [] };
    const result = this.revocations.add({ id, kind, value, createdAt: this.now() });
    if (result.status !== "created") return { ...result, delta };
    this.revocationsSeq = this.next();
    delta.put[KEYS.revocation(id)] = result.revocation;
    this.putMeta(delta);
    return { ...result, delta };
  }

  /** Lifts a JWT revocation; `revocation: null` (and no change) when there is none with this id. */
  liftRevocation(id: string): { revocation: JwtRevocation | null; delta: StorageDelta } {
    const delta: StorageDelta = { put: {}, delete: [] };
    const revocation = this.revocations.lift(id);
    if (!revocation) return { revocation, delta };
    this.revocationsSeq = this.next();
    delta.delete.push(KEYS.revocation(id));
    this.putMeta(delta);
    return { revocation, delta };
  }

  /** Announces a write; its fallback `changes` apply at `deadline` unless it is committed first. */
  begin(id: string, changes: Change[], deadline: number, audit?: AuditRecord): StorageDelta {
    const write: PendingWrite = audit ? { changes, deadline, audit } : { changes, deadline };
    this.pending.set(id, write);
    return { put: { [KEYS.pending(id)]: write }, delete: [] };
  }

  /** Reports a write's outcome: its precise changes replace the fallback. */
  commit(id: string, changes: readonly Change[]): StorageDelta {
    const delta = this.apply(changes);
    if (this.pending.delete(id)) delta.delete.push(KEYS.pending(id));
    return delta;
  }

  /** The pending writes past their deadline (what {@link expire} applies). */
  due(): Array<[string, PendingWrite]> {
    const now = this.now();
    return [...this.pending].filter(([, w]) => w.deadline <= now);
  }

  /** Applies the fallback of every pending write past its deadline. */
  expire(): StorageDelta {
    const due = this.due();
    const delta = this.apply(due.flatMap(([, w]) => w.changes));
    for (const [id] of due) {
      this.pending.delete(id);
      delta.delete.push(KEYS.pending(id));
    }
    return delta;
  }

  /** The earliest pending deadline, for the object's alarm. */
  nextDeadline(): number | null {
    let earliest: number | null = null;
    for (const w of this.pending.values()) if (earliest === null || w.deadline < earliest) earliest = w.deadline;
    return earliest;
  }

  /**
   * What a location that knows everything up to `since` lacks; the whole state when it knows
   * nothing (`null`), when it knows less than what was forgotten (`since < floor`), or when it
   * claims more than was ever issued (a recreated object).
   */
  sync(since: number | null): SyncPayload {
    const full = since === null || since < this.floor || since > this.seq;
    const members: Array<[string, number]> = [];
    if (full) {
      for (const [m, [seq]] of this.members) members.push([m, seq]);
    } else {
      for (let i = this.firstAfter(since); i < this.log.length; i++) {
        const [m, seq] = this.log[i]!;
        if (this.members.get(m)?.[0] === seq) members.push([m, seq]);
      }
    }
    const payload: SyncPayload = { seq: this.seq, floor: this.floor, full, members, configEpoch: this.configEpoch };
    if (full || this.tokensSeq > since!) payload.tokens = this.tokenState();
    if (full || this.revocationsSeq > since!) payload.revocations = { seq: this.revocationsSeq, list: this.revocations.list() };
    return payload;
  }

  private tokenState(): TokenState {
    const now = this.now();
    const revoked: Array<[string, number]> = [];
    const recent: Array<[string, PatRecord]> = [];
    for (const t of this.tokens.values()) {
      if (t.revokedAt !== undefined) {
        if (now - t.revokedAt < REVOCATION_RETENTION_MS) revoked.push([t.id, t.revokedAt]);
      } else if (t.record && now - t.createdAt < RECENT_TOKEN_MS) {
        recent.push([t.digest, t.record]);
      }
    }
    return { seq: this.tokensSeq, revoked, recent };
  }

  private next(): number {
    this.seq = Math.max(this.seq + 1, Math.floor(this.now()) * 1000);
    return this.seq;
  }

  private setMember(member: string, value: [number, number]): void {
    const had = this.members.has(member);
    this.members.set(member, value);
    if (!had && isEntryMember(member)) this.entryCount++;
    if (!had && isDocumentMember(member)) this.documentCount++;
    this.log.push([member, value[0]]);
    if (this.log.length > 2 * this.members.size + 64) this.log = this.log.filter(([m, seq]) => this.members.get(m)?.[0] === seq);
  }

  /** Index of the first log item numbered after `since` (the log is ordered by number). */
  private firstAfter(since: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]![1] <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Forgets the oldest entry members beyond the count or age bound; raises `floor` past them. */
  private prune(delta: StorageDelta): void {
    const cutoff = this.now() - ENTRY_RETENTION_MS;
    let forgot = false;
    // The log is in number order, which is also bump-time order: the first live entry member is the oldest.
    for (const [m, seq] of this.log) {
      const value = this.members.get(m);
      if (!isEntryMember(m) || value?.[0] !== seq) continue;
      if (this.entryCount <= MAX_ENTRY_MEMBERS && value[1] >= cutoff) break;
      this.members.delete(m);
      this.entryCount--;
      this.floor = Math.max(this.floor, seq);
      delta.delete.push(KEYS.member(m));
      forgot = true;
    }
    if (forgot) this.log = this.log.filter(([m, seq]) => this.members.get(m)?.[0] === seq);
  }

  private putMeta(delta: StorageDelta): void {
    const meta: Meta = {
      seq: this.seq,
      floor: this.floor,
      configEpoch: this.configEpoch,
      tokensSeq: this.tokensSeq,
      revocationsSeq: this.revocationsSeq,
    };
    delta.put[KEYS.meta] = meta;
  }
}
