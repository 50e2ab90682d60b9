/**
 * Which projects exist, as an isolate knows it, so that a request naming an unknown project is a
 * cheap `404` that creates nothing anywhere (SPEC §3a): no Durable Object, no storage, no map entry
 * per name. Asking a project's own authority would create that object (and its SQLite database),
 * so existence is settled first, from
 *
 * 1. the project's Workers KV copy (read by `projects/store.ts`): every project configured more
 *    than about a minute ago, at every location;
 * 2. this isolate's copy of the **project directory** — one object of the authority namespace,
 *    named {@link DIRECTORY_NAME}, that lists every project ever configured (`directory-table.ts`),
 *    so a project created at another location a moment ago is found before KV has propagated it.
 *    The copy is refreshed (with what was added since) at most once per {@link DIRECTORY_FRESH_MS},
 *    and only when a name is in neither KV nor the copy: however many names a client invents,
 *    the directory is asked at most about once a second per isolate;
 * 3. a bounded negative cache: a name found in neither is answered `404` from memory for
 *    {@link ABSENT_TTL_MS} (an LRU of {@link ABSENT_MAX_ENTRIES}), so repeating it costs nothing.
 *
 * A project created anywhere is therefore served everywhere within about a second plus a round
 * trip (the bound of every other change, `client.ts`); in the isolate that created it, at once.
 * The copy holds one name per configured project, which only the admin API adds.
 */
import type { AuditRecord } from "../audit/event";
import { Lru } from "../platform/lru";
import { withTimeout } from "../platform/with-timeout";
import { refKeyPart } from "../projects/key-part";
import type { ProjectRef } from "../projects/types";
import type { DirectoryPage } from "./directory-table";
import { authorityUnavailable } from "./unavailable";

/** The directory's object name: no project's object has it (theirs are `<id>/<environment>`). */
export const DIRECTORY_NAME = "directory";
/** How long an isolate answers "not listed" from its copy of the directory before asking again. */
export const DIRECTORY_FRESH_MS = 1_000;
/** How long a name found nowhere is answered from memory. */
export const ABSENT_TTL_MS = 1_000;
/** At most this many names found nowhere are remembered (least recently used first out). */
export const ABSENT_MAX_ENTRIES = 10_000;
const DEFAULT_CALL_TIMEOUT_MS = 5_000;

/** The directory object's methods as a location calls them (`ProjectAuthority` in `object.ts`). */
export interface DirectoryRpc {
  registerProject(name: string, audit?: AuditRecord): Promise<number>;
  listProjects(since: number): Promise<DirectoryPage>;
}

/** The authority namespace (a Durable Object namespace). */
export interface DirectoryNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): unknown;
}

export interface DirectoryOptions {
  now?: () => number;
  callTimeoutMs?: number;
}

/**
 * An isolate's knowledge of which projects exist (one per authority binding: see `client.ts`).
 *
 * @example
 * const listed = directory.known(ref); // true, false (recently found nowhere) or undefined (no I/O)
 * if (listed === undefined && !kvCopy && !(await directory.exists(ref))) return null; // 404
 */
export class ProjectDirectory {
  private readonly names = new Set<string>();
  private readonly absent = new Lru<number>({ maxEntries: ABSENT_MAX_ENTRIES });
  private seq = 0;
  private attemptedAt = -Infinity;
  private syncing: Promise<void> | null = null;
  private id: DurableObjectId | undefined;
  private readonly now: () => number;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly namespace: DirectoryNamespace,
    options: DirectoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /**
   * Without I/O: `true` when the directory listed the project, `false` when it was found nowhere
   * within {@link ABSENT_TTL_MS}, `undefined` when only KV and then {@link exists} can tell.
   */
  known(ref: ProjectRef): boolean | undefined {
    const name = refKeyPart(ref, "/");
    if (this.names.has(name)) return true;
    const at = this.absent.peek(name);
    return at !== undefined && this.now() - at < ABSENT_TTL_MS ? false : undefined;
  }

  /**
   * Whether the directory lists the project (called once KV has no copy of it): the isolate's copy,
   * refreshed first when it is older than {@link DIRECTORY_FRESH_MS}. A directory that cannot be
   * reached lists nothing new (the project is then `404` here until KV has it, or the next try).
   * A `false` is remembered for {@link ABSENT_TTL_MS}.
   */
  async exists(ref: ProjectRef): Promise<boolean> {
    const name = refKeyPart(ref, "/");
    if (!this.names.has(name) && this.now() - this.attemptedAt >= DIRECTORY_FRESH_MS) await this.refresh();
    if (this.names.has(name)) {
      this.absent.delete(name);
      return true;
    }
    this.absent.set(name, this.now());
    return false;
  }

  /**
   * Every project the directory lists, as `<projectId>/<environment>` names, sorted: this
   * isolate's copy, refreshed first when it is older than {@link DIRECTORY_FRESH_MS} (so a page
   * listing them costs at most one call a second per isolate, shared with {@link exists}). A
   * directory that cannot be reached gives the copy as it is.
   *
   * @example
   * await directory.list(); // ["demo/master", "shop/production"]
   */
  async list(): Promise<string[]> {
    if (this.now() - this.attemptedAt >= DIRECTORY_FRESH_MS) await this.refresh();
    return [...this.names].sort();
  }

  /**
   * Lists the project at the directory (before its first configuration is written, so that every
   * location can find it) and forgets that it was found nowhere. A project new to the directory is
   * recorded as `project.create` by `audit` in the deployment's audit log.
   *
   * @throws StoreUnavailableError (503, `reason: authority-unavailable`) when the directory cannot be reached.
   */
  async register(ref: ProjectRef, audit?: AuditRecord): Promise<void> {
    const name = refKeyPart(ref, "/");
    if (!this.names.has(name)) {
      try {
        await withTimeout(this.rpc().registerProject(name, audit), this.callTimeoutMs);
      } catch {
        throw authorityUnavailable();
      }
      this.names.add(name);
    }
    this.absent.delete(name);
  }

  /** One refresh at a time; a request that finds one running waits for it (bounded: it belongs to another request). */
  private async refresh(): Promise<void> {
    if (this.syncing) return withTimeout(this.syncing, this.callTimeoutMs).catch(() => undefined);
    this.attemptedAt = this.now();
    const run: Promise<void> = withTimeout(this.rpc().listProjects(this.seq), this.callTimeoutMs)
      .then((page) => {
        for (const name of page.names) this.names.add(name);
        this.seq = page.seq;
      })
      .catch(() => undefined)
      .finally(() => {
        if (this.syncing === run) this.syncing = null;
      });
    this.syncing = run;
    return run;
  }

  private rpc(): DirectoryRpc {
    this.id ??= this.namespace.idFromName(DIRECTORY_NAME);
    // A stub per call: stubs are I/O objects and must not cross requests.
    return this.namespace.get(this.id) as DirectoryRpc;
  }
}
