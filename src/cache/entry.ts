/**
 * The stored form of a cached answer, its ETag, what may be stored, and its (de)serialization to
 * a Workers Cache API `Response`.
 *
 * Entries are plain data (bytes + numbers + strings), never `Response` objects, so they can be
 * shared between requests of an isolate (Workers forbids I/O objects crossing requests).
 * Treat an entry's `body` as read-only: the same bytes may be served to many requests.
 */
import { checkedMembers, isEntryMember } from "../authority/changes";
import { sha256Base64Url } from "../platform/hash";

export interface CacheEntry {
  /** The answer's bytes, exactly as the origin sent them (UTF-8 JSON). */
  body: Uint8Array;
  /** HTTP status; only 200 answers are ever stored (see `isStorable`). */
  status: number;
  /** The selected response headers kept with the entry (`STORED_HEADERS`), lower-case names. */
  headers: Record<string, string>;
  /** When the answer was received from the origin, ms since the epoch. */
  storedAt: number;
  /** Strong ETag (RFC 9110 §8.8.3) derived from the body: `"<base64url sha-256>"`. */
  etag: string;
  /** Storage lifetime in seconds when read back from the Cache API (its `max-age`). */
  ttlSeconds?: number;
  /** The authority's sequence number when the origin was asked: the entry is current while no dependency moved past it. */
  snapshot: number;
  /** The authority members the answer depends on (`src/authority/changes.ts`), most specific form. */
  dependencies: readonly string[];
  /** `dependencies` with every member that invalidates them (`checkedMembers`), computed once. */
  checks: readonly string[];
  /** Whether a dependency names an entry (such an entry cannot be judged once the authority forgot entries that old). */
  dependsOnEntries: boolean;
}

/**
 * Origin headers worth keeping. Everything else is dropped: hop-by-hop and per-response headers
 * (date, connection, server-timing), anything that could identify a user (set-cookie is never
 * stored anyway) and origin cache headers (the gateway computes its own).
 */
export const STORED_HEADERS = ["content-type", "content-language"] as const;

/** Cache API metadata headers (our own namespace, never sent to clients). */
export const STORED_AT_HEADER = "x-content-edge-stored-at";
export const SNAPSHOT_HEADER = "x-content-edge-snapshot";
export const DEPENDENCIES_HEADER = "x-content-edge-dependencies";

/**
 * The members whose movement invalidates any of `dependencies`, de-duplicated. Every answer also
 * depends on everything of its project (`A|*|*`: a purge of everything, a configuration change),
 * even one that contains no entry at all.
 */
export function checksOf(dependencies: readonly string[]): string[] {
  if (dependencies.length === 1) return checkedMembers(dependencies[0]!);
  const out = new Set<string>([EVERYTHING]);
  for (const dep of dependencies) for (const member of checkedMembers(dep)) out.add(member);
  return [...out];
}

const EVERYTHING = "A|*|*";

/**
 * Strong ETag of a body: a quoted base64url SHA-256, so equal bytes give equal tags (RFC 9110 §8.8.3).
 *
 * @example await strongEtag(new TextEncoder().encode("{}")); // "\"RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o\""
 */
export async function strongEtag(body: Uint8Array): Promise<string> {
  return `"${await sha256Base64Url(body)}"`;
}

/**
 * Builds an entry from an origin answer: keeps `STORED_HEADERS`, computes the ETag.
 *
 * @example
 * const entry = await createEntry({ body: bytes, headers: originResponse.headers, storedAt: now() });
 */
export async function createEntry(input: {
  body: Uint8Array;
  status?: number;
  headers: Headers | Record<string, string>;
  storedAt: number;
  snapshot?: number;
  dependencies?: readonly string[];
}): Promise<CacheEntry> {
  const source = input.headers instanceof Headers ? input.headers : new Headers(input.headers);
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = source.get(name);
    if (value !== null) headers[name] = value;
  }
  const dependencies = input.dependencies ?? [];
  return {
    body: input.body,
    status: input.status ?? 200,
    headers,
    storedAt: input.storedAt,
    etag: await strongEtag(input.body),
    snapshot: input.snapshot ?? 0,
    dependencies,
    checks: checksOf(dependencies),
    dependsOnEntries: dependencies.some(isEntryMember),
  };
}

/** Approximate in-memory size of an entry in bytes, for the byte-bounded LRU. */
export function entrySize(entry: CacheEntry): number {
  let size = entry.body.byteLength + entry.etag.length * 2 + 64;
  for (const [k, v] of Object.entries(entry.headers)) size += (k.length + v.length) * 2;
  for (const member of entry.checks) size += member.length * 2 + 16;
  return size;
}

/**
 * The `Response` stored in the Workers Cache API for an entry. The Cache API only keeps responses
 * that are fresh by their own `Cache-Control` (RFC 9111 §3), so it gets
 * `public, max-age=<ttlSeconds>` — the freshness lifetime *plus* the longest stale window
 * (`storageTtlSeconds`) — so it survives for stale serving; the gateway judges freshness itself
 * from `storedAt`, kept in `x-content-edge-stored-at`.
 *
 * @example await caches.default.put(url, entryToResponse(entry, storageTtlSeconds(policy)));
 */
export function entryToResponse(entry: CacheEntry, ttlSeconds: number): Response {
  const headers = new Headers(entry.headers);
  headers.set("cache-control", `public, max-age=${Math.max(0, Math.floor(ttlSeconds))}`);
  headers.set("etag", entry.etag);
  headers.set(STORED_AT_HEADER, String(entry.storedAt));
  headers.set(SNAPSHOT_HEADER, String(entry.snapshot));
  headers.set(DEPENDENCIES_HEADER, encodeURIComponent(JSON.stringify(entry.dependencies)));
  return new Response(entry.body, { status: entry.status, headers });
}

