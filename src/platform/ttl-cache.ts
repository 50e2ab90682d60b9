/**
 * A small per-isolate cache with a time-to-live and a size bound, for values read from KV on
 * every request (project configuration, token records, schema knowledge). The clock is injected
 * so tests can freeze time.
 *
 * @example
 * const projects = new TtlCache<ProjectConfig | null>({ ttlMs: 1000, maxEntries: 1000 });
 * projects.set("demo/master", config);
 * projects.get("demo/master"); // config, until a second has passed
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    if (!(options.ttlMs >= 0) || !(options.maxEntries >= 1)) throw new Error("TtlCache: ttlMs ≥ 0 and maxEntries ≥ 1");
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The cached value, or `undefined` when absent or expired. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    // Maps iterate in insertion order: the first key is the oldest write.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { value, expires: this.#now() + this.#ttlMs });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
