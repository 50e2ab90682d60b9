/**
 * The Configuration tab's logic, without a DOM: what an edit changes (a JSON merge patch, RFC
 * 7396, holding only what changed), how that reads as `field: old → new`, and which control a
 * server's `INVALID_CONFIG` field names. Unit-tested in test/console/config-diff.test.ts.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One changed field: a dotted path to a leaf (lists are one leaf), its value before and after (`undefined`: absent). */
export interface FieldChange {
  field: string;
  before: Json | undefined;
  after: Json | undefined;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function same(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The merge patch that turns `before` into `after`: changed members with their new value, removed
 * members as `null`, objects recursively, lists whole (RFC 7396 replaces a list). `{}` when
 * nothing changed. Configurations hold no `null` value, so `null` only ever means "remove".
 *
 * @example createMergePatch({ cache: { maxAge: 60, staleIfError: 86400 } }, { cache: { maxAge: 120, staleIfError: 86400 } }); // { cache: { maxAge: 120 } }
 * @example createMergePatch({ ipRules: { deny: ["10.0.0.0/8"] } }, {}); // { ipRules: null }
 */
export function createMergePatch(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (same(old, value)) continue;
    patch[key] = isObject(old) && isObject(value) ? createMergePatch(old, value) : value;
  }
  return patch;
}

/**
 * Every leaf that differs between `before` and `after`, in the order the fields appear.
 *
 * @example diffFields({ origin: "https://a/", cache: { maxAge: 60 } }, { origin: "https://a/", cache: { maxAge: 120 } }); // [{ field: "cache.maxAge", before: 60, after: 120 }]
 */
export function diffFields(before: JsonObject, after: JsonObject, prefix = ""): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key): FieldChange[] => {
    const [old, value] = [before[key], after[key]];
    if (same(old, value)) return [];
    const field = `${prefix}${key}`;
    if (isObject(old) && isObject(value)) return diffFields(old, value, `${field}.`);
    return [{ field, before: old, after: value }];
  });
}

/**
 * Every leaf of a configuration as `[field, value]` (lists are one leaf), for showing all of it.
 *
 * @example flattenFields({ origin: "https://a/", cache: { maxAge: 60 } }); // [["origin", "https://a/"], ["cache.maxAge", 60]]
 */
export function flattenFields(config: JsonObject, prefix = ""): Array<[string, Json]> {
  return Object.entries(config).flatMap(([key, value]): Array<[string, Json]> =>
    isObject(value) && Object.keys(value).length > 0 ? flattenFields(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

/**
 * A value as the diff and the field list show it: strings as they are, the rest as JSON.
 *
 * @example valueText(undefined); // "(absent)"
 * @example valueText(["*"]); // '["*"]'
 */
export function valueText(value: Json | undefined): string {
  if (value === undefined) return "(absent)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The control an `INVALID_CONFIG` error's `extensions.field` belongs to: the longest control path
 * that is the field or contains it (`roles.editor[0].model` → `roles`), else `null` (the error is
 * shown for the whole form).
 *
 * @example controlFor("ipRules.deny[2]", ["ipRules.allow", "ipRules.deny", "origin"]); // "ipRules.deny"
 * @example controlFor("(body)", ["origin"]); // null
 */
export function controlFor(field: string, controls: readonly string[]): string | null {
  let best: string | null = null;
  for (const control of controls) {
    const contains = field === control || field.startsWith(`${control}.`) || field.startsWith(`${control}[`);
    if (contains && (best === null || control.length > best.length)) best = control;
  }
  return best;
}
