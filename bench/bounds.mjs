/**
 * The gateway's in-isolate memory bounds that distinct cached queries can fill, read from the
 * source (so the benchmark's verdict follows the code, not a copied number). Each is the byte
 * bound of an LRU, measured by its own `sizeOf` estimate.
 *
 * Not counted, because 100,000 distinct cached queries of one document do not fill them: the APQ
 * registry (src/cache/apq.ts, only persisted queries), the views of the project authorities
 * (src/authority, per project: bounded by the authority's entry-member limit), project and PAT
 * copies (per project/token).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SOURCES = [
  { name: "memory cache layer (responses)", file: "src/cache/memory-cache.ts", pattern: /DEFAULT_MEMORY_CACHE_BYTES = ([\d_ *]+);/ },
  { name: "key plans", file: "src/pipeline/key-plan.ts", pattern: /maxBytes: ([\d_ *]+),/ },
  { name: "permission decisions", file: "src/pipeline/decision-memo.ts", pattern: /maxBytes: ([\d_ *]+),/ },
  { name: "parsed operations", file: "src/pipeline/parse-operation.ts", pattern: /maxBytes: ([\d_ *]+),/ },
  { name: "normalized documents (cache key)", file: "src/cache/key.ts", pattern: /maxBytes: ([\d_ *]+),/ },
  { name: "fast path (repeated hits)", file: "src/pipeline/fast-path.ts", pattern: /FAST_PATH_BOUNDS = \{ maxEntries: [\d_]+, maxBytes: ([\d_ *]+) \}/ },
];

const MiB = 1024 * 1024;

/** `{ bounds: [{ name, file, MiB }], totalMiB }`; a bound not found in its file is `MiB: null` and makes the total null. */
export function isolateBounds() {
  const bounds = SOURCES.map(({ name, file, pattern }) => {
    let bytes = null;
    try {
      const m = pattern.exec(readFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), "utf8"));
      if (m) bytes = m[1].replace(/_/g, "").split("*").reduce((product, n) => product * Number(n.trim()), 1);
    } catch {}
    return { name, file, MiB: Number.isFinite(bytes) ? bytes / MiB : null };
  });
  const totalMiB = bounds.every((b) => b.MiB != null) ? bounds.reduce((sum, b) => sum + b.MiB, 0) : null;
  return { bounds, totalMiB };
}
