/**
 * Touches — the unit permissions are decided on — and the touches a mutation implies.
 *
 * Hygraph documents which actions a mutation needs besides its own ("Permissions" reference,
 * https://hygraph.com/docs/api-reference/basics/permissions, table "Different permission actions
 * might require other actions to fully work"):
 *
 * | action    | requires                                                                 |
 * |-----------|--------------------------------------------------------------------------|
 * | Create    | Read on Draft Stage and Default Locale + Create                          |
 * | Update    | Read on Draft Stage + Update                                             |
 * | Delete    | Read on All Stages + Delete + Unpublish on All Stages (except Draft)     |
 * | Publish   | Read on Draft Stage + Publish on Draft and To Stage                      |
 * | Unpublish | Read on All Stages + Unpublish on From Stage                             |
 *
 * The same page says "Read versions" grants access to the versions of a document: the `history`
 * field of an entry, which the analysis maps to `readVersion`.
 */
import type { Action } from "../projects/types";
import type { MutationKnowledge, SchemaKnowledge } from "../schema/knowledge";

/** One (action, model, stage, locale) a request needs; the shape of Hygraph's `failedActions`. */
export interface Touch {
  action: Action;
  model: string;
  stage: string;
  locale: string;
}

/** Write actions, in the order used when a mutation is unknown and must be assumed to do anything. */
export const WRITE_ACTIONS = ["create", "update", "delete", "publish", "unpublish"] as const;

/** A set of touches keyed by their fields, so repeated routes into a model count once. */
export class TouchSet {
  private readonly map = new Map<string, Touch>();

  add(action: Action, models: Iterable<string>, stages: Iterable<string>, locales: Iterable<string>): void {
    const stageList = [...stages];
    const localeList = [...locales];
    for (const model of models) {
      for (const stage of stageList) {
        for (const locale of localeList) {
          const key = touchKey({ action, model, stage, locale });
          if (!this.map.has(key)) this.map.set(key, { action, model, stage, locale });
        }
      }
    }
  }

  /** Sorted by action, model, stage, locale: stable output for tests, logs and error bodies. */
  list(): Touch[] {
    return [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  }
}

/** Canonical string of a touch; NUL cannot occur in GraphQL names, so keys never collide. */
export function touchKey(t: Touch): string {
  return `${t.action}\u0000${t.model}\u0000${t.stage}\u0000${t.locale}`;
}

export interface MutationScope {
  mapping: MutationKnowledge;
  /** Stage values of the mutation's `to` argument (publish), or its default. */
  to: string[];
  /** Stage values of the `from` argument (unpublish; publishMany's source stage). */
  from: string[];
  /** Other stage-typed arguments (unpublishMany's `stage`). */
  other: string[];
  /** Locales the mutation affects (its `locales` argument, or the request's locales). */
  locales: string[];
  /** True when the written data carries `localizations`, which can touch any locale. */
  writesLocalizations: boolean;
  /**
   * The project's default locale: a create's or update's top-level localized fields are written
   * in it (Hygraph: "Create: Read on Draft Stage and Default Locale"), and a publish publishes it
   * unless `withDefaultLocale: false`. Without it, a writer allowed only another locale could
   * overwrite the default one.
   */
  baseLocale?: string;
  /** A publish's `withDefaultLocale` (Hygraph's default `true`). */
  withDefaultLocale?: boolean;
}

/**
 * Adds the touches a mutation needs (its own action and Hygraph's required actions, table above)
 * and returns the stages and locales its returned selection is read in.
 *
 * @example
 * const touches = new TouchSet();
 * mutationTouches(knowledge, touches, { mapping: { action: "publish", model: "Post", many: false }, to: ["PUBLISHED"], from: [], other: [], locales: ["en"], writesLocalizations: false });
 * // touches: publish Post DRAFT+PUBLISHED en, read Post DRAFT en
 */
export function mutationTouches(
  knowledge: SchemaKnowledge,
  touches: TouchSet,
  scope: MutationScope,
): { stages: string[]; locales: string[] } {
  const draft = knowledge.draftStage;
  const allStages = knowledge.stages.length ? knowledge.stages : [draft];
  const allLocales = knowledge.locales.length ? knowledge.locales : scope.locales;
  const { action, model } = scope.mapping;
  if (action === null || model === null) {
    // Unknown mutation: it could write anything, anywhere. Only a principal allowed every write
    // action on every model, stage and locale may run it.
    for (const a of WRITE_ACTIONS) touches.add(a, knowledge.models, allStages, allLocales);
    touches.add("read", knowledge.models, allStages, allLocales);
    return { stages: allStages, locales: allLocales };
  }
  const withBase = (list: string[]) => (scope.baseLocale ? unique([...list, scope.baseLocale]) : list);
  const locales = scope.writesLocalizations ? allLocales : scope.locales;
  const m = [model];
  switch (action) {
    case "create":
    case "update":
    case "upsert": {
      // An upsert may create or update; it needs both.
      const acts: Action[] = action === "upsert" ? ["create", "update"] : [action];
      const written = withBase(locales);
      for (const a of acts) touches.add(a, m, [draft], written);
      touches.add("read", m, [draft], written);
      return { stages: [draft], locales };
    }
    case "delete": {
      // Deleting removes the entry from every stage and locale.
      touches.add("delete", m, allStages, allLocales);
      touches.add(
        "unpublish",
        m,
        allStages.filter((s) => s !== draft),
        allLocales,
      );
      touches.add("read", m, allStages, allLocales);
      return { stages: allStages, locales: allLocales };
    }
    case "publish": {
      const stages = unique([draft, ...scope.to]);
      touches.add("publish", m, stages, scope.withDefaultLocale === false ? locales : withBase(locales));
      const readStages = unique([draft, ...scope.from, ...scope.other]);
      touches.add("read", m, readStages, locales);
      return { stages: unique([...stages, ...readStages]), locales };
    }
    case "unpublish": {
      // Unpublishing without `locales` removes every localization (unpublishBase defaults to true).
      touches.add("unpublish", m, scope.from, allLocales);
      touches.add("read", m, allStages, allLocales);
      return { stages: allStages, locales: allLocales };
    }
  }
}

export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
