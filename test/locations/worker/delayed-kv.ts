/**
 * A Workers KV binding as another location sees it: a write is visible at once at the location
 * that made it and only `delayMs` later everywhere else (Workers KV propagates in about 60 s).
 * Every location wraps the same underlying namespace; each key holds the history of its writes
 * (`{ writes: [{ value, at, by }] }`), trimmed to the newest write every location already sees
 * and the ones after it. Supports what the gateway uses: `get` (text / json), `put` (with its
 * expiration options), `delete` and `list` by prefix.
 */
interface Write {
  /** The value, or `null` for a delete. */
  value: string | null;
  at: number;
  by: string;
}

interface Envelope {
  writes: Write[];
}

export function delayedKv(inner: KVNamespace, location: string, delayMs: number, now: () => number = Date.now): KVNamespace {
  const read = async (key: string): Promise<Envelope> => (await inner.get<Envelope>(key, "json")) ?? { writes: [] };
  const visible = (envelope: Envelope): Write | undefined => {
    const t = now();
    for (let i = envelope.writes.length - 1; i >= 0; i--) {
      const w = envelope.writes[i]!;
      if (w.by === location || w.at + delayMs <= t) return w;
    }
    return undefined;
  };
  const write = async (key: string, value: string | null, options?: KVNamespacePutOptions) => {
    const envelope = await read(key);
    const t = now();
    envelope.writes.push({ value, at: t, by: location });
    // Keep the newest write everyone sees, and everything after it.
    let firstKept = 0;
    for (let i = envelope.writes.length - 1; i >= 0; i--) {
      if (envelope.writes[i]!.at + delayMs <= t) {
        firstKept = i;
        break;
      }
    }
    envelope.writes = envelope.writes.slice(firstKept);
    const ttl: KVNamespacePutOptions = {};
    // The envelope must outlive the delay, whatever expiry the value asked for.
    if (options?.expirationTtl !== undefined) ttl.expirationTtl = Math.max(options.expirationTtl, Math.ceil(delayMs / 1000) + 60);
    if (options?.expiration !== undefined) ttl.expiration = Math.max(options.expiration, Math.ceil((t + delayMs) / 1000) + 60);
    await inner.put(key, JSON.stringify(envelope), ttl);
  };

  const kv = {
    async get(key: string, type?: unknown): Promise<unknown> {
      const w = visible(await read(key));
      if (!w || w.value === null) return null;
      const kind = typeof type === "string" ? type : ((type as { type?: string } | undefined)?.type ?? "text");
      if (kind === "json") return JSON.parse(w.value);
      if (kind === "arrayBuffer") return new TextEncoder().encode(w.value).buffer;
      return w.value;
    },
    async put(key: string, value: string, options?: KVNamespacePutOptions): Promise<void> {
      await write(key, value, options);
    },
    async delete(key: string): Promise<void> {
      await write(key, null);
    },
    async list(options: KVNamespaceListOptions = {}): Promise<KVNamespaceListResult<unknown, string>> {
      const page = await inner.list(options);
      const keys = [];
      for (const key of page.keys) {
        const w = visible(await read(key.name));
        if (w && w.value !== null) keys.push(key);
      }
      return { ...page, keys } as KVNamespaceListResult<unknown, string>;
    },
  };
  return kv as unknown as KVNamespace;
}
