/**
 * Project configurations (SPEC §4). The project's authority (a Durable Object, `src/authority`)
 * holds the current configuration and its *epoch* (the number of the change that set it); Workers
 * KV holds a copy `{ epoch, config }` that every location can read cheaply but that may lag behind
 * by about a minute elsewhere.
 *
 * A read compares epochs: the isolate's copy is used while its epoch is at least the one the
 * location's view of the authority names (so a change made anywhere is seen within the view's
 * bound, 1.5 s); otherwise KV is read, and if KV is older still, the configuration is fetched from
 * the authority itself. A write goes to the authority first (new epoch), then to KV.
 *
 * **An unknown project never reaches an authority** (SPEC §3a): asking a project's authority
 * creates its Durable Object. So a project this isolate has no copy of must first be found in KV
 * or in the project directory (`src/authority/directory.ts`, which also remembers for a second
 * that a name was found nowhere); an invalid id or environment (`project-id.ts`) is not looked
 * up at all. Either way the answer is `null` — the endpoints' `404` — and nothing is created.
 */
import type { AuditRecord } from "../audit/event";
import { StoreUnavailableError } from "../errors";
import { Lru } from "../platform/lru";
import type { WaitUntil } from "../platform/wait-until";
import { refKeyPart } from "./key-part";
import { assertValidProjectRef, isValidProjectRef } from "./project-id";
import type { ProjectConfig, ProjectRef } from "./types";

/** Reads and writes project configurations (SPEC §4). */
export interface ProjectStore {
  get(ref: ProjectRef): Promise<ProjectConfig | null>;
  /** Stores a configuration; `audit` records it (its action, e.g. `config.update`; and `project.create` for a new project). */
  put(ref: ProjectRef, config: ProjectConfig, audit: AuditRecord, options?: { keepAnswers?: boolean }): Promise<void>;
}

/** What KV holds under {@link projectKey}. */
export interface StoredProject {
  epoch: number;
  config: ProjectConfig | null;
}

/**
 * The KV key of a project's configuration (each part encoded: `key-part.ts`).
 *
 * @example projectKey({ projectId: "demo", environment: "master" }); // "project:demo:master"
 */
export function projectKey(ref: ProjectRef): string {
  return `project:${refKeyPart(ref, ":")}`;
}

/** A KV value as `{ epoch, config }`; a bare configuration (written before epochs existed) is epoch 0. */
export function storedProject(value: unknown): StoredProject | null {
  if (value === null || typeof value !== "object") return null;
  const v = value as Partial<StoredProject>;
  if (typeof v.epoch === "number" && "config" in v) return { epoch: v.epoch, config: (v.config ?? null) as ProjectConfig | null };
  return { epoch: 0, config: value as ProjectConfig };
}

/** The isolate's copies, by KV key (bounded; an epoch says whether a copy is current). */
const isolateCopies = new WeakMap<object, Lru<StoredProject>>();

/**
 * What the store needs of the project's authority (`Authority` in src/authority/client.ts
 * satisfies it): the configuration epoch of the location's view, and the configuration itself.
 */
export interface ConfigAuthority {
  /** The view when this isolate confirmed it recently, without I/O. */
  current(ref: ProjectRef): { configEpoch: number } | undefined;
  view(ref: ProjectRef, waitUntil: WaitUntil): Promise<{ configEpoch: number }>;
  getConfig(ref: ProjectRef): Promise<StoredProject>;
  /** Writes the configuration (every cached answer invalidated unless `keepAnswers`); resolves to its new epoch. */
  putConfig(ref: ProjectRef, config: ProjectConfig, waitUntil: WaitUntil, audit?: AuditRecord, keepAnswers?: boolean): Promise<number>;
  /** Which projects exist, asked before anything above for a project this isolate has no copy of. */
  directory: ProjectExistence;
}

/** The project directory as the store uses it (`ProjectDirectory` in src/authority/directory.ts). */
export interface ProjectExistence {
  /** Listed (`true`), found nowhere within the last second (`false`), or not known without I/O. */
  known(ref: ProjectRef): boolean | undefined;
  /** Asked when KV has no copy: whether the directory lists it. */
  exists(ref: ProjectRef): Promise<boolean>;
  /** Lists a project being configured. */
  register(ref: ProjectRef, audit?: AuditRecord): Promise<void>;
}

export interface ProjectStoreDeps {
  kv: KVNamespace;
  authority: ConfigAuthority;
  waitUntil: WaitUntil;
}

/**
 * A {@link ProjectStore} over the authority and KV. A KV or authority failure is a
 * `StoreUnavailableError` (503): the gateway fails closed rather than guessing a configuration.
 *
 * @example
 * const projects = projectStore({ kv: config.kv, authority: config.authority, waitUntil });
 * const project = await projects.get({ projectId: "demo", environment: "master" });
 */
export function projectStore(deps: ProjectStoreDeps): ProjectStore {
  const { kv, authority, waitUntil } = deps;
  let copies = isolateCopies.get(kv);
  if (!copies) {
    copies = new Lru<StoredProject>({ maxEntries: 1_000 });
    isolateCopies.set(kv, copies);
  }
  const cache = copies;
  const read = async (key: string): Promise<StoredProject | null> => {
    try {
      return storedProject(await kv.get(key, "json"));
    } catch {
      throw new StoreUnavailableError("The project configuration store cannot be read; try again shortly.");
    }
  };
  /**
   * Whether a project this isolate has no copy of exists, before its authority is asked: `null`
   * when it does not; else its KV copy when that was read on the way (`undefined`: not read).
   */
  const existing = async (ref: ProjectRef, key: string): Promise<{ stored: StoredProject | null | undefined } | null> => {
    const known = authority.directory.known(ref);
    if (known === false) return null;
    if (known === true) return { stored: undefined };
    const stored = await read(key);
    if (stored?.config) return { stored };
    return (await authority.directory.exists(ref)) ? { stored } : null;
  };
  return {
    async get(ref) {
      if (!isValidProjectRef(ref)) return null;
      const key = projectKey(ref);
      const copy = cache.get(key);
      let stored: StoredProject | null | undefined;
      if (!copy?.config) {
        const found = await existing(ref, key);
        if (!found) return null;
        stored = found.stored;
      }
      const view = authority.current(ref) ?? (await authority.view(ref, waitUntil));
      if (copy && copy.epoch >= view.configEpoch) return copy.config;
      if (stored === undefined) stored = await read(key);
      stored ??= { epoch: 0, config: null };
      if (stored.epoch < view.configEpoch) {
        // KV has not caught up with a change made elsewhere: the authority has the current one.
        stored = await authority.getConfig(ref);
      }
      if (!copy || stored.epoch >= copy.epoch) cache.set(key, stored);
      return stored.config;
    },
    async put(ref, config, audit, options = {}) {
      assertValidProjectRef(ref);
      // Listed before its first configuration exists, so every location finds it at once (a new
      // project is recorded in the deployment's audit log; the change in the project's own).
      // The caller's details (how the operator signed in) stay: the deployment's log names the
      // creator as the project's log names the change.
      await authority.directory.register(ref, audit && { ...audit, action: "project.create" });
      const epoch = await authority.putConfig(ref, config, waitUntil, audit, options.keepAnswers ?? false);
      const key = projectKey(ref);
      cache.set(key, { epoch, config });
      // One KV value per project: a write is all-or-nothing, never half a configuration. The
      // authority already has it, so a failed copy only means readers ask the authority.
      const value = JSON.stringify({ epoch, config } satisfies StoredProject);
      await kv.put(key, value).catch(() => waitUntil(kv.put(key, value).catch(() => undefined)));
    },
  };
}
