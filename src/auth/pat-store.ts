/**
 * Permanent auth tokens (PATs, SPEC §2 and §5): opaque high-entropy secrets issued by the admin
 * API, shown once, and stored in Workers KV only as their SHA-256 digest.
 *
 * KV layout (project id and environment encoded by `projects/key-part.ts`, so `a:b`/`c` and `a`/`b:c` never meet):
 *
 * - `pat:{projectId}:{environment}:{sha256hex}` → {@link StoredPat}: the record a presented
 *   token is looked up by. The key *is* the digest of the token, so a lookup never compares
 *   secrets; after a revoke it holds a tombstone so the answer can say `revoked`.
 * - `patid:{projectId}:{environment}:{id}` → {@link PatIndexEntry}: the listing and revoke
 *   index (KV `list` by prefix), which holds the digest (never the token) to find the record.
 */
import type { AuditRecord } from "../audit/event";
import type { Authority } from "../authority/client";
import { StoreUnavailableError } from "../errors";
import { TtlCache } from "../platform/ttl-cache";
import type { PatRecord } from "./pat-record";
import type { WaitUntil } from "../platform/wait-until";
import { refKeyPart } from "../projects/key-part";
import type { PermissionRule, ProjectRef } from "../projects/types";

/** Every PAT starts with this, so a leaked one is recognizable (secret scanners, logs review). */
export const PAT_PREFIX = "cep_";
/** Random bytes in a PAT: 256 bits. */
export const PAT_SECRET_BYTES = 32;
/** `cep_` + base64url of 32 bytes (43 characters, no padding). */
const PAT_SHAPE = /^cep_[A-Za-z0-9_-]{43}$/;
/** How long a revoked token's tombstone stays, so it answers `revoked` rather than `unknown-token`. */
const TOMBSTONE_TTL_SECONDS = 30 * 86_400;
/** The largest `expiration` KV accepts (2038-01-19). */
const MAX_KV_EXPIRATION = 2_147_483_647;
/** How long after `expiresAt` an expired token's records stay (listed as expired), then KV drops them. */
const EXPIRED_RETENTION_SECONDS = 7 * 86_400;

/** The value under `pat:…`: a live token, or the tombstone of a revoked one. */
export type StoredPat =
  ({ state: "active"; projectId: string; environment: string } & PatRecord) | { state: "revoked"; id: string; revokedAt: string };

/** The value under `patid:…`. */
export type PatIndexEntry = PatRecord & { digest: string };

/** What {@link PatStore.create} takes (already validated). */
export interface NewPat {
  name: string;
  permissions: PermissionRule[];
  defaultStage?: string;
  expiresAt?: string;
}

/** Result of looking a presented token up. */
export type PatLookup = { status: "active"; record: PatRecord } | { status: "revoked"; id: string } | { status: "unknown" };

export interface PatStore {
  /** Issues a token; `token` is the only time the secret exists outside the caller's hands. */
  create(ref: ProjectRef, input: NewPat, audit: AuditRecord): Promise<{ token: string; record: PatRecord }>;
  /** Every token of the project and environment (oldest first), without secrets. */
  list(ref: ProjectRef): Promise<PatRecord[]>;
  /** Revokes by id, recorded by `audit`; `false` when there is no such token. Takes effect at once in this isolate. */
  revoke(ref: ProjectRef, id: string, audit: AuditRecord): Promise<boolean>;
  /** Looks a presented token up by its digest. Does not check expiry (the caller's clock does). */
  lookup(ref: ProjectRef, token: string): Promise<PatLookup>;
  /** A listed (not revoked) token by id, without its secret; `null` when there is none. */
  get(ref: ProjectRef, id: string): Promise<PatRecord | null>;
}

/** Whether a bearer token has the shape of a PAT; anything else is never looked up. */
export function looksLikePat(token: string): boolean {
  return PAT_SHAPE.test(token);
}

/** A fresh PAT secret: `cep_` + 32 random bytes, base64url. */
export function generatePatSecret(): string {
  return PAT_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(PAT_SECRET_BYTES)));
}

/** SHA-256 of the token as lower-case hex: the only form in which a PAT is stored. */
export async function patDigest(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  let hex = "";
  for (let i = 0; i < digest.length; i++) hex += HEX[digest[i]!];
  return hex;
}

