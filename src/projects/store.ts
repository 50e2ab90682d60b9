import { StoreUnavailableError } from "../errors";
import { TtlCache } from "../platform/ttl-cache";
import type { ProjectConfig, ProjectRef } from "./types";

/**
 * How long an isolate trusts its copy of a project's configuration. A change made through the
 * admin API updates the copy in the isolate that made it at once; other isolates pick it up
 * within this bound, other locations within KV's propagation delay (about 60 s) plus this.
 */
export const PROJECT_CACHE_TTL_MS = 1_000;

/** Reads and writes project configurations (SPEC §4). */
export interface ProjectStore {
  get(ref: ProjectRef): Promise<ProjectConfig | null>;
  put(ref: ProjectRef, config: ProjectConfig): Promise<void>;
}

/** The KV key of a project's configuration. */
export function projectKey(ref: ProjectRef): string {
  return `project:${ref.projectId}:${ref.environment}`;
}

const isolateCopies = new WeakMap<KVNamespace, TtlCache<ProjectConfig | null>>();

/**
 * A `ProjectStore` over Workers KV with a per-isolate copy. A KV failure is a
 * `StoreUnavailableError` (503): the gateway fails closed rather than guessing a configuration.
 *
 * @example
 * const projects = kvProjectStore(env.CONFIG);
 * const config = await projects.get({ projectId: "demo", environment: "master" });
 */
export function kvProjectStore(kv: KVNamespace): ProjectStore {
  let copies = isolateCopies.get(kv);
  if (!copies) {
    copies = new TtlCache({ ttlMs: PROJECT_CACHE_TTL_MS, maxEntries: 1_000 });
    isolateCopies.set(kv, copies);
  }
  const cache = copies;
  return {
    async get(ref) {
      const key = projectKey(ref);
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      let config: ProjectConfig | null;
      try {
        config = await kv.get<ProjectConfig>(key, "json");
      } catch {
        throw new StoreUnavailableError("The project configuration store cannot be read; try again shortly.");
      }
      cache.set(key, config);
      return config;
    },
    async put(ref, config) {
      const key = projectKey(ref);
      try {
        // One KV value per project: a write is all-or-nothing, never half a configuration.
        await kv.put(key, JSON.stringify(config));
      } catch {
        throw new StoreUnavailableError("The project configuration store cannot be written; nothing was changed.");
      }
      cache.set(key, config);
    },
  };
}
