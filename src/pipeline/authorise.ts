import { Kind, print, validate, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { Principal } from "../auth/principal";
import { ForbiddenError, GraphQLValidationError, UnauthenticatedError } from "../errors";
import { operationDocument, selectOperation } from "../graphql/operation";
import { analyseOperation } from "../permissions/analyse";
import { enforceConditions } from "../permissions/conditions";
import { conditionReads } from "../permissions/filter-conditions";
import type { EntryChecks } from "../permissions/entry-checks";
import { decide, grantsEverything } from "../permissions/decide";
import { requestScope, scopeNames } from "../permissions/scope";
import { checkScopeValues } from "../permissions/scope-values";
import type { Touch } from "../permissions/touches";
import type { ProjectConfig } from "../projects/types";
import type { KnownSchema } from "../schema/store";
import { augmentDocument } from "../invalidation/augment";
import { everyModelPlan, planCache, type CachePlan } from "../invalidation/plan";

/** What an allowed operation may do and read, and the document the origin gets. */
export interface Authorised {
  kind: "query" | "mutation" | "subscription";
  /** The document to forward: rule conditions AND-ed in, root stage and locales pinned. */
  query: string;
  /** The same document as parsed (what `query` prints): the cache key is made from it without parsing `query` again. */
  document: DocumentNode;
  /** Effective root stage and locales, sent as `gcms-stage` / `gcms-locales`. */
  stage: string;
  locales: string[];
  /** Models the answer may contain and the stages it reads. */
  readModels: string[];
  readStages: string[];
  /** Write touches (create, update, …). */
  writes: Touch[];
  /** Every touch allowed: what the forward guard holds the forwarded request to. */
  touches: Touch[];
  /** What the rule conditions AND-ed into the forwarded document read (the operator's filters): the guard allows these too. */
  conditionReads: Touch[];
  /** Unclassified fields (`Type.field`) let through for a principal that may do everything. */
  unclassified: string[];
  /** Entry checks of conditions at single-entry positions (permissions/entry-checks.ts), or `null`. */
  checks: EntryChecks | null;
  /**
   * What answers depend on and what mutations change (`src/invalidation/plan.ts`). `query` carries
   * the identity fields it asks for; answers are stripped of them before anyone sees them.
   */
  cache: CachePlan;
}

/** What `authorise` can be given besides its input: the document rewrite, replaceable in tests. */
export interface AuthoriseDeps {
  rewrite?: typeof enforceConditions;
}

export interface AuthoriseInput {
  known: KnownSchema;
  document: DocumentNode;
  /** The operation the request runs, chosen at parse (`selectOperation`); chosen here when absent. */
  operation?: OperationDefinitionNode;
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
export function authorise(input: AuthoriseInput, deps: AuthoriseDeps = {}): Authorised {
  const { known, document, principal, project } = input;
  const { knowledge, schema } = known;
  if (principal.kind === "public" && principal.rules.length === 0) {
    throw new UnauthenticatedError(
      "This project does not allow public access; send Authorization: Bearer <token>.",
      { reason: "public-access-disabled" },
      "invalid_request",
    );
  }
  // Every stage and locale value, from headers, defaults, arguments and variables, is a member of
  // the origin's enums before anything else looks at it (SPEC §3a).
  const names = scopeNames(knowledge, project);
  const defaults = { ...requestScope(input.headers, project, names, principal.defaultStage), baseLocale: project.defaultLocale };
  const operation = input.operation ?? selectOperation(document, input.operationName).operation;
  checkScopeValues({
    schema,
    stageEnum: knowledge.stageEnum,
    localeEnum: knowledge.localeEnum,
    names,
    document,
    operation,
    variables: input.variables,
  });
  validateAgainstSchema(known, document);

  const analysis = analyseOperation({ knowledge, schema, document, operation, variables: input.variables, defaults });
  if (!project.introspection && selectsIntrospection(analysis.operation, document)) {
    throw new ForbiddenError("Introspection is disabled for this project.", { reason: "INTROSPECTION_DISABLED" });
  }
  const everything = grantsEverything(principal.rules);
  const unclassified = analysis.unclassified;
  if (unclassified.length > 0 && !everything) {
    throw new ForbiddenError(
      `Not allowed: ${unclassified[0]!.field} is not a field the gateway can authorise (${unclassified[0]!.reason}).`,
      {
        reason: "UNCLASSIFIED_FIELD",
        field: unclassified[0]!.field,
        fields: unclassified.map((u) => u.field),
      },
    );
  }
  const decision = decide(principal.rules, analysis.touches);
  if (!decision.allowed) {
    const count = decision.failedActions.length;
    throw new ForbiddenError(
      `Not allowed: ${count} action${count === 1 ? "" : "s"} of this operation ${count === 1 ? "is" : "are"} not permitted.`,
      {
        failedActions: decision.failedActions,
      },
    );
  }
  const rewrite = deps.rewrite ?? enforceConditions;
  const { document: forwarded, checks } = rewrite({ knowledge, schema, document, analysis, conditions: decision.conditions });
  const reads = analysis.touches.filter((touch) => touch.action === "read" || touch.action === "readVersion");
  // An unclassified field can return anything: its answer depends on every model in every stage.
  const opaque = unclassified.length > 0;
  // Rule conditions decide what is delivered too: the models their filters reach are dependencies.
  const planned = planCache({
    knowledge,
    schema,
    document,
    analysis,
    mode: opaque ? "model" : (project.cache.invalidation ?? "entry"),
    conditions: decision.conditions,
  });
  const cache = opaque ? everyModelPlan(planned, knowledge.models, names.stages) : planned;
  const operationName = analysis.operation.name?.value ?? null;
  const sent = augmentDocument(operationDocument(forwarded, operationName), cache, operationName);
  return {
    kind: analysis.kind,
    // Identity fields (`id`, `__typename` under unused aliases) on entries already selected: no new touches.
    query: print(sent),
    document: sent,
    stage: analysis.stage,
    locales: analysis.locales,
    readModels: opaque ? [...knowledge.models] : analysis.readModels,
    readStages: opaque ? [...names.stages].sort() : [...new Set(reads.map((touch) => touch.stage))].sort(),
    writes: analysis.touches.filter((touch) => touch.action !== "read" && touch.action !== "readVersion"),
    touches: analysis.touches,
    conditionReads: conditionReads(knowledge, schema, decision.conditions),
    unclassified: unclassified.map((u) => u.field),
    checks,
    cache,
  };
}

/**
 * graphql-js validation of the whole document against the origin's schema: what is analysed is
 * exactly what the origin will execute. An unknown field or type keeps `extensions.reason`
 * `field` / `type`, so the pipeline can re-learn a schema that changed at the origin.
 */
function validateAgainstSchema(known: KnownSchema, document: DocumentNode): void {
  const [first] = validate(known.schema, document, undefined, { maxErrors: 1 });
  if (!first) return;
  const reason = /^Cannot query field /.test(first.message) ? "field" : /^Unknown type /.test(first.message) ? "type" : "validation";
  throw new GraphQLValidationError(first.message, { reason });
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
