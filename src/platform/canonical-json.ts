/** One canonical JSON for everything that must compare or hash equal whatever its key order. */

/** Work-stack markers: the container below the marker ends here (its bracket, and it leaves the path). */
const END_ARRAY = Object.freeze({});
const END_OBJECT = Object.freeze({});

/**
 * JSON with object keys sorted recursively, so `{b,a}` and `{a,b}` serialize alike. `undefined`
 * and functions follow JSON: dropped from objects, `null` in arrays and at the top (a JSON request
 * carries neither).
 *
 * Iterative, with an explicit work stack: the values serialized here are client input (variables
 * in the cache and decision keys), and a recursive version exhausted the stack on 3,000 levels of
 * `[` (issue 19). Any depth serializes; a cyclic value throws a `TypeError`, as `JSON.stringify`
 * does.
 *
 * @example
 * canonicalJson({ b: 1, a: { d: [1, undefined], c: null } }); // '{"a":{"c":null,"d":[1,null]},"b":1}'
 * canonicalJson(JSON.parse("[".repeat(100_000) + "]".repeat(100_000))).length; // 200000
 */
export function canonicalJson(value: unknown): string {
  if (!isContainer(value)) return scalar(value);
  let out = "";
  /** Containers on the path being serialized: a container met again inside itself is a cycle. */
  const path = new Set<object>();
  // Strings are text to append (scalars are serialized as they are pushed); objects are containers
  // still to serialize, or an END marker above the container it closes.
  const stack: (string | object)[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out += item;
      continue;
    }
    if (item === END_ARRAY || item === END_OBJECT) {
      path.delete(stack.pop() as object);
      out += item === END_ARRAY ? "]" : "}";
      continue;
    }
    if (path.has(item)) throw new TypeError("canonicalJson: the value is cyclic.");
    path.add(item);
    // Members are pushed last first, so that the first is popped first.
    if (Array.isArray(item)) {
      out += "[";
      stack.push(item, END_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        const member: unknown = item[i];
        stack.push(isContainer(member) ? member : scalar(member));
        if (i > 0) stack.push(",");
      }
      continue;
    }
    const obj = item as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((key) => obj[key] !== undefined && typeof obj[key] !== "function")
      .sort();
    out += "{";
    stack.push(item, END_OBJECT);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const member = obj[key];
      stack.push(isContainer(member) ? member : scalar(member));
      stack.push(`${i > 0 ? "," : ""}${JSON.stringify(key)}:`);
    }
  }
  return out;
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === "object";
}

/** A non-container as JSON; `undefined` and functions (and symbols) are `null`, as inside an array. */
function scalar(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
