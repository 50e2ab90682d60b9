import type { ProjectConfig } from "../projects/types";

/** The stage and locales a request reads, always told to the origin (SPEC §2). */
export interface RequestScope {
  stage: string;
  locales: string[];
}

/**
 * The request-level scope before the document is looked at (SPEC §2): the `gcms-stage` header,
 * else the token's default stage, else the project's; the `gcms-locales` header, else the
 * project's default locale. Arguments in the document (root `stage`, nested
 * `documentInStages(stages:)`) are resolved by document analysis on top of this.
 *
 * @example
 * headerScope(new Headers({ "gcms-locales": "de, en" }), project); // { stage: "PUBLISHED", locales: ["de", "en"] }
 */
export function headerScope(headers: Headers, project: ProjectConfig, tokenDefaultStage?: string): RequestScope {
  const stage = headers.get("gcms-stage")?.trim() || tokenDefaultStage || project.defaultStage;
  const locales = (headers.get("gcms-locales") ?? "")
    .split(",")
    .map((locale) => locale.trim())
    .filter(Boolean);
  return { stage, locales: locales.length > 0 ? locales : [project.defaultLocale] };
}
