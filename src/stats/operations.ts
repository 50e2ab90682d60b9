/**
 * Top operations (issue 23): per hour bucket, the `/content` operations answered, by document
 * hash and operation name, with how many requests each had and how many of them went to the
 * origin. Bounded like the refusal labels: {@link MAX_OPERATIONS} per bucket, the rest under
 * {@link OTHER_LABEL}, so a client sending unique documents cannot grow a bucket. Pure functions.
 */
import { MAX_LABELS, OTHER_LABEL } from "./labels";

/** Distinct operations one (isolate's) hour bucket keeps. */
export const MAX_OPERATIONS = MAX_LABELS;
/** An operation name longer than this is cut (GraphQL names are not bounded; a bucket is). */
export const MAX_OPERATION_NAME = 128;

/** `"<64 hex>"` or `"<64 hex> <operation name>"`. */
const LABEL = /^[0-9a-f]{64}(?: [_A-Za-z][_0-9A-Za-z]*)?$/;

/** One row of the top operations, as `GET …/traffic` shows it. */
export interface TopOperation {
  /** SHA-256 (lowercase hex) of the query text as sent: what APQ's `sha256Hash` and `POST …/purge {"documents"}` take. */
  documentHash: string;
  operationName: string | null;
  requests: number;
  /** Of them, answered by the origin (MISS and BYPASS, failures included). */
  misses: number;
}

/**
 * The label an operation is counted under: its document's hash, and its name when it has one
 * (cut at {@link MAX_OPERATION_NAME}).
 *
 * @example operationLabel("ab…", "Posts"); // "ab… Posts"
 * @example operationLabel("ab…", undefined); // "ab…"
 */
export function operationLabel(documentHash: string, operationName: string | null | undefined): string {
  return operationName ? `${documentHash} ${operationName.slice(0, MAX_OPERATION_NAME)}` : documentHash;
}

/**
 * The `[requests, misses]` cell of an operation in a bucket's map, created on first use; a new
 * label beyond {@link MAX_OPERATIONS} gets the {@link OTHER_LABEL} cell instead. The fast path keeps
 * the cell it was given, so a repeat costs one increment.
 *
 * @example operationCell(bucket.operations, label)[0]! += 1;
 */
export function operationCell(operations: Record<string, number[]>, label: string): number[] {
  let cell = operations[label];
  if (cell) return cell;
  const key = Object.keys(operations).length < MAX_OPERATIONS || label === OTHER_LABEL ? label : OTHER_LABEL;
  cell = operations[key] ??= [0, 0];
  return cell;
}

/**
 * Adds another bucket's operations; `limit` bounds the distinct labels kept (merging for a read
 * may keep more than one isolate does: the read is transient and bounded by the buckets read).
 */
export function addOperations(into: Record<string, number[]>, from: Record<string, number[]>, limit = Infinity): void {
  for (const [label, [requests = 0, misses = 0]] of Object.entries(from)) {
    const key = Object.hasOwn(into, label) || Object.keys(into).length < limit ? label : OTHER_LABEL;
    const cell = (into[key] ??= [0, 0]);
    cell[0]! += requests;
    cell[1]! += misses;
  }
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n >= 0;

/**
 * A stored operations map read back: well-formed labels (or `(other)`) with two counts, at most
 * {@link MAX_OPERATIONS} of them plus `(other)`; anything else is dropped.
 *
 * @example parseOperations({ "<64 hex> Posts": [3, 1], "bad": [1, 1] }); // { "<64 hex> Posts": [3, 1] }
 */
export function parseOperations(raw: unknown): Record<string, number[]> {
  const operations: Record<string, number[]> = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return operations;
  for (const [label, value] of Object.entries(raw as Record<string, unknown>)) {
    if (label !== OTHER_LABEL && (label.length > 65 + MAX_OPERATION_NAME || !LABEL.test(label))) continue;
    if (!Array.isArray(value) || !isCount(value[0]) || !isCount(value[1])) continue;
    const cell = operationCell(operations, label);
    cell[0]! += value[0];
    cell[1]! += value[1];
  }
  return operations;
}

/**
 * The `limit` operations with the most `by` (requests, or misses), ties by label; `(other)` is
 * not an operation and is left out, as are operations with none of `by`.
 *
 * @example topOperations(merged, "misses", 10)[0]; // { documentHash, operationName, requests, misses }
 */
export function topOperations(operations: Record<string, number[]>, by: "requests" | "misses", limit: number): TopOperation[] {
  const column = by === "requests" ? 0 : 1;
  return Object.entries(operations)
    .filter(([label, cell]) => label !== OTHER_LABEL && cell[column]! > 0)
    .sort(([a, x], [b, y]) => y[column]! - x[column]! || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([label, [requests = 0, misses = 0]]) => {
      const space = label.indexOf(" ");
      return {
        documentHash: space === -1 ? label : label.slice(0, space),
        operationName: space === -1 ? null : label.slice(space + 1),
        requests,
        misses,
      };
    });
}
