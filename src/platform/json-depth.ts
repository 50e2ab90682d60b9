/**
 * How deeply a parsed JSON value nests, measured without recursion: `JSON.parse` itself takes
 * 100,000 levels of `[` in its stride, but any recursive walk of the result runs out of stack a few
 * thousand levels down (issue 19). The gateway measures every JSON value a client sends right after
 * parsing it and refuses it past `maxJsonDepth` (src/graphql/limits.ts), before anything walks it.
 */

/**
 * The number of objects and arrays on the deepest path of `value`: a scalar is 0, `{}` and `[1]`
 * are 1, `{"a":[1]}` is 2. Iterative (an explicit stack), so any depth is measured, in time and
 * memory linear in the value's size. Only own enumerable members are followed, as `JSON.stringify`
 * would; a value from `JSON.parse` has no cycles (a cyclic one would never finish).
 *
 * @example
 * jsonDepth("a"); // 0
 * jsonDepth({ where: { AND: [{ id: "p1" }] } }); // 4
 * jsonDepth(JSON.parse("[".repeat(100_000) + "]".repeat(100_000))); // 100000
 */
export function jsonDepth(value: unknown): number {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let deepest = 0;
  while (values.length > 0) {
    const item = values.pop();
    const depth = depths.pop()!;
    if (item === null || typeof item !== "object") continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    const members: unknown[] = Array.isArray(item) ? item : Object.values(item);
    for (const member of members) {
      // Scalars are not pushed: a wide array of numbers costs no stack space.
      if (member !== null && typeof member === "object") {
        values.push(member);
        depths.push(inner);
      }
    }
  }
  return deepest;
}