/**
 * Reads an entry back from a Cache API `Response`; `undefined` when it is not one of ours
 * (missing or invalid `storedAt`/ETag), so a foreign or corrupted object is treated as a miss.
 *
 * @example const entry = await entryFromResponse(await caches.default.match(url));
 */
export async function entryFromResponse(response: Response | undefined | null): Promise<CacheEntry | undefined> {
  if (!response) return undefined;
  const storedAt = Number(response.headers.get(STORED_AT_HEADER));
  const etag = response.headers.get("etag");
  const snapshot = Number(response.headers.get(SNAPSHOT_HEADER) ?? NaN);
  const dependencies = parseDependencies(response.headers.get(DEPENDENCIES_HEADER));
  if (
    !Number.isSafeInteger(storedAt) ||
    storedAt <= 0 ||
    !etag ||
    !etag.startsWith('"') ||
    !Number.isSafeInteger(snapshot) ||
    !dependencies
  ) {
    await response.body?.cancel();
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  const maxAge = /max-age=(\d+)/.exec(response.headers.get("cache-control") ?? "")?.[1];
  const entry: CacheEntry = {
    body,
    status: response.status,
    headers,
    storedAt,
    etag,
    snapshot,
    dependencies,
    checks: checksOf(dependencies),
    dependsOnEntries: dependencies.some(isEntryMember),
  };
  if (maxAge !== undefined) entry.ttlSeconds = Number(maxAge);
  return entry;
}

function parseDependencies(header: string | null): string[] | undefined {
  if (header === null) return undefined;
  try {
    const value: unknown = JSON.parse(decodeURIComponent(header));
    return Array.isArray(value) && value.every((d) => typeof d === "string") ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Why an answer is not stored; codes are stable. */
export type NotStorableReason = "status" | "set-cookie" | "no-store" | "not-json" | "graphql-errors" | "persisted-query-not-found";

/** What each {@link NotStorableReason} means (docs/caching.md lists them with the cache outcomes). */
export const NOT_STORABLE_REASONS: Readonly<Record<NotStorableReason, string>> = {
  status: "the origin's status is not 200",
  "set-cookie": "the answer sets a cookie (`Set-Cookie`)",
  "no-store": "the origin said `Cache-Control: no-store` or `private`",
  "not-json": "the body is not a JSON object with `data`",
  "graphql-errors": "the answer has GraphQL `errors` (partial data included)",
  "persisted-query-not-found": "the origin answered `PersistedQueryNotFound` (the client resends the query)",
};

export type StorableVerdict = { storable: true; parsed: unknown } | { storable: false; reason: NotStorableReason };

const decoder = new TextDecoder();

/**
 * Whether an origin answer may be stored (SPEC §3): status 200 only; no `Set-Cookie`; no origin
 * `Cache-Control: no-store` or `private` (RFC 9111 §5.2.2.5, §5.2.2.7); a JSON object body
 * without an `errors` member (GraphQL errors — including partial data with errors and
 * `PersistedQueryNotFound` — are never stored). Pass `parsed` if the body was already parsed.
 *
 * @example
 * isStorable({ status: 200, headers: new Headers() }, '{"data":{"posts":[]}}'); // { storable: true, parsed: {…} }
 * isStorable({ status: 200, headers: new Headers() }, '{"errors":[{"message":"x"}]}'); // { storable: false, reason: "graphql-errors" }
 */
export function isStorable(response: { status: number; headers: Headers }, body: string | Uint8Array, parsed?: unknown): StorableVerdict {
  if (response.status !== 200) return { storable: false, reason: "status" };
  if (response.headers.has("set-cookie")) return { storable: false, reason: "set-cookie" };
  const cc = (response.headers.get("cache-control") ?? "").toLowerCase();
  if (/(^|[\s,])(no-store|private)(\s*(=|,|$))/.test(cc)) return { storable: false, reason: "no-store" };
  let json = parsed;
  if (json === undefined) {
    try {
      json = JSON.parse(typeof body === "string" ? body : decoder.decode(body));
    } catch {
      return { storable: false, reason: "not-json" };
    }
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { storable: false, reason: "not-json" };
  const errors = (json as { errors?: unknown }).errors;
  if (errors !== undefined) {
    const pqnf = Array.isArray(errors) && errors.some((e) => isPersistedQueryNotFound(e));
    return { storable: false, reason: pqnf ? "persisted-query-not-found" : "graphql-errors" };
  }
  if (!("data" in json)) return { storable: false, reason: "not-json" };
  return { storable: true, parsed: json };
}

function isPersistedQueryNotFound(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { message?: unknown; extensions?: { code?: unknown } };
  return e.message === "PersistedQueryNotFound" || e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND";
}

/**
 * RFC 9110 §13.1.2 `If-None-Match` evaluation with the weak comparison function (§8.8.3.2):
 * `true` when the header is `*` or lists a tag whose opaque part equals the entry's.
 * A `true` answer to a GET means `304 Not Modified`.
 *
 * @example
 * etagMatches('W/"abc", "def"', '"abc"'); // true
 * etagMatches('"xyz"', '"abc"'); // false
 */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  const tags = ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.some((tag) => tag.replace(/^W\//, "") === opaque);
}
