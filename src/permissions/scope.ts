import { InvalidScopeValueError, type ScopeValueSource } from "../errors";
import type { ProjectConfig } from "../projects/types";
import type { SchemaKnowledge } from "../schema/knowledge";

/** The stage and locales a request reads, always told to the origin (SPEC §2). */
export interface RequestScope {
  stage: string;
  locales: string[];
}

/** The names a stage or locale may take: the origin's enum, or the project default when it has none. */
export interface ScopeNames {
  stages: readonly string[];
  locales: readonly string[];
}

/**
 * The stage and locale names of a project's origin (SPEC §3a): the members of its `Stage` and
 * `Locale` enums. An origin without such an enum has one stage or locale, the project default.
 *
 * @example
 * scopeNames(knowledge, project); // { stages: ["DRAFT", "PUBLISHED"], locales: ["en", "de"] }
 */
export function scopeNames(knowledge: SchemaKnowledge, project: ProjectConfig): ScopeNames {
  return {
    stages: knowledge.stageEnum ? knowledge.stages : [project.defaultStage],
    locales: knowledge.localeEnum ? knowledge.locales : [project.defaultLocale],
  };
}

/**
 * The request-level scope before the document is looked at (SPEC §2): the `gcms-stage` header,
 * else the token's default stage, else the project's; the `gcms-locales` header (comma-separated,
 * blanks between commas ignored), else the project's default locale. Every value, wherever it
 * came from, must be one of `names` (case-sensitive), or the request is refused before anything
 * reaches the origin. Arguments in the document are resolved by document analysis on top of this.
 *
 * @throws InvalidScopeValueError (400 `INVALID_STAGE` / `INVALID_LOCALE`) naming the header or setting.
 * @example
 * requestScope(new Headers({ "gcms-locales": "de, en" }), project, names); // { stage: "PUBLISHED", locales: ["de", "en"] }
 */
export function requestScope(headers: Headers, project: ProjectConfig, names: ScopeNames, tokenDefaultStage?: string): RequestScope {
  const header = headers.get("gcms-stage")?.trim();
  const stage = header
    ? member("stage", header, names.stages, { header: "gcms-stage" })
    : tokenDefaultStage
      ? member("stage", tokenDefaultStage, names.stages, { setting: "token.defaultStage" })
      : member("stage", project.defaultStage, names.stages, { setting: "project.defaultStage" });
  const listed = (headers.get("gcms-locales") ?? "")
    .split(",")
    .map((locale) => locale.trim())
    .filter(Boolean);
  const locales =
    listed.length > 0
      ? [...new Set(listed.map((locale) => member("locale", locale, names.locales, { header: "gcms-locales" })))]
      : [member("locale", project.defaultLocale, names.locales, { setting: "project.defaultLocale" })];
  return { stage, locales };
}

/** `value` when it is one of `allowed`; otherwise the 400 naming where it came from. */
export function member(kind: "stage" | "locale", value: string, allowed: readonly string[], source: ScopeValueSource): string {
  if (allowed.includes(value)) return value;
  throw new InvalidScopeValueError(kind, source, value, allowed);
}
