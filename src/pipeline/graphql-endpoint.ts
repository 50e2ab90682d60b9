import type { Context } from "hono";
import type { AuthorityView } from "../authority/view";
import { gatewayConfig, type GatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { GatewayError, GraphQLValidationError, PersistedQueryNotFoundError, ProjectNotFoundError, reasonOf } from "../errors";
import { trustedDocumentsFor } from "../authority/trusted-set";
import { assertTrusted, trustedOnly, unknownHashError } from "./trusted-documents";
import { parseGraphQLParams } from "../http/graphql-params";
import { negotiateMediaType, type GraphQLMediaType } from "../http/media-type";
import { authenticate } from "../auth/authenticate";
import { appsRecorderFor } from "../stats/apps-recorder";
import type { Principal } from "../auth/principal";
import { learnFromAnswer } from "../invalidation/answer";
import type { CachePlan } from "../invalidation/plan";
import { callOrigin, fetcherFor, type OriginAnswer } from "../origin/client";
import { originHeaders } from "../origin/headers";
import { canonicalJson } from "../platform/canonical-json";
import { logUnhandledError } from "../platform/error-log";
import { waitUntilOf, type WaitUntil } from "../platform/wait-until";
import { projectStore } from "../projects/store";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import { knownSchema, refreshSchema, type KnownSchema, type SchemaStoreDeps } from "../schema/store";
import { authorise, type AuthoriseDeps, type Authorised } from "./authorise";
import { decisionKey, memoizedDecision } from "./decision-memo";
import { serveContent } from "./content-cache";
import { parseOperation, type ParsedOperation } from "./parse-operation";
import { checkedOriginResponse } from "./origin-response";
import { knownPermissionsOf, permissionsOf } from "./permissions-of";
import { guardForwarded } from "../permissions/forward-guard";
import { withEntryChecks } from "./checked-origin";
import { contentCacheRuntime } from "./cache-runtime";
import { operationLabel } from "../stats/operations";
import { refusalOf } from "../stats/refusal";
import { notePriming } from "./fast-path";
import { runMutation, type LearnedMutationAnswer } from "./mutation-run";
import type { AuditRecord } from "../audit/event";
import { mutationRecord, rootFieldsOf } from "../audit/mutation-record";
import { ipFirewall, type IpFirewall } from "../policies/ip-rules";
import { originLimiter, type OriginLimiter } from "./origin-limits";
import { documentDependency } from "../authority/changes";

/** `/content` is the cached, read-only endpoint; `/v2` the regular read/write proxy (SPEC §1). */
export type Endpoint = "content" | "v2";

/** `project` is set by the API-policy middleware, which loads it first (`src/middleware/api-policies.ts`). */
export type GatewayEnv = { Bindings: Bindings; Variables: { mediaType: GraphQLMediaType; project?: ProjectConfig | null } };

/** What an endpoint can be built with besides its kind; tests replace the document rewrite or the forward guard. */
export type EndpointDeps = AuthoriseDeps & { guard?: typeof guardForwarded };

/** What every step of one request shares. */
interface RequestContext {
  endpoint: Endpoint;
  c: Context<GatewayEnv>;
  config: GatewayConfig;
  ref: ProjectRef;
  mediaType: GraphQLMediaType;
  waitUntil: WaitUntil;
  deps: EndpointDeps;
}

/**
 * The GraphQL endpoints. The request pipeline, in order:
 *
 *   parse → analyse → project → authenticate → authorise → cache (/content) → origin
 *
 * Every step throws a typed `GatewayError`; nothing reaches the origin before every operation of
 * the request has been parsed, checked and authorised.
 *
 * @example
 * app.all("/content/:projectId/:environment", graphqlEndpoint("content"));
 */
export function graphqlEndpoint(endpoint: Endpoint, deps: EndpointDeps = {}) {
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const config = await gatewayConfig(c.env);
    // Negotiate first, so every later error is rendered in a media type the client accepts.
    const mediaType = negotiateMediaType(c.req.header("accept"));
    c.set("mediaType", mediaType);
    const ctx: RequestContext = {
      endpoint,
      c,
      config,
      ref: { projectId: c.req.param("projectId")!, environment: c.req.param("environment")! },
      mediaType,
      waitUntil: waitUntilOf(c),
      deps,
    };

    // 1. Parse the GraphQL-over-HTTP request (URL, body, batch limits).
    const params = await parseGraphQLParams(c.req.raw, config.limits);
    const batch = Array.isArray(params) ? params : [params];
    // 3. The project (its configuration as of the location's view of the project's authority),
    // usually already loaded by the API policies in front of the endpoint; asked for earlier only
    // by a hash-only request (its text may be a trusted document).
    let loading: Promise<ProjectConfig | null> | undefined;
    const loadProject = (): Promise<ProjectConfig | null> => (loading ??= projectOf(ctx));
    const trusted = async (hash: string): Promise<string | undefined> =>
      (await loadProject()) ? trustedDocumentsFor(config.authority).text(ctx.ref, hash, ctx.waitUntil) : undefined;
    // 2. Analyse each document (trusted documents and APQ, syntax, limits, operation, read-only rule).
    let operations: ParsedOperation[];
    try {
      operations = await all(batch, (p) => parseOperation(p, endpoint === "content", config, c.req.raw, ctx.ref, trusted));
    } catch (error) {
      if (error instanceof PersistedQueryNotFoundError) {
        try {
          await refuseUnknownHash(error, await loadProject(), ctx);
        } catch (refusal) {
          countRefusal(refusal, ctx);
          throw refusal;
        }
      }
      throw error;
    }
    const project = await loadProject();
    if (!project) throw new ProjectNotFoundError(`No project ${ctx.ref.projectId}/${ctx.ref.environment} is configured here.`);
    let caller: Caller;
    let decisions: Decision[];
    try {
      // 4. Authenticate once per request, and fingerprint what the principal may see once.
      const principal = await authenticateCaller(project, ctx);
      const { fingerprint } = knownPermissionsOf(principal) ?? (await permissionsOf(principal));
      caller = { principal, fingerprint };
      // Trusted documents (SPEC §3c): before anything can reach the origin, the schema refresh included.
      if (trustedOnly(project.trustedDocuments, principal))
        await assertTrusted(operations, await trustedDocumentsFor(config.authority).hashes(ctx.ref, ctx.waitUntil));
      // 5. Authorise every operation before any reaches the origin.
      decisions = await all(operations, (op) => authoriseWithSchema(op, caller, project, ctx));
    } catch (error) {
      countRefusal(error, ctx);
      // A refused /v2 write is recorded too (SPEC §5a), by the principal when it is known.
      if (endpoint === "v2") recordRefusedMutations(operations, caller!, error, ctx);
      throw error;
    }
    // 6–7. Cache (on /content) and origin.
    const responses = await all(operations, (op, i) => execute(op, decisions[i]!, caller, project, ctx));
    if (!Array.isArray(params)) return responses[0]!;
    return batchResponse(responses);
  };
}

