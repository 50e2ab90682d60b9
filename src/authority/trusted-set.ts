/**
 * A location's copy of each project's trusted documents (SPEC §3c; the authority holds them,
 * `documents-table.ts`). The set of hashes is kept per isolate and is current while its number is
 * at least what the location's view of the authority names for `DOCUMENTS_MEMBER`: every upload
 * or delete bumps that member, so a change made anywhere is seen everywhere within the view's
 * bound (1.5 s, `client.ts`) plus one call that fetches the set again (at most 5,000 hashes).
 *
 * A project that never had a document names no number (0): its set is empty without any I/O, so
 * projects with trusted documents off pay nothing. The texts are fetched one by one when a client
 * first sends only a trusted hash, and kept by hash: a SHA-256 names one text, whichever project
 * trusts it, and a text is only handed out for a hash the asking project's set holds.
 *
 * Bounded per isolate: {@link TRUSTED_SET_BOUNDS} (sets, sized by their hashes) and
 * {@link TRUSTED_TEXT_BOUNDS}; neither grows with what clients send, only with what operators upload.
 */
import { Lru } from "../platform/lru";
import type { WaitUntil } from "../platform/wait-until";
import { refKeyPart } from "../projects/key-part";
import type { ProjectRef } from "../projects/types";
import { DOCUMENTS_MEMBER } from "./changes";

const MiB = 1024 * 1024;
/** Projects' hash sets per isolate; a hash costs about 100 bytes in a `Set`. */
export const TRUSTED_SET_BOUNDS = { maxEntries: 200, maxBytes: 16 * MiB } as const;
/** Trusted texts per isolate, by hash. */
export const TRUSTED_TEXT_BOUNDS = { maxEntries: 2_000, maxBytes: 8 * MiB } as const;

/** What this module needs of the authority client (`Authority` in `client.ts` satisfies it). */
export interface TrustedSetAuthority {
  current(ref: ProjectRef): { members: ReadonlyMap<string, number> } | undefined;
  view(ref: ProjectRef, waitUntil: WaitUntil): Promise<{ members: ReadonlyMap<string, number> }>;
  documentHashes(ref: ProjectRef): Promise<{ version: number; hashes: string[] }>;
  getDocument(ref: ProjectRef, sha256: string): Promise<string | null>;
}

interface SetCopy {
  version: number;
  hashes: ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * @example
 * const trusted = trustedDocumentsFor(config.authority);
 * (await trusted.hashes(ref, waitUntil)).has(sha256); // whether the project trusts the document
 * await trusted.text(ref, sha256, waitUntil); // its text, or undefined
 */
export class TrustedDocuments {
  private readonly sets = new Lru<SetCopy>({ ...TRUSTED_SET_BOUNDS, sizeOf: (copy) => copy.hashes.size * 100 + 100 });
  private readonly texts = new Lru<string>({ ...TRUSTED_TEXT_BOUNDS, sizeOf: (text) => text.length * 2 + 160 });
  /** One fetch of a project's set at a time; an entry lives only while its fetch runs. */
  private readonly loading = new Map<string, Promise<SetCopy>>();

  constructor(private readonly authority: TrustedSetAuthority) {}

  /** The project's trusted hashes as of the location's view (empty, without I/O, when it never had any). */
  async hashes(ref: ProjectRef, waitUntil: WaitUntil): Promise<ReadonlySet<string>> {
    const view = this.authority.current(ref) ?? (await this.authority.view(ref, waitUntil));
    const version = view.members.get(DOCUMENTS_MEMBER) ?? 0;
    if (version === 0) return EMPTY;
    const key = refKeyPart(ref, "/");
    const copy = this.sets.get(key);
    if (copy && copy.version >= version) return copy.hashes;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.authority
        .documentHashes(ref)
        .then(({ version: fetched, hashes }) => {
          const next: SetCopy = { version: fetched, hashes: new Set(hashes) };
          const held = this.sets.peek(key);
          // Only forward: a slower, older answer never replaces a newer copy.
          if (!held || held.version <= fetched) this.sets.set(key, next);
          return next;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return (await pending).hashes;
  }

  /** The text of a document the project trusts; `undefined` when it does not trust `sha256`. */
  async text(ref: ProjectRef, sha256: string, waitUntil: WaitUntil): Promise<string | undefined> {
    if (!(await this.hashes(ref, waitUntil)).has(sha256)) return undefined;
    const local = this.texts.get(sha256);
    if (local !== undefined) return local;
    const stored = await this.authority.getDocument(ref, sha256);
    if (stored === null) return undefined; // deleted since the set was fetched
    this.texts.set(sha256, stored);
    return stored;
  }
}

const instances = new WeakMap<TrustedSetAuthority, TrustedDocuments>();

/**
 * The isolate's {@link TrustedDocuments} over `authority` (one per authority client).
 *
 * @example const text = await trustedDocumentsFor(config.authority).text(ref, sha256, waitUntil);
 */
export function trustedDocumentsFor(authority: TrustedSetAuthority): TrustedDocuments {
  let instance = instances.get(authority);
  if (!instance) {
    instance = new TrustedDocuments(authority);
    instances.set(authority, instance);
  }
  return instance;
}
