/**
 * What a `config.update` event says changed (SPEC §5a): the names of the top-level fields whose
 * value differs, never a value — `originToken` and `webhookSecret` are secrets, and the rest can
 * name internal hosts. Compared as canonical JSON, so key order is not a change.
 */
import { canonicalJson } from "../platform/canonical-json";
import type { ProjectConfig } from "../projects/types";

/**
 * @example changedConfigFields({ ...a, defaultStage: "DRAFT" }, a); // ["defaultStage"]
 */
export function changedConfigFields(before: ProjectConfig | null, after: ProjectConfig): string[] {
  const old = (before ?? {}) as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  const names = new Set([...Object.keys(old), ...Object.keys(now)]);
  return [...names].filter((name) => canonicalJson(old[name] ?? null) !== canonicalJson(now[name] ?? null)).sort();
}
