import type { Context } from "hono";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { gatewayConfig, type GatewayConfig } from "../config/gateway-config";
import type { Bindings } from "../env";
import { ProjectNotFoundError } from "../errors";
import { assertUrlWithinLimit } from "../http/body";
import { parseGraphQLParams, type GraphQLParams } from "../http/graphql-params";
import { negotiateMediaType, type GraphQLMediaType } from "../http/media-type";
import { checkDocumentLimits, parseDocument } from "../graphql/document";
import { assertMethodAllowsOperation, assertReadOnly, selectOperation } from "../graphql/operation";
import { callOrigin, fetcherFor } from "../origin/client";
import { originHeaders } from "../origin/headers";
import { kvProjectStore } from "../projects/store";
import type { ProjectConfig, ProjectRef } from "../projects/types";
import { originResponse } from "./origin-response";
import { headerScope } from "./scope";

/** `/content` is the cached, read-only endpoint; `/v2` the regular read/write proxy (SPEC §1). */
export type Endpoint = "content" | "v2";

export type GatewayEnv = { Bindings: Bindings; Variables: { mediaType: GraphQLMediaType } };

/** One GraphQL operation on its way through the pipeline. */
interface Operation {
  params: GraphQLParams & { query: string };
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/**
 * The GraphQL endpoints' request pipeline, in order:
 * parse → analyse → (authenticate → authorise → cache) → origin.
 *
 * @example
 * app.on(["GET", "POST"], "/content/:projectId/:environment", graphqlEndpoint("content"));
 */
export function graphqlEndpoint(endpoint: Endpoint) {
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const config = await gatewayConfig(c.env);
    const request = c.req.raw;
    // 1. Parse: negotiate first, so every later error is rendered in a media type the client accepts.
    const mediaType = negotiateMediaType(request.headers.get("accept"));
    c.set("mediaType", mediaType);
    assertUrlWithinLimit(request.url, config.limits.maxUrlBytes);
    const params = await parseGraphQLParams(request, config.limits);

    // 2. Analyse: every operation of a batch is checked before anything reaches the origin.
    const ref: ProjectRef = { projectId: c.req.param("projectId")!, environment: c.req.param("environment")! };
    const operations = (Array.isArray(params) ? params : [params]).map((p) => analyse(p, endpoint, request, ref, config));

    const project = await kvProjectStore(config.kv).get(ref);
    if (!project) throw new ProjectNotFoundError(`No project ${ref.projectId}/${ref.environment} is configured here.`);

    // 3–6. Forward each operation to the origin.
    if (!Array.isArray(params)) return forward(operations[0]!, request, project, config, mediaType);
    const answers = await Promise.all(operations.map((op) => forward(op, request, project, config, mediaType)));
    const bodies = await Promise.all(answers.map((answer) => answer.text()));
    return new Response(`[${bodies.join(",")}]`, { status: 200, headers: { "content-type": answers[0]!.headers.get("content-type")! } });
  };
}

function analyse(params: GraphQLParams, endpoint: Endpoint, request: Request, ref: ProjectRef, config: GatewayConfig): Operation {
  const document = parseDocument(params.query ?? "", config.limits);
  const { operation, kind } = selectOperation(document, params.operationName);
  checkDocumentLimits(document, operation, config.limits);
  if (endpoint === "content") {
    const v2 = new URL(`/v2/${encodeURIComponent(ref.projectId)}/${encodeURIComponent(ref.environment)}`, request.url);
    assertReadOnly(kind, request.method, v2.toString());
  } else {
    assertMethodAllowsOperation(kind, request.method);
  }
  return { params: { ...params, query: params.query ?? "" }, document, operation };
}

async function forward(
  op: Operation,
  request: Request,
  project: ProjectConfig,
  config: GatewayConfig,
  mediaType: GraphQLMediaType,
): Promise<Response> {
  const scope = headerScope(request.headers, project);
  const body = JSON.stringify({
    query: op.params.query,
    variables: op.params.variables ?? undefined,
    operationName: op.params.operationName ?? undefined,
  });
  const answer = await callOrigin({
    url: project.origin,
    body,
    headers: originHeaders({ client: request.headers, ...scope, originToken: project.originToken }),
    timeoutMs: config.originTimeoutMs,
    fetch: fetcherFor(project.origin, config.serviceOrigins),
  });
  return originResponse(answer, mediaType);
}
