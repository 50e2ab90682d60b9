/**
 * Removes object members at given paths from a JSON text, leaving every other byte as it was:
 * the answer a client gets after the gateway's identity fields are stripped is exactly the text
 * the origin would have sent without them, whatever its formatting (compact or indented, escaped
 * or not). Only the objects along the paths are scanned; other values are skipped over.
 *
 * A removed member takes the separator before it with it (or, when it is the first member kept
 * nothing before it, the separator after it); an object left empty becomes `{}`.
 */

interface PathTree {
  /** Member names to remove at this object. */
  remove: Set<string>;
  /** Member names to descend into. */
  children: Map<string, PathTree>;
}

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/**
 * The text with each `paths` member removed (a path is the keys from the root object down to
 * the member). Paths that do not lead to a member are ignored.
 *
 * @throws SyntaxError when the text is not JSON along the paths.
 * @example removeMembers('{"data":{"post":{"title":"a","_ce_id":"p1"}}}', [["data", "post", "_ce_id"]]);
 * // '{"data":{"post":{"title":"a"}}}'
 */
export function removeMembers(text: string, paths: readonly (readonly string[])[]): string {
  if (paths.length === 0) return text;
  const tree = treeOf(paths);
  const cuts: Array<[number, number]> = [];
  const start = skipSpace(text, 0);
  if (text[start] !== "{") return text;
  scanObject(text, start, tree, cuts);
  if (cuts.length === 0) return text;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [from, to] of cuts) {
    out += text.slice(at, from);
    at = Math.max(at, to);
  }
  return out + text.slice(at);
}

function treeOf(paths: readonly (readonly string[])[]): PathTree {
  const root: PathTree = { remove: new Set(), children: new Map() };
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        node.remove.add(key);
        return;
      }
      let child = node.children.get(key);
      if (!child) {
        child = { remove: new Set(), children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    });
  }
  return root;
}

/** Scans the object at `open` (its `{`), recording cuts; returns the index after its `}`. */
function scanObject(text: string, open: number, tree: PathTree, cuts: Array<[number, number]>): number {
  const members: Member[] = [];
  let i = skipSpace(text, open + 1);
  if (text[i] === "}") return i + 1;
  for (;;) {
    if (text[i] !== '"') throw new SyntaxError(`Expected a member name at ${i}`);
    const keyStart = i;
    const keyEnd = skipString(text, i);
    const raw = text.slice(keyStart, keyEnd);
    const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    i = skipSpace(text, keyEnd);
    if (text[i] !== ":") throw new SyntaxError(`Expected ":" at ${i}`);
    const valueStart = skipSpace(text, i + 1);
    const child = tree.children.get(key);
    const valueEnd = child && text[valueStart] === "{" ? scanObject(text, valueStart, child, cuts) : skipValue(text, valueStart);
    members.push({ key, keyStart, valueStart, valueEnd });
    i = skipSpace(text, valueEnd);
    if (text[i] === ",") {
      i = skipSpace(text, i + 1);
      continue;
    }
    if (text[i] !== "}") throw new SyntaxError(`Expected "," or "}" at ${i}`);
    break;
  }
  const close = i;
  const removed = members.map((m) => tree.remove.has(m.key));
  if (removed.some(Boolean)) {
    if (removed.every(Boolean)) {
      cuts.push([open + 1, close]);
    } else {
      for (let k = 0; k < members.length; k++) {
        if (!removed[k]) continue;
        let end = k;
        while (end + 1 < members.length && removed[end + 1]) end++;
        if (k > 0) {
          // From the end of the kept member before the run to the end of the run.
          cuts.push([members[k - 1]!.valueEnd, members[end]!.valueEnd]);
        } else {
          // A leading run: up to the first kept member's name.
          cuts.push([members[0]!.keyStart, members[end + 1]!.keyStart]);
        }
        k = end;
      }
    }
  }
  return close + 1;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** Index after the string starting at `i` (its opening quote). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote === -1) throw new SyntaxError("Unterminated string");
    let backslashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** Index after the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    let j = i;
    for (;;) {
      const ch = text[j];
      if (ch === undefined) throw new SyntaxError("Unterminated value");
      if (ch === '"') {
        j = skipString(text, j);
        continue;
      }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
  }
  let j = i;
  while (j < text.length && !",}] \n\r\t".includes(text[j]!)) j++;
  if (j === i) throw new SyntaxError(`Expected a value at ${i}`);
  return j;
}