const encoder = new TextEncoder();
/** Two lower-case hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

const scope = (ref: ProjectRef) => refKeyPart(ref, ":");

/** KV key of a token's record, by the digest of the token. */
export function patKey(ref: ProjectRef, digestHex: string): string {
  return `pat:${scope(ref)}:${digestHex}`;
}

/** KV key prefix of a project's token index. */
export function patIndexPrefix(ref: ProjectRef): string {
  return `patid:${scope(ref)}:`;
}

/** KV key of a token's index entry, by its id. */
export function patIndexKey(ref: ProjectRef, id: string): string {
  return `${patIndexPrefix(ref)}${encodeURIComponent(id)}`;
}

/** How long an isolate trusts its copy of a token record (revocations arrive through the authority's view). */
const TOKEN_COPY_TTL_MS = 1_000;

/** Per-isolate copies of token records (and of "no such token"), keyed by KV key. */
const isolateCopies = new TtlCache<StoredPat | null>({ ttlMs: TOKEN_COPY_TTL_MS, maxEntries: 5_000 });

export interface PatStoreDeps {
  kv: KVNamespace;
  authority: Authority;
  waitUntil: WaitUntil;
  now?: () => number;
}

/**
 * A {@link PatStore} over the project's authority and Workers KV.
 *
 * - **create** writes the KV records (index first: a token that exists must always be listable,
 *   hence revocable), then registers the token at the authority; if the authority cannot be
 *   reached the KV records are removed and nothing was issued. The authority sends a new token's
 *   record to every location for a few minutes, so it works everywhere before KV propagates.
 * - **revoke** goes to the authority (every location refuses the token within the view's bound,
 *   1.5 s), and writes KV's tombstone, which takes over once propagated.
 * - **lookup** checks the authority's view (revoked ids, recent records), then KV.
 * - **list** is the union of the authority's registry and KV's index, without revoked tokens.
 *
 * KV read failures are `StoreUnavailableError` (503, fail closed); write failures too, with
 * nothing half-written that could authenticate.
 *
 * @example
 * const { token, record } = await patStore({ kv, authority, waitUntil }).create(ref, { name: "ci", permissions });
 */
