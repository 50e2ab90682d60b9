/**
 * Invalidation by model and stage without enumerating the cache: version numbers per
 * (project, environment, stage, model), read for the models a query can touch and made part of
 * its cache key (`cacheKey({ versions })`). Bumping a version makes every key that included it
 * unreachable — the old entries are never served again and age out of the caches on their own.
 *
 * Four kinds of counters, each a KV key (`ver:v1:<project>:<env>:<stage|*>:<model|*>`) and a
 * member of the version vector named `<stage|*>/<model|*>`:
 * - `STAGE/Model`: a change to Model in STAGE (e.g. `DRAFT/Post` on an update);
 * - `*\/Model`: a change to Model in every stage (delete) — read together with each stage;
 * - `STAGE/*`: everything in STAGE;
 * - `*\/*`: everything of the project and environment (admin purge with an empty body).
 * A draft change bumps only `DRAFT/…`, so PUBLISHED keys — which never include DRAFT
 * counters — keep hitting.
 *
 * Versions are timestamps with a random tail (`now() * 1000 + random(0..999)`), never
 * read-increment-write, so two concurrent bumps can never cancel out into one, and any isolate
 * keeps the maximum it has seen (versions only move forward).
 *
 * Consistency trade-off (the global bound the README states): a bump is visible at once to the
 * isolate that made it (its local value is set before the KV write), to other isolates of the same
 * location within `localTtlMs` (default 1 s; KV reads are consistent where the write happened),
 * and elsewhere once Workers KV has propagated the write — up to about 60 s — plus `localTtlMs`.
 * Workers KV accepts about one write per second per key; bursts of bumps to one key are merged
 * into one write (the latest value) and writes that KV rejects are retried with a back-off.
 */
import { Lru } from "./lru";

/** The subset of Workers KV this module needs (`KVNamespace` satisfies it). */
export interface KVLike {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
}

/** Version numbers by vector member (`"PUBLISHED/Post"`, `"*\/Post"`, `"PUBLISHED/*"`, `"*\/*"`). 0 = never bumped. */
export type VersionVector = Record<string, number>;

export interface VersionStore {
  /** The vector for a query in `stage` (or several stages, for stage-switching subtrees) touching `models`. */
  get(projectId: string, environment: string, stage: string | readonly string[], models: readonly string[]): Promise<VersionVector>;
  /** Invalidates `models` (or every model) in `stages` (or every stage). Resolves when KV has the write. */
  bump(projectId: string, environment: string, stages: readonly string[] | "*", models: readonly string[] | "*"): Promise<void>;
  /**
   * Optional synchronous fast path for a request shape read over and over: the values of the
   * store keys `keys` (from {@link versionKeys}, in that order) when this isolate holds every one
   * of them fresh — exactly what `get` would resolve to — else `undefined` (then call `get`).
   */
  localValues?(keys: readonly string[]): number[] | undefined;
}

export interface KvVersionStoreOptions {
  /** How long an isolate trusts a value read from KV. Default 1,000 ms. */
  localTtlMs?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** Random source in [0, 1). */
  random?: () => number;
  /** Sleep used between KV write retries (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** KV write attempts per bump before giving up. Default 4 (about 3 s of back-off). */
  writeAttempts?: number;
}

const PREFIX = "ver:v1:";

/** The vector member name for a stage and model (`"*"` for all). @example member("DRAFT", "Post") // "DRAFT/Post" */
export function member(stage: string, model: string): string {
  return `${stage}/${model}`;
}

/**
 * Vector members a query in `stages` touching `models` depends on, sorted.
 *
 * @example membersFor(["PUBLISHED"], ["Post"]); // ["*\/*", "*\/Post", "PUBLISHED/*", "PUBLISHED/Post"]
 */
export function membersFor(stages: readonly string[], models: readonly string[]): string[] {
  const out = new Set<string>([member("*", "*")]);
  for (const stage of stages) {
    out.add(member(stage, "*"));
    for (const model of models) out.add(member(stage, model));
  }
  for (const model of models) out.add(member("*", model));
  return [...out].sort();
}