/** Step 3: the project, as the API policies loaded it, else from the store. */
async function projectOf(ctx: RequestContext): Promise<ProjectConfig | null> {
  const loaded = ctx.c.get("project");
  if (loaded !== undefined) return loaded;
  return projectStore({ kv: ctx.config.kv, authority: ctx.config.authority, waitUntil: ctx.waitUntil }).get(ctx.ref);
}

/** Step 4: public, PAT or JWT (`auth/authenticate.ts`). */
function authenticateCaller(project: ProjectConfig, ctx: RequestContext): Promise<Principal> {
  const { config } = ctx;
  return authenticate(ctx.c.req.raw, project, ctx.ref, {
    kv: config.kv,
    authority: config.authority,
    apps: appsRecorderFor(config.authority, { flushIntervalMs: config.stats.flushIntervalMs }),
    waitUntil: ctx.waitUntil,
    serviceOrigins: config.serviceOrigins,
  });
}

/**
 * A hash-only request whose hash is neither trusted nor registered: `403 DOCUMENT_NOT_TRUSTED`
 * when the project accepts only trusted documents from this caller (authenticated only to know
 * that, under `"public"`), else Apollo's `PERSISTED_QUERY_NOT_FOUND` as before.
 */
async function refuseUnknownHash(error: PersistedQueryNotFoundError, project: ProjectConfig | null, ctx: RequestContext): Promise<void> {
  const mode = project?.trustedDocuments;
  if (!project || mode === undefined || mode === "off") return;
  const principal: Pick<Principal, "kind"> = mode === "all" ? { kind: "public" } : await authenticateCaller(project, ctx);
  const refusal = unknownHashError(error, mode, principal);
  if (refusal !== error) throw refusal;
}