export function patStore(deps: PatStoreDeps): PatStore {
  const { kv, authority, waitUntil } = deps;
  const now = deps.now ?? Date.now;
  const unreadable = () => new StoreUnavailableError("The token store cannot be read; try again shortly.", { reason: "store-unavailable" });
  const unwritable = () =>
    new StoreUnavailableError("The token store cannot be written; nothing was changed.", { reason: "store-unavailable" });
  const tombstone = async (ref: ProjectRef, id: string, digest: string) => {
    const key = patKey(ref, digest);
    const value: StoredPat = { state: "revoked", id, revokedAt: new Date(now()).toISOString() };
    // Whatever KV does next, this isolate refuses the token from now on.
    isolateCopies.set(key, value);
    await kv.put(key, JSON.stringify(value), { expirationTtl: TOMBSTONE_TTL_SECONDS });
  };

  return {
    async create(ref, input, audit) {
      const token = generatePatSecret();
      const digest = await patDigest(token);
      const record: PatRecord = {
        id: crypto.randomUUID(),
        name: input.name,
        permissions: input.permissions,
        ...(input.defaultStage === undefined ? {} : { defaultStage: input.defaultStage }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        createdAt: new Date(now()).toISOString(),
      };
      const stored: StoredPat = { state: "active", projectId: ref.projectId, environment: ref.environment, ...record };
      const index: PatIndexEntry = { ...record, digest };
      const putOptions: KVNamespacePutOptions = {};
      if (record.expiresAt !== undefined) {
        // KV drops the records a while after expiry; until then they list (and answer `expired`).
        // KV's expiration is a 32-bit epoch second: a later expiry simply keeps the records.
        const expiration = Math.ceil(Date.parse(record.expiresAt) / 1000) + EXPIRED_RETENTION_SECONDS;
        if (expiration <= MAX_KV_EXPIRATION) putOptions.expiration = expiration;
      }
      const indexKey = patIndexKey(ref, record.id);
      const undo = () => Promise.all([kv.delete(indexKey), kv.delete(patKey(ref, digest))]).catch(() => undefined);
      try {
        await kv.put(indexKey, JSON.stringify(index), putOptions);
        await kv.put(patKey(ref, digest), JSON.stringify(stored), putOptions);
      } catch {
        await undo();
        throw unwritable();
      }
      try {
        // Recorded with the token's id and name (never its secret or digest) in the same event.
        await authority.addToken(ref, { id: record.id, digest, record, createdAt: now() }, waitUntil, {
          ...audit,
          target: record.id,
          details: { ...audit.details, name: record.name, ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }) },
        });
      } catch (error) {
        // Not registered: the secret is never shown, and its records go.
        await undo();
        throw error;
      }
      isolateCopies.set(patKey(ref, digest), stored);
      return { token, record };
    },

    async list(ref) {
      const registry = await authority.listTokens(ref);
      const revoked = new Set(registry.revoked);
      const byId = new Map<string, PatRecord>();
      try {
        let cursor: string | undefined;
        do {
          const page: KVNamespaceListResult<unknown, string> = await kv.list({
            prefix: patIndexPrefix(ref),
            ...(cursor ? { cursor } : {}),
          });
          const values = await Promise.all(page.keys.map((key) => kv.get<PatIndexEntry>(key.name, "json")));
          for (const value of values) if (value) byId.set(value.id, publicRecord(value));
          cursor = page.list_complete ? undefined : page.cursor;
        } while (cursor);
      } catch {
        throw unreadable();
      }
      for (const { record } of registry.tokens) byId.set(record.id, publicRecord(record));
      return [...byId.values()]
        .filter((record) => !revoked.has(record.id))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async revoke(ref, id, audit) {
      const indexKey = patIndexKey(ref, id);
      let entry: PatIndexEntry | null;
      try {
        entry = await kv.get<PatIndexEntry>(indexKey, "json");
      } catch {
        throw unreadable();
      }
      // KV's tombstone first when the digest is known here: it outlives the authority's memory of the revocation.
      if (entry)
        await tombstone(ref, entry.id, entry.digest).catch(() => {
          throw unwritable();
        });
      const { found, digest } = await authority.revokeToken(ref, id, entry?.digest ?? null, waitUntil, { ...audit, target: id });
      if (!found) return false;
      // Issued elsewhere and not yet in this location's KV: the authority knows its digest.
      if (!entry && digest) waitUntil(tombstone(ref, id, digest).catch(() => undefined));
      waitUntil(kv.delete(indexKey).catch(() => undefined));
      return true;
    },

    async get(ref, id) {
      // As lookups see it: revoked per the authority, issued recently per the authority, else KV's index.
      const view = authority.current(ref) ?? (await authority.view(ref, waitUntil));
      if (view.tokens.revoked.has(id)) return null;
      for (const record of view.tokens.recent.values()) if (record.id === id) return publicRecord(record);
      let entry: PatIndexEntry | null;
      try {
        entry = await kv.get<PatIndexEntry>(patIndexKey(ref, id), "json");
      } catch {
        throw unreadable();
      }
      return entry ? publicRecord(entry) : null;
    },

    async lookup(ref, token) {
      // The KV key is the digest of the presented token: no secret is ever compared as a string.
      const digest = await patDigest(token);
      const view = authority.current(ref) ?? (await authority.view(ref, waitUntil));
      const recent = view.tokens.recent.get(digest);
      let record: PatRecord;
      if (recent) {
        record = recent;
      } else {
        const key = patKey(ref, digest);
        let stored = isolateCopies.get(key);
        if (stored === undefined) {
          try {
            stored = await kv.get<StoredPat>(key, "json");
          } catch {
            throw unreadable();
          }
          isolateCopies.set(key, stored);
        }
        if (!stored) return { status: "unknown" };
        if (stored.state === "revoked") return { status: "revoked", id: stored.id };
        // Belt and braces: the scope is in the key, and also in the record.
        if (stored.projectId !== ref.projectId || stored.environment !== ref.environment) return { status: "unknown" };
        record = stored;
      }
      if (view.tokens.revoked.has(record.id)) return { status: "revoked", id: record.id };
      return { status: "active", record: publicRecord(record) };
    },
  };
}

/** The listable fields only, in a stable order (drops `digest`, `state`, scope). */
function publicRecord(value: PatRecord): PatRecord {
  return {
    id: value.id,
    name: value.name,
    permissions: value.permissions,
    ...(value.defaultStage === undefined ? {} : { defaultStage: value.defaultStage }),
    ...(value.expiresAt === undefined ? {} : { expiresAt: value.expiresAt }),
    createdAt: value.createdAt,
  };
}

function base64url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}
