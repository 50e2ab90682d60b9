import { Kind, print, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Principal } from "../auth/principal";
import { ForbiddenError, UnauthenticatedError } from "../errors";
import { analyseOperation } from "../permissions/analyse";
import { enforceConditions } from "../permissions/conditions";
import { decide } from "../permissions/decide";
import type { Touch } from "../permissions/touches";
import type { ProjectConfig } from "../projects/types";
import type { KnownSchema } from "../schema/store";
import { headerScope } from "./scope";

/** What an allowed operation may do and read, and the document the origin gets. */
export interface Authorised {
  kind: "query" | "mutation" | "subscription";
  /** The document to forward: rule conditions AND-ed in, root stage and locales pinned. */
  query: string;
  /** Effective root stage and locales, sent as `gcms-stage` / `gcms-locales`. */
  stage: string;
  locales: string[];
  /** Models the answer may contain and the stages it reads (the cache key's version vector). */
  readModels: string[];
  readStages: string[];
  /** Write touches (create, update, …): what a successful `/v2` mutation invalidates. */
  writes: Touch[];
}

export interface AuthoriseInput {
  known: KnownSchema;
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown> | null;
  principal: Principal;
  project: ProjectConfig;
  headers: Headers;
}

/**
 * Decides one operation (SPEC §2): resolves the stage and locales it reads (argument → `gcms-*`
 * header → token default → project default), lists every (action, model, stage, locale) it
 * touches, and allows it only when the principal's rules cover every one. Pure: no I/O, so it
 * cannot fail open on a store error.
 *
 * @throws UnauthenticatedError (401) when the request is public and the project allows no public access.
 * @throws ForbiddenError (403) with `extensions.failedActions` listing each refused touch, or with
 *   `extensions.reason` `INTROSPECTION_DISABLED` / `CONDITION_UNENFORCEABLE`.
 * @example
 * const allowed = authorise({ known, document, operationName: null, variables: null, principal, project, headers });
 * allowed.query; // 'query { posts(stage: PUBLISHED, locales: [en]) { title } }'
 */
export function authorise(input: AuthoriseInput): Authorised {
  const { known, document, principal, project } = input;
  if (principal.kind === "public" && principal.rules.length === 0) {
    throw new UnauthenticatedError(
      "This project does not allow public access; send Authorization: Bearer <token>.",
      { reason: "public-access-disabled" },
      "invalid_request",
    );
  }
  const defaults = { ...headerScope(input.headers, project, principal.defaultStage), baseLocale: project.defaultLocale };

  const analysis = analyseOperation({
    knowledge: known.knowledge,
    schema: known.schema,
    document,
    operationName: input.operationName,
    variables: input.variables,
    defaults,
  });
  if (!project.introspection && selectsIntrospection(analysis.operation, document)) {
    throw new ForbiddenError("Introspection is disabled for this project.", { reason: "INTROSPECTION_DISABLED" });
  }
  const decision = decide(principal.rules, analysis.touches);
  if (!decision.allowed) {
    const count = decision.failedActions.length;
    throw new ForbiddenError(`Not allowed: ${count} action${count === 1 ? "" : "s"} of this operation ${count === 1 ? "is" : "are"} not permitted.`, {
      failedActions: decision.failedActions,
    });
  }
  const forwarded = enforceConditions({
    knowledge: known.knowledge,
    schema: known.schema,
    document,
    analysis,
    conditions: decision.conditions,
  });
  const reads = analysis.touches.filter((touch) => touch.action === "read" || touch.action === "readVersion");
  return {
    kind: analysis.kind,
    query: print(forwarded),
    stage: analysis.stage,
    locales: analysis.locales,
    readModels: analysis.readModels,
    readStages: [...new Set(reads.map((touch) => touch.stage))].sort(),
    writes: analysis.touches.filter((touch) => touch.action !== "read" && touch.action !== "readVersion"),
  };
}

/** Whether the operation reaches `__schema` or `__type` (introspection), through fragments too. */
function selectsIntrospection(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === "__schema" || selection.name.value === "__type";
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      return fragment ? visit(fragment) : false;
    });
  return visit(operation.selectionSet);
}
