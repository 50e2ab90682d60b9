/**
 * The one way a project id and environment become part of a storage key, a Durable Object name or
 * an isolate map key (SPEC §3a: "keys built from them can never collide"). Each is encoded on its
 * own, and the encoding never produces the separators (`:` and `/`), so `(rt, x:y)` and
 * `(rt:x, y)` — or `(a/b, c)` and `(a, b/c)` — can never share a key, whatever the validation of
 * ids in front of it lets through.
 *
 * Ids and environments are `[A-Za-z0-9_-]{1,64}` (`project-id.ts`), which this encoding leaves as
 * they are: keys written before it existed are the same keys.
 */
import type { ProjectRef } from "./types";

/** Characters a key part keeps as they are: exactly those a valid id or environment may have. */
const PLAIN = /^[A-Za-z0-9_-]*$/;

/**
 * One key component: `[A-Za-z0-9_-]` kept, every other UTF-16 code unit as `%` and four hex
 * digits. Injective (a `%` always starts a five-character escape), never throws (unlike
 * `encodeURIComponent` on a lone surrogate), and never contains `:` or `/`.
 *
 * @example
 * encodeKeyPart("master"); // "master"
 * encodeKeyPart("x:y"); // "x%003ay"
 */
export function encodeKeyPart(part: string): string {
  if (PLAIN.test(part)) return part;
  let out = "";
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    const plain = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
    out += plain ? part[i] : `%${c.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/**
 * A project and environment as one key part, each encoded ({@link encodeKeyPart}) and joined by
 * `separator`: `:` inside Workers KV keys and isolate map keys, `/` in Durable Object names and URLs.
 *
 * @example
 * refKeyPart({ projectId: "demo", environment: "master" }, ":"); // "demo:master"
 * refKeyPart({ projectId: "rt:x", environment: "y" }, ":"); // "rt%003ax:y"
 */
export function refKeyPart(ref: ProjectRef, separator: ":" | "/"): string {
  return `${encodeKeyPart(ref.projectId)}${separator}${encodeKeyPart(ref.environment)}`;
}
