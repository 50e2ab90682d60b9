/**
 * Where isolates flush their traffic buckets, behind one small interface (`StatsStore`, declared
 * beside the buckets in buckets.ts, so the authority-backed store needs nothing from this module). Each isolate writes its
 * own *totals* per (project, environment, hour) — never increments — so a repeated or concurrent
 * flush can neither race nor double count, and a reader adds the isolates up.
 *
 * The gateway keeps them in the project's authority, the Durable Object of issue 12
 * ({@link AuthorityStatsStore}); Workers KV ({@link KvStatsStore}) serves a runtime built without
 * the authority binding. {@link statsStoreFor} is the one place that chooses.
 */
import { AuthorityStatsStore, type StatsAuthority } from "./authority-store";
import { HOUR_MS, parseBucketJson, type HourBucket, type StatsStore, type StoredBucket } from "./buckets";
import { refKeyPart } from "../projects/key-part";
import type { ProjectRef } from "../projects/types";

/** How long a bucket is kept: the 24 hours the console shows, plus the hour in progress and one of slack. */
export const STATS_RETENTION_MS = 26 * HOUR_MS;

/** The KV operations the store needs (`KVNamespace` satisfies it). */
export interface StatsKv {
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  get(key: string, type: "text"): Promise<string | null>;
  list(options: {
    prefix: string;
    cursor?: string | null;
  }): Promise<{ keys: Array<{ name: string }>; list_complete: boolean; cursor?: string }>;
}

/** At most this many buckets are read per admin request (25 hours × 80 isolates). */
export const MAX_BUCKETS_READ = 2_000;

/**
 * The KV key prefix of a project's traffic buckets (each part encoded: `key-part.ts`); read by
 * listing it, so no project's prefix may start another's.
 *
 * @example statsKeyPrefix({ projectId: "demo", environment: "master" }); // "stats:v2:demo:master:"
 */
export function statsKeyPrefix(ref: ProjectRef): string {
  return `stats:v2:${refKeyPart(ref, ":")}:`;
}

/**
 * {@link StatsStore} over Workers KV: one key per (project, environment, hour, isolate),
 * `stats:v2:<project>:<env>:<hour ms>:<isolate id>`, holding the bucket as JSON and expiring after
 * {@link STATS_RETENTION_MS}. An isolate rewrites its key of the current hour at most once per
 * flush interval (KV takes about one write per second per key). Reading lists the project's prefix
 * and reads the buckets of the hours asked for.
 *
 * @example
 * const store = new KvStatsStore(env.CONFIG);
 * await store.put({ projectId: "demo", environment: "master" }, isolateId, bucket);
 */
export class KvStatsStore implements StatsStore {
  constructor(private readonly kv: StatsKv) {}

  async put(ref: ProjectRef, isolateId: string, bucket: HourBucket): Promise<void> {
    const key = `${statsKeyPrefix(ref)}${bucket.hour}:${encodeURIComponent(isolateId)}`;
    // Serialized before the first await: later increments never leak into an in-flight write.
    const value = JSON.stringify(bucket);
    await this.kv.put(key, value, { expirationTtl: Math.ceil(STATS_RETENTION_MS / 1000) });
  }

  async list(ref: ProjectRef, sinceHour: number): Promise<StoredBucket[]> {
    const prefix = statsKeyPrefix(ref);
    const wanted: Array<{ name: string; isolateId: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor: cursor ?? null });
      for (const { name } of page.keys) {
        const [hour, isolate] = name.slice(prefix.length).split(":");
        if (Number(hour) >= sinceHour && isolate !== undefined && wanted.length < MAX_BUCKETS_READ) {
          wanted.push({ name, isolateId: decodeURIComponent(isolate) });
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const values = await Promise.all(wanted.map((w) => this.kv.get(w.name, "text")));
    const out: StoredBucket[] = [];
    values.forEach((text, i) => {
      const bucket = text === null ? undefined : parseBucketJson(text);
      if (bucket) out.push({ isolateId: wanted[i]!.isolateId, bucket });
    });
    return out;
  }
}

/**
 * The stats store of the gateway: the project's authority (its Durable Object keeps a row per
 * isolate and hour) when the authority binding is configured — as it always is in wrangler.toml,
 * `npm start` and the tests — else Workers KV. Nothing else (recorder, admin routes, console)
 * knows which store it is.
 *
 * @example const recorder = new StatsRecorder(statsStoreFor(env.CONFIG, authorityFor(env.AUTHORITY)));
 */
export function statsStoreFor(kv: StatsKv, authority?: StatsAuthority | null): StatsStore {
  return authority ? new AuthorityStatsStore(authority) : new KvStatsStore(kv);
}