/**
 * `VersionStore` over Workers KV with an in-isolate cache.
 *
 * @example
 * const versions = new KvVersionStore(env.CONFIG);
 * const vector = await versions.get("demo", "master", "PUBLISHED", ["Post", "Author"]);
 * ctx.waitUntil(versions.bump("demo", "master", ["DRAFT"], ["Post"])); // visible here at once
 */
export class KvVersionStore implements VersionStore {
  private readonly local = new Lru<{ value: number; readAt: number }>({ maxEntries: 10_000 });
  private readonly localTtlMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly writeAttempts: number;

  constructor(
    private readonly kv: KVLike,
    options: KvVersionStoreOptions = {},
  ) {
    this.localTtlMs = options.localTtlMs ?? 1_000;
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.writeAttempts = Math.max(1, options.writeAttempts ?? 4);
  }

  async get(projectId: string, environment: string, stage: string | readonly string[], models: readonly string[]): Promise<VersionVector> {
    const stages = typeof stage === "string" ? [stage] : stage;
    const members = membersFor(stages, models);
    const values = await Promise.all(members.map((m) => this.read(kvKey(projectId, environment, m))));
    const vector: VersionVector = {};
    members.forEach((m, i) => (vector[m] = values[i]!));
    return vector;
  }

  localValues(keys: readonly string[]): number[] | undefined {
    const now = this.now();
    const values = new Array<number>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const cached = this.local.get(keys[i]!);
      if (!cached || now - cached.readAt >= this.localTtlMs) return undefined;
      values[i] = cached.value;
    }
    return values;
  }

  async bump(projectId: string, environment: string, stages: readonly string[] | "*", models: readonly string[] | "*"): Promise<void> {
    const stageList = stages === "*" ? ["*"] : stages;
    const modelList = models === "*" ? ["*"] : models;
    const value = Math.floor(this.now()) * 1000 + Math.floor(this.random() * 1000);
    const writes: Promise<void>[] = [];
    for (const s of stageList) {
      for (const m of modelList) {
        const key = kvKey(projectId, environment, member(s, m));
        const known = this.local.peek(key)?.value ?? 0;
        const next = Math.max(value, known + 1);
        this.local.set(key, { value: next, readAt: this.now() });
        writes.push(this.write(key, next));
      }
    }
    await Promise.all(writes);
  }

  private async read(key: string): Promise<number> {
    const cached = this.local.get(key);
    if (cached && this.now() - cached.readAt < this.localTtlMs) return cached.value;
    // Each request reads for itself: in Workers, a request awaiting a read another request started
    // is cancelled as hung, so concurrent reads are not shared (the local copy amortizes them).
    const text = await this.kv.get(key, "text");
    const stored = text === null ? 0 : Number(text);
    const fromKv = Number.isFinite(stored) ? stored : 0;
    // Versions only move forward: a lagging KV replica never undoes a bump this isolate knows.
    const value = Math.max(fromKv, this.local.peek(key)?.value ?? 0);
    this.local.set(key, { value, readAt: this.now() });
    return value;
  }

  /**
   * Writes a bumped value to KV, retrying with back-off (KV refuses more than about one write per
   * second to a key). Writes are not merged across requests: a request awaiting a write another
   * request started would be cancelled as hung. Concurrent bumps may land in either order; each
   * is a new value, so every key that held the old one is invalidated whichever lands last.
   */
  private async write(key: string, value: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kv.put(key, String(Math.max(value, this.local.peek(key)?.value ?? 0)));
        return;
      } catch (error) {
        if (attempt >= this.writeAttempts) throw error;
        await this.sleep(250 * 2 ** attempt);
      }
    }
  }
}

/**
 * The store keys of vector members, for {@link VersionStore.localValues}.
 *
 * @example versionKeys("demo", "master", ["*\/*", "PUBLISHED/Post"]); // ["ver:v1:demo:master:*:*", "ver:v1:demo:master:PUBLISHED:Post"]
 */
export function versionKeys(projectId: string, environment: string, members: readonly string[]): string[] {
  return members.map((m) => kvKey(projectId, environment, m));
}

function kvKey(projectId: string, environment: string, vectorMember: string): string {
  const [stage, model] = vectorMember.split("/");
  return `${PREFIX}${encodeURIComponent(projectId)}:${encodeURIComponent(environment)}:${stage}:${model}`;
}
