/**
 * {@link StatsStore} over the project's authority (the Durable Object of issue 12): the project's
 * state lives in one strongly consistent place, and the traffic buckets with it. The object keeps
 * one row per (hour, isolate) with the isolate's totals (`src/authority/stats-table.ts`), so a
 * flush is one call that replaces one row, and a read is one call that returns the project's day.
 *
 * Flushes run from `waitUntil` (`recorder.ts`), never on a request's path. When the object cannot
 * be reached, `put` rejects after at most the authority's call timeout (5 s); the recorder keeps
 * the bucket's totals in memory and the next flush writes them, so an outage costs at most the
 * counts of isolates evicted during it. A read then fails with `503 SERVICE_UNAVAILABLE`
 * (`reason: authority-unavailable`), as every other admin call to the authority does.
 */
import { parseBucketJson, type HourBucket, type StatsStore, type StoredBucket } from "./buckets";
import type { ProjectRef } from "../projects/types";

/** What the store needs of the authority client (`Authority` in src/authority/client.ts satisfies it). */
export interface StatsAuthority {
  putStats(ref: ProjectRef, isolateId: string, bucket: HourBucket): Promise<boolean>;
  listStats(ref: ProjectRef, sinceHour: number): Promise<Array<{ isolateId: string; bucket: string }>>;
}

/**
 * The stats store of a gateway with an authority binding.
 *
 * @example
 * const store = new AuthorityStatsStore(authorityFor(env.AUTHORITY));
 * await store.put({ projectId: "demo", environment: "master" }, isolateId, bucket);
 */
export class AuthorityStatsStore implements StatsStore {
  constructor(private readonly authority: StatsAuthority) {}

  async put(ref: ProjectRef, isolateId: string, bucket: HourBucket): Promise<void> {
    await this.authority.putStats(ref, isolateId, bucket);
  }

  async list(ref: ProjectRef, sinceHour: number): Promise<StoredBucket[]> {
    const out: StoredBucket[] = [];
    for (const row of await this.authority.listStats(ref, sinceHour)) {
      const bucket = parseBucketJson(row.bucket);
      if (bucket && bucket.hour >= sinceHour) out.push({ isolateId: row.isolateId, bucket });
    }
    return out;
  }
}
