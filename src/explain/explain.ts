/**
 * "Why was this refused or missed?" — the admin explain of one `/content` request (issue 15).
 *
 * It runs the pipeline's own steps in the pipeline's order — `parseOperation` (APQ aside: the
 * query is given), the hypothetical principal, `authorise` — and, for an allowed query, the cache
 * probe; every decision is the real function's, nothing is re-derived. It never contacts the
 * origin (the schema is the one already learned), never writes, and never counts in the stats.
 */
import type { PermissionRule } from "../projects/types";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import type { GatewayConfig } from "../config/gateway-config";
import { GatewayError, SchemaNotLearnedError } from "../errors";
import { grantingRules } from "../permissions/decide";
import { requestScope, scopeNames } from "../permissions/scope";
import type { Touch } from "../permissions/touches";
import { authorise } from "../pipeline/authorise";
import { contentCacheRuntime } from "../pipeline/cache-runtime";
import { parseOperation } from "../pipeline/parse-operation";
import { permissionsOf } from "../pipeline/permissions-of";
import { assertTrusted, trustedOnly } from "../pipeline/trusted-documents";
import { trustedDocumentsFor } from "../authority/trusted-set";
import { peekSchema, type KnownSchema } from "../schema/store";
import type { WaitUntil } from "../platform/wait-until";
import { probeContentCache, type CacheProbe } from "./cache-probe";
import type { ExplainInput } from "./input";
import { explainedPrincipal, type ExplainedPrincipal } from "./principal";

/** A touch and the rules that allow it (with their conditions: entries must satisfy one). */
export interface ExplainedTouch extends Touch {
  allowedBy: Array<{ source: string; condition?: Record<string, unknown> }>;
}

export type ExplainedDecision =
  | { allowed: true; status: 200; touches: ExplainedTouch[]; unclassified: string[] }
  | {
      allowed: false;
      /** The answer a client would get: status, `extensions.code` and the other extensions (`failedActions`, `reason`, `field`, …). */
      status: number;
      code: string;
      message: string;
      extensions: Record<string, unknown>;
      /** The pipeline step that refuses it. */
      step: "parse" | "authenticate" | "trusted-documents" | "authorise";
      note?: string;
    };

export interface Explanation {
  request: {
    path: string;
    query: string;
    operationName: string | null;
    variables: Record<string, unknown> | null;
    headers: Record<string, string>;
  };
  principal: (ExplainedPrincipal["summary"] & { rules: Array<{ source: string; rule: PermissionRule }> }) | null;
  schema: { schemaHash: string; fetchedAt: string };
  decision: ExplainedDecision;
  /** Effective stage and locales: after analysis when allowed, else from headers and defaults (when valid). */
  scope?: { stage: string; locales: string[]; readModels?: string[]; readStages?: string[]; from: "analysis" | "headers-and-defaults" };
  /** The document the origin would receive (conditions AND-ed in, stage and locales pinned). */
  forwarded?: string;
  cache?: CacheProbe;
}

/**
 * Explains `input` for the project. Refusals are part of the answer, not errors; only a missing
 * schema (`409 SCHEMA_NOT_LEARNED`) or an unreadable store (`503`) fails the explain itself.
 *
 * @example
 * const explanation = await explainRequest(input, { ref, project, config, baseUrl: c.req.url, now: Date.now(), waitUntil });
 * explanation.decision.allowed; explanation.cache?.outcome; // "HIT" | "STALE" | "MISS" | "BYPASS"
 */