/** The authenticated principal and the fingerprint of its effective permissions (`permissions-of.ts`). */
interface Caller {
  principal: Principal;
  fingerprint: string;
}

/** An authorised operation, the memo key of its decision, and the schema it was decided with. */
interface Decision {
  allowed: Authorised;
  key: string;
  known: KnownSchema;
}

/** `Promise.all` over `items`, without the extra promise for the usual single operation. */
async function all<T, R>(items: readonly T[], run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (items.length === 1) return [await run(items[0]!, 0)];
  return Promise.all(items.map(run));
}

/** Step 5: authorise against the origin's schema, re-learning it once if the document names something new. */
async function authoriseWithSchema(op: ParsedOperation, caller: Caller, project: ProjectConfig, ctx: RequestContext): Promise<Decision> {
  const deps = schemaDeps(ctx.config);
  const headers = ctx.c.req.raw.headers;
  const { principal, fingerprint } = caller;
  const input = {
    document: op.document,
    operation: op.operation,
    operationName: op.params.operationName,
    variables: op.params.variables,
    principal,
    project,
    headers,
  };
  const known = await knownSchema(ctx.ref, project, deps, ctx.waitUntil);
  const decideWith = (schema: KnownSchema): Decision => {
    const key = decisionKey([
      fingerprint,
      schema.knowledge.schemaHash,
      project.defaultStage,
      project.defaultLocale,
      String(project.introspection),
      project.cache.invalidation ?? "entry",
      principal.defaultStage ?? "",
      headers.get("gcms-stage") ?? "",
      headers.get("gcms-locales") ?? "",
      op.params.operationName ?? "",
      canonicalJson(op.params.variables),
      op.params.query,
    ]);
    const decide = () => authorise({ ...input, known: schema }, ctx.deps);
    // A replaced rewrite (tests) must not share decisions with the real one.
    const allowed = ctx.deps.rewrite
      ? decide()
      : memoizedDecision(key, decide, (error) => error instanceof GatewayError && !isSchemaMiss(error));
    return { allowed, key, known: schema };
  };
  try {
    return decideWith(known);
  } catch (error) {
    // A field or type the known schema lacks may be a schema change at the origin.
    if (!isSchemaMiss(error)) throw error;
    const refreshed = await refreshSchema(ctx.ref, project, deps, "if-cooled-down");
    if (!refreshed || refreshed.knowledge.schemaHash === known.knowledge.schemaHash) throw error;
    return decideWith(refreshed);
  }
}

/** Whether analysis failed on a name the known schema lacks (possibly a schema change at the origin). */
function isSchemaMiss(error: unknown): boolean {
  const reason = error instanceof GraphQLValidationError ? error.extensions.reason : undefined;
  return reason === "field" || reason === "type";
}

/** The project's IP firewall when it has rules (the fast path checks every repeat's address). */
function activeFirewall(project: ProjectConfig): IpFirewall | undefined {
  const firewall = ipFirewall(project.ipRules);
  return firewall.active ? firewall : undefined;
}

