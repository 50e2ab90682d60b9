import { Hono, type ErrorHandler } from "hono";
import { projectRoutes } from "./admin/projects";
import { purgeRoutes } from "./admin/purge";
import { projectPatchRoutes } from "./admin/project-patch";
import { webhookSecretRoutes } from "./admin/webhook-secret";
import { webhookDeliveryRoutes } from "./admin/webhook-deliveries";
import { statsRoutes } from "./admin/stats";
import { tokenRoutes } from "./admin/tokens";
import { gatewayConfig } from "./config/gateway-config";
import { GatewayError, NotFoundError } from "./errors";
import { errorResponse } from "./http/graphql-response";
import { adminAuth } from "./middleware/admin-auth";
import { adminRoles } from "./middleware/admin-roles";
import { adminAuthSettings } from "./operators/admin-settings";
import type { AdminEnv } from "./operators/identity";
import { operatorRoutes, whoamiRoute } from "./admin/operators";
import { projectListRoute } from "./admin/project-list";
import { deploymentAuditRoutes, projectAuditRoutes } from "./admin/audit";
import { appsRoutes } from "./admin/apps";
import { revocationRoutes } from "./admin/revocations";
import { documentRoutes } from "./admin/documents";
import { sameOriginWrites } from "./middleware/same-origin-writes";
import { consolePage } from "./console/page";
import { favicon } from "./console/favicon";
import { logUnhandledError } from "./platform/error-log";
import { graphqlEndpoint, type GatewayEnv } from "./pipeline/graphql-endpoint";
import { webhookRoutes } from "./webhooks/route";
import { schemaRoutes } from "./admin/schema";
import { explainRoutes } from "./admin/explain";
import { apiPolicies } from "./middleware/api-policies";
import { waitUntilOf } from "./platform/wait-until";
import { assertValidProjectRef } from "./projects/project-id";
import { projectStore } from "./projects/store";
import { explorerPage } from "./explorer/page";
import { landingPage, MAX_LISTED_PROJECTS } from "./landing/page";
import { publicProjects } from "./landing/public-projects";

/**
 * IP firewall, origin policy and CORS of the project a `/content` or `/v2` request addresses (its
 * configuration as of the location's view of the project's authority).
 */
const policies = apiPolicies({
  loadProject: async (c) => {
    const { kv, authority } = await gatewayConfig(c.env);
    return projectStore({ kv, authority, waitUntil: waitUntilOf(c) }).get({
      projectId: c.req.param("projectId")!,
      environment: c.req.param("environment")!,
    });
  },
});

/**
 * The admin API: same-origin writes only, then who is calling (admin token, operator token or
 * Cloudflare Access), then whether their role may do this (one table: middleware/admin-roles.ts).
 */
const adminApi = new Hono<AdminEnv>()
  .use("*", sameOriginWrites())
  .use("*", adminAuth({ settings: async (env) => adminAuthSettings(await gatewayConfig(env)) }))
  .use("*", adminRoles())
  // An id or environment outside [A-Za-z0-9_-]{1,64} is 400 before any route or store sees it (SPEC §3a).
  .use("/projects/:projectId/:environment/*", async (c, next) => {
    assertValidProjectRef({ projectId: c.req.param("projectId"), environment: c.req.param("environment") });
    await next();
  })
  .route("/whoami", whoamiRoute)
  .route("/operators", operatorRoutes)
  .route("/", deploymentAuditRoutes)
  .route("/projects", projectListRoute)
  .route("/projects", projectRoutes)
  .route("/projects", projectPatchRoutes)
  .route("/projects", webhookSecretRoutes)
  .route("/projects", webhookDeliveryRoutes)
  .route("/projects", tokenRoutes)
  .route("/projects", purgeRoutes)
  .route("/projects", statsRoutes)
  .route("/projects", schemaRoutes)
  .route("/projects", explainRoutes)
  .route("/projects", projectAuditRoutes)
  .route("/projects", revocationRoutes)
  .route("/projects", documentRoutes)
  .route("/projects", appsRoutes);

/**
 * The gateway: routes and the one place errors become responses. Every failure is a
 * `GatewayError` with a stable code, rendered as a GraphQL error body in the media type the client
 * negotiated; anything else is a 500 with a generic message and no stack trace, logged for the
 * operator with its message and stack but no credentials or request data (platform/error-log.ts).
 */
export const app = new Hono<GatewayEnv>()
  .get("/healthz", (c) => c.json({ ok: true }))
  // Asked by every browser on every page of the host: an icon instead of a 404.
  .get("/favicon.ico", favicon())
  // A browser opening the gateway gets a page linking every project's explorer, the console and
  // the docs; any other client the JSON 404 of an unknown route.
  .get(
    "/",
    landingPage<GatewayEnv>({
      listProjects: async (c) => {
        const gateway = await gatewayConfig(c.env);
        const store = projectStore({ kv: gateway.kv, authority: gateway.authority, waitUntil: waitUntilOf(c) });
        return publicProjects({ list: () => gateway.authority.directory.list(), get: (ref) => store.get(ref) }, MAX_LISTED_PROJECTS);
      },
    }),
  )
  // Policies first: a refused address or origin never reaches parsing, authentication or the origin.
  .use("/content/:projectId/:environment", policies)
  .use("/v2/:projectId/:environment", policies)
  // A browser opening an endpoint gets the explorer (GraphiQL) instead of a GraphQL error.
  .use("/content/:projectId/:environment", explorerPage({ endpoint: "content" }))
  .use("/v2/:projectId/:environment", explorerPage({ endpoint: "v2" }))
  // Every method reaches the endpoints so that PUT, DELETE, … get GraphQL-over-HTTP's 405 with `Allow`.
  .all("/content/:projectId/:environment", graphqlEndpoint("content"))
  .all("/v2/:projectId/:environment", graphqlEndpoint("v2"))
  // The console page holds no data: reachable without the token (issue 15). Its script and
  // stylesheet (/admin/assets/*), like the explorer's (/_explorer/*), are static assets: Workers
  // Static Assets answer those paths and never invoke the Worker (wrangler.toml's [assets]).
  .get("/admin", consolePage())
  // Every other /admin route changes or shows data (admin-api.ts).
  .route("/admin", adminApi)
  // Authenticated by the origin's gcms-signature, not by the admin token.
  .route("/webhooks", webhookRoutes());

app.notFound((c) => errorResponse(new NotFoundError(`No route for ${c.req.method} ${new URL(c.req.url).pathname}.`), "application/json"));

/** Renders every failure as a GraphQL error body in the media type the client negotiated. */
export const onGatewayError: ErrorHandler<GatewayEnv> = (error, c) => {
  if (!(error instanceof GatewayError)) logUnhandledError(error, c.req.raw, [c.env.ADMIN_TOKEN]);
  return errorResponse(error, c.get("mediaType") ?? "application/json");
};

app.onError(onGatewayError);