export async function explainRequest(
  input: ExplainInput,
  ctx: { ref: ProjectRef; project: ProjectConfig; config: GatewayConfig; baseUrl: string; now: number; waitUntil: WaitUntil },
): Promise<Explanation> {
  const { ref, project, config } = ctx;
  const known = await peekSchema(ref, project, config.kv);
  if (!known)
    throw new SchemaNotLearnedError(
      "The origin's schema has not been learned for this project yet; refresh it (POST …/schema/refresh) and explain again.",
    );
  const path = `/content/${encodeURIComponent(ref.projectId)}/${encodeURIComponent(ref.environment)}`;
  const explanation: Omit<Explanation, "decision"> = {
    request: {
      path,
      query: input.query,
      operationName: input.operationName,
      variables: input.variables,
      headers: Object.fromEntries(input.headers),
    },
    principal: null,
    schema: { schemaHash: known.knowledge.schemaHash, fetchedAt: new Date(known.fetchedAt).toISOString() },
  };
  const refused = (error: unknown, step: "parse" | "authenticate" | "trusted-documents" | "authorise"): Explanation => {
    if (!(error instanceof GatewayError)) throw error;
    const { extensions } = error;
    const schemaMiss = extensions["reason"] === "field" || extensions["reason"] === "type";
    return {
      ...explanation,
      decision: {
        allowed: false,
        status: error.status,
        code: error.code,
        message: error.message,
        extensions,
        step,
        ...(schemaMiss
          ? { note: "A real request would first re-learn the schema from the origin once (at most every 30 s) and be decided again." }
          : {}),
      },
    };
  };

  // Step 2: parse and check the operation exactly as /content does (mutations are refused here).
  const request = new Request(new URL(path, ctx.baseUrl), { method: "POST", headers: input.headers });
  let op: Awaited<ReturnType<typeof parseOperation>>;
  try {
    op = await parseOperation(
      { query: input.query, variables: input.variables, operationName: input.operationName, extensions: null },
      true,
      config,
      request,
      ref,
    );
  } catch (error) {
    return refused(error, "parse");
  }
  // Step 4: the principal.
  let who: ExplainedPrincipal;
  try {
    who = await explainedPrincipal(
      input.principal,
      project,
      ref,
      { kv: config.kv, authority: config.authority, waitUntil: ctx.waitUntil },
      ctx.now,
    );
  } catch (error) {
    return refused(error, "authenticate");
  }
  explanation.principal = { ...who.summary, rules: who.principal.rules.map((rule, i) => ({ source: who.sources[i]!, rule })) };
  // Trusted documents (SPEC §3c), between authentication and authorisation as in the pipeline.
  if (trustedOnly(project.trustedDocuments, who.principal)) {
    try {
      await assertTrusted([op], await trustedDocumentsFor(config.authority).hashes(ref, ctx.waitUntil));
    } catch (error) {
      return refused(error, "trusted-documents");
    }
  }
  // Step 5: the decision.
  let allowed: ReturnType<typeof authorise>;
  try {
    allowed = authorise({
      known,
      document: op.document,
      operation: op.operation,
      operationName: input.operationName,
      variables: input.variables,
      principal: who.principal,
      project,
      headers: input.headers,
    });
  } catch (error) {
    const answer = refused(error, "authorise");
    const scope = headerScope(known, project, input.headers, who.principal.defaultStage);
    return scope ? { ...answer, scope } : answer;
  }
  const rules = who.principal.rules;
  const touches: ExplainedTouch[] = allowed.touches.map((touch) => ({
    ...touch,
    allowedBy: grantingRules(rules, touch).map((i) => ({
      source: who.sources[i]!,
      ...(rules[i]!.condition ? { condition: rules[i]!.condition } : {}),
    })),
  }));
  // Step 6: what the cache step would do now.
  const { fingerprint } = await permissionsOf(who.principal);
  const cache = await probeContentCache(
    {
      ref,
      settings: project.cache,
      request,
      mediaType: "application/json",
      stage: allowed.stage,
      locales: allowed.locales,
      query: allowed.query,
      document: allowed.document,
      operationName: input.operationName,
      variables: input.variables,
      fingerprint,
      shared: who.principal.kind === "public",
      dependencies: allowed.cache.staticDeps,
    },
    contentCacheRuntime(config.kv, config.stats),
    ctx.now,
    config.authority.current(ref) ?? (await config.authority.view(ref, ctx.waitUntil)),
  );
  return {
    ...explanation,
    decision: { allowed: true, status: 200, touches, unclassified: allowed.unclassified },
    scope: {
      stage: allowed.stage,
      locales: allowed.locales,
      readModels: allowed.readModels,
      readStages: allowed.readStages,
      from: "analysis",
    },
    forwarded: allowed.query,
    cache,
  };
}

/** The request-level stage and locales (headers, token default, project default), when they are valid. */
function headerScope(
  known: KnownSchema,
  project: ProjectConfig,
  headers: Headers,
  tokenDefaultStage: string | undefined,
): Explanation["scope"] | undefined {
  try {
    const scope = requestScope(headers, project, scopeNames(known.knowledge, project), tokenDefaultStage);
    return { ...scope, from: "headers-and-defaults" };
  } catch {
    return undefined;
  }
}