/** Steps 6–7: the cache (for /content) in front of the origin; /v2 mutations invalidate. */
async function execute(
  op: ParsedOperation,
  decision: Decision,
  caller: Caller,
  project: ProjectConfig,
  ctx: RequestContext,
): Promise<Response> {
  const { allowed } = decision;
  const { principal } = caller;
  const extra: Record<string, string> = {};
  if (ctx.endpoint === "v2" && principal.userId) extra["gcms-user-id"] = principal.userId;
  const guard = ctx.deps.guard ?? guardForwarded;
  // The project's origin protection (SPEC §3c): only requests that go to the origin pass through
  // it, and it is built on the first of them, so a hit does not even look its gate up.
  let limiter: OriginLimiter | undefined;
  const limited: OriginLimiter = (call, followUp) => {
    limiter ??= originLimiter({
      ref: ctx.ref,
      project,
      principal,
      request: ctx.c.req.raw,
      authority: ctx.config.authority,
      originTimeoutMs: ctx.config.originTimeoutMs,
    });
    return limiter(call, followUp);
  };
  /**
   * Sends one document to the origin; what leaves is what was authorised (SPEC §3a). A follow-up
   * (an entry check) is the gateway's own read of authorised entries: a query, even after a mutation.
   */
  const send = async (query: string, followUp: boolean): Promise<OriginAnswer> => {
    const body = JSON.stringify({
      query,
      variables: followUp ? undefined : (op.params.variables ?? undefined),
      operationName: followUp ? undefined : (op.params.operationName ?? undefined),
    });
    const headers = originHeaders({
      client: ctx.c.req.raw.headers,
      stage: allowed.stage,
      locales: allowed.locales,
      originToken: project.originToken,
      extra,
    });
    // The exact body and headers, analysed again before they leave.
    const authorised = followUp ? { ...allowed, kind: "query" as const } : allowed;
    guard({ known: decision.known, project, authorised, body, headers });
    return limited(
      () =>
        callOrigin({
          url: project.origin,
          body,
          headers,
          timeoutMs: ctx.config.originTimeoutMs,
          fetch: fetcherFor(project.origin, ctx.config.serviceOrigins),
        }),
      followUp,
    );
  };
  const finish = async (answer: OriginAnswer): Promise<LearnedMutationAnswer> => {
    // Conditions at single-entry positions are checked entry by entry before anything is answered or cached.
    const checked = await withEntryChecks(answer, allowed, decision.known, op.params.operationName ?? null, (query) => send(query, true));
    // The client sees the answer without the identity fields; the cache learns from them.
    return learnFrom(checked, allowed.cache);
  };
  const fetchOrigin = async (): Promise<LearnedMutationAnswer> => finish(await send(allowed.query, false));

  if (ctx.endpoint === "content") {
    op.registerPersistedQuery?.(ctx.waitUntil);
    // The document's SHA-256 as sent (APQ's sha256Hash), computed once per text (parse-operation.ts):
    // the top operations' label (which the fast path remembers) and what `POST …/purge {"documents"}` names.
    const hash = await op.hash();
    const operation = operationLabel(hash, op.operation.name?.value);
    return serveContent(
      {
        ref: ctx.ref,
        settings: project.cache,
        request: ctx.c.req.raw,
        mediaType: ctx.mediaType,
        stage: allowed.stage,
        locales: allowed.locales,
        query: allowed.query,
        document: allowed.document,
        operationName: op.params.operationName,
        variables: op.params.variables,
        fingerprint: caller.fingerprint,
        shared: principal.kind === "public",
        dependencies: allowed.cache.staticDeps,
        documentDependency: documentDependency(allowed.stage, hash),
        // The decision key fixes the document, name, variables, fingerprint and everything decided.
        shapeKey: decision.key,
        operation,
      },
      fetchOrigin,
      {
        kv: ctx.config.kv,
        waitUntil: ctx.waitUntil,
        runtime: contentCacheRuntime(ctx.config.kv, ctx.config.stats),
        view: await viewOf(ctx),
        tier: ctx.config.tier,
        // A wait for another location's fetch never outlasts asking the origin oneself.
        tierWaitMs: Math.min(ctx.config.originTimeoutMs, 5_000),
        // A fresh hit primes the fast path for this request's exact repeats (fast-path.ts).
        onHit: (hit) =>
          notePriming(ctx.c.req.raw, {
            hit,
            ref: ctx.ref,
            origin: project.origin,
            principal,
            schemaHash: decision.known.knowledge.schemaHash,
            firewall: activeFirewall(project),
            operation,
          }),
      },
    );
  }

  countV2(allowed.kind === "mutation", ctx);
  if (allowed.kind !== "mutation") {
    const answer = await fetchOrigin();
    const { response } = checkedOriginResponse(answer, ctx.mediaType);
    response.headers.set("cache-control", "no-store");
    return response;
  }
  return runMutation({
    ref: ctx.ref,
    authority: ctx.config.authority,
    plan: allowed.cache,
    mediaType: ctx.mediaType,
    waitUntil: ctx.waitUntil,
    // The origin's deadline, and room to report after it.
    deadlineMs: ctx.config.originTimeoutMs + 15_000,
    send: () => send(allowed.query, false),
    finish,
    logUnexpected: (error) => logUnhandledError(error, ctx.c.req.raw, [ctx.c.env.ADMIN_TOKEN]),
    // The operation's own name: the request's `operationName` is only sent to choose among several.
    audit: mutationRecord(principal, op.operation.name?.value, rootFieldsOf(op.operation), allowed.writes),
  });
}

