/** One canonical JSON for everything that must compare or hash equal whatever its key order. */

/**
 * JSON with object keys sorted recursively, so `{b,a}` and `{a,b}` serialize alike. `undefined`
 * follows JSON: dropped from objects, `null` in arrays (a JSON request cannot carry `undefined`).
 *
 * @example
 * canonicalJson({ b: 1, a: { d: [1, undefined], c: null } }); // '{"a":{"c":null,"d":[1,null]},"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined || typeof obj[key] === "function") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(",")}}`;
}
