/**
 * The gateway's in-isolate memory bounds that distinct cached queries can fill, as the code
 * declares them (so the benchmark's verdict follows the code, not a copied number): the named
 * constants of src/platform/isolate-bounds.ts, which imports nothing, compiled by esbuild and
 * imported. Each is the byte bound of an LRU, measured by its own `sizeOf` estimate; what is not
 * counted, and why, is said in that module.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const SOURCE = "src/platform/isolate-bounds.ts";

/** Which constant bounds which LRU, and the module that holds the LRU. */
const BOUNDS = [
  { name: "memory cache layer (responses)", constant: "MEMORY_CACHE_BOUNDS", file: "src/cache/memory-cache.ts" },
  { name: "key plans", constant: "KEY_PLAN_BOUNDS", file: "src/pipeline/key-plan.ts" },
  { name: "permission decisions", constant: "DECISION_MEMO_BOUNDS", file: "src/pipeline/decision-memo.ts" },
  { name: "parsed operations", constant: "PARSED_DOCUMENT_BOUNDS", file: "src/pipeline/parse-operation.ts" },
  { name: "normalized documents (cache key)", constant: "NORMALIZED_DOCUMENT_BOUNDS", file: "src/cache/key.ts" },
  { name: "fast path (repeated hits)", constant: "FAST_PATH_BOUNDS", file: "src/pipeline/fast-path.ts" },
];

const MiB = 1024 * 1024;

/**
 * The module's exports, compiled to CommonJS and evaluated synchronously (it imports nothing).
 *
 * @returns {Record<string, { maxBytes?: number } | undefined>}
 */
function declaredBounds() {
  const source = readFileSync(fileURLToPath(new URL(`../${SOURCE}`, import.meta.url)), "utf8");
  const { code } = transformSync(source, { loader: "ts", format: "cjs" });
  const module = { exports: {} };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports;
}

/**
 * `{ bounds: [{ name, file, MiB }], totalMiB }`; a bound the module does not declare is
 * `MiB: null` and makes the total null.
 *
 * @returns {{ bounds: Array<{ name: string; file: string; MiB: number | null }>; totalMiB: number | null }}
 */
export function isolateBounds() {
  const declared = declaredBounds();
  const bounds = BOUNDS.map(({ name, constant, file }) => {
    const bytes = declared[constant]?.maxBytes;
    return { name, file, MiB: typeof bytes === "number" ? bytes / MiB : null };
  });
  const totalMiB = bounds.every((b) => b.MiB !== null) ? bounds.reduce((sum, b) => sum + (b.MiB ?? 0), 0) : null;
  return { bounds, totalMiB };
}