/**
 * The answer as the client must see it — identity fields stripped — with what it teaches: the
 * entries it contains (dependencies) and the ids of the entries mutations returned.
 */
function learnFrom(answer: OriginAnswer, plan: CachePlan): LearnedMutationAnswer {
  if (plan.positions.length === 0 && !plan.mutations.some((m) => m.identified)) return answer;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return answer; // not JSON: answered as an origin error, nothing to strip
  }
  const learned = learnFromAnswer(plan, answer.body, parsed);
  return { ...answer, body: learned.body, dependencies: learned.dependencies, mutationIds: learned.mutationIds };
}

/** The location's view of the project's authority (no I/O when this isolate confirmed it recently). */
async function viewOf(ctx: RequestContext): Promise<AuthorityView> {
  return ctx.config.authority.current(ctx.ref) ?? (await ctx.config.authority.view(ctx.ref, ctx.waitUntil));
}

/**
 * Records each mutation of a refused `/v2` request (outcome `refused`, the error's code and
 * reason), in the background: the refusal is answered at once, and the authority folds repeated
 * refusals of one kind into one event a minute (`audit/refusals.ts`), so a stranger's retries
 * cannot grow the log. Not authenticated (`caller` unset): the public actor, never the unverified
 * token's claims.
 */
function recordRefusedMutations(
  operations: readonly ParsedOperation[],
  caller: Caller | undefined,
  error: unknown,
  ctx: RequestContext,
): void {
  if (!(error instanceof GatewayError)) return;
  const principal: Principal = caller?.principal ?? { kind: "public", rules: [] };
  for (const op of operations) {
    if (op.operation.operation !== "mutation") continue;
    const base = mutationRecord(principal, op.operation.name?.value, rootFieldsOf(op.operation), []);
    const reason = reasonOf(error);
    const record: AuditRecord = {
      ...base,
      outcome: "refused",
      details: { ...base.details, result: "refused", code: error.code, reason, ...(caller ? {} : { authenticated: false }) },
    };
    ctx.waitUntil(ctx.config.authority.record(ctx.ref, record).catch(() => undefined));
  }
}

/** A 401 or 403 of a configured project counts in its traffic (not the cache-step outcomes). */
function countRefusal(error: unknown, ctx: RequestContext): void {
  const refusal = refusalOf(error);
  if (!refusal) return;
  const { stats } = contentCacheRuntime(ctx.config.kv, ctx.config.stats);
  stats.refuse(ctx.ref.projectId, ctx.ref.environment, refusal, (p) => ctx.waitUntil(p.catch(() => undefined)));
}

/** An authorised `/v2` operation counts in the project's traffic (`v2Requests`, and `mutations` for a write). */
function countV2(mutation: boolean, ctx: RequestContext): void {
  const { stats } = contentCacheRuntime(ctx.config.kv, ctx.config.stats);
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p.catch(() => undefined));
  stats.record(ctx.ref.projectId, ctx.ref.environment, "v2Requests", waitUntil);
  if (mutation) stats.record(ctx.ref.projectId, ctx.ref.environment, "mutations", waitUntil);
}

function schemaDeps(config: GatewayConfig): SchemaStoreDeps {
  return { kv: config.kv, serviceOrigins: config.serviceOrigins, originTimeoutMs: config.originTimeoutMs };
}

/** A JSON-array batch answers a JSON array of the operations' results, in order. */
async function batchResponse(responses: Response[]): Promise<Response> {
  const bodies = await Promise.all(responses.map((response) => response.text()));
  return new Response(`[${bodies.join(",")}]`, {
    status: 200,
    headers: { "content-type": responses[0]!.headers.get("content-type")!, "cache-control": "no-store" },
  });
}
