/**
 * A cache entry as the shared tier stores and returns it: plain data (bytes, numbers, strings)
 * that crosses Durable Object RPC (structured clone). The location rebuilds what it derives itself
 * (`checks`, `dependsOnEntries`) so the tier never decides what an entry depends on.
 */
import { isEntryMember } from "../authority/changes";
import { checksOf, type CacheEntry } from "../cache/entry";

export interface TierEntry {
  body: Uint8Array;
  status: number;
  headers: Record<string, string>;
  storedAt: number;
  etag: string;
  /** The authority `seq` when the origin was asked (judged by the location, `isCurrent`). */
  snapshot: number;
  dependencies: readonly string[];
}

/**
 * The tier's form of a location's entry.
 *
 * @example await tier.put(ref, key, toTierEntry(entry), storageTtl);
 */
export function toTierEntry(entry: CacheEntry): TierEntry {
  return {
    body: entry.body,
    status: entry.status,
    headers: entry.headers,
    storedAt: entry.storedAt,
    etag: entry.etag,
    snapshot: entry.snapshot,
    dependencies: entry.dependencies,
  };
}

/**
 * A location's entry from the tier's form (checks recomputed here, as `entryFromResponse` does).
 *
 * @example const entry = fromTierEntry(await stub.lookup(key.url, …));
 */
export function fromTierEntry(wire: TierEntry): CacheEntry {
  return {
    body: wire.body,
    status: wire.status,
    headers: { ...wire.headers },
    storedAt: wire.storedAt,
    etag: wire.etag,
    snapshot: wire.snapshot,
    dependencies: wire.dependencies,
    checks: checksOf(wire.dependencies),
    dependsOnEntries: wire.dependencies.some(isEntryMember),
  };
}

/** Bytes an entry takes in the tier (body plus its metadata as stored). */
export function tierEntrySize(wire: TierEntry): number {
  return wire.body.byteLength + metaOf(wire).length;
}

/** The metadata column: everything but the body, as JSON. */
export function metaOf(wire: TierEntry): string {
  return JSON.stringify({
    status: wire.status,
    headers: wire.headers,
    storedAt: wire.storedAt,
    etag: wire.etag,
    snapshot: wire.snapshot,
    dependencies: wire.dependencies,
  });
}

/** The inverse of `metaOf` plus the body. */
export function fromRow(body: ArrayBuffer, meta: string): TierEntry {
  const m = JSON.parse(meta) as Omit<TierEntry, "body">;
  return { ...m, body: new Uint8Array(body) };
}
