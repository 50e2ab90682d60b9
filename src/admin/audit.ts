import { Hono, type Context } from "hono";
import type { ChainVerdict } from "../audit/chain";
import type { AuditEvent } from "../audit/event";
import { MAX_AUDIT_LIMIT, parseAuditQuery, type AuditQuery } from "../audit/query";
import type { AuditPage } from "../audit/table";
import { gatewayConfig } from "../config/gateway-config";
import { parseAccept } from "../http/media-type";
import type { AdminEnv } from "../operators/identity";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";

const NDJSON = "application/x-ndjson";

/** A log's two reads, whichever object keeps it (a project's authority, or the directory for the deployment). */
interface AuditSource {
  list(query: AuditQuery): Promise<AuditPage>;
  verify(): Promise<ChainVerdict>;
}

/**
 * `GET …/audit` and `GET …/audit/verify` over one log (SPEC §5a): a page of events as JSON
 * (`{"events", "next"?}`, oldest first), or with `Accept: application/x-ndjson` every matching
 * event, one JSON object per line, streamed page by page (for SIEM ingestion: `limit` then caps
 * the pages, not the export).
 */
function auditRoutes(source: (c: Context<AdminEnv>) => Promise<AuditSource>) {
  return new Hono<AdminEnv>()
    .get("/audit", async (c) => {
      const query = parseAuditQuery(new URL(c.req.url).searchParams);
      const log = await source(c);
      if (!wantsNdjson(c.req.header("accept"))) return c.json(await log.list(query), 200, { "cache-control": "no-store" });
      const encoder = new TextEncoder();
      let after = query.after;
      let done = false;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (done) return controller.close();
          const page = await log.list({ ...query, limit: MAX_AUDIT_LIMIT, ...(after === undefined ? {} : { after }) });
          const lines = page.events.map((event: AuditEvent) => `${JSON.stringify(event)}\n`).join("");
          if (lines) controller.enqueue(encoder.encode(lines));
          if (page.next === undefined) done = true;
          else after = Number(page.next);
        },
      });
      return new Response(stream, { status: 200, headers: { "content-type": NDJSON, "cache-control": "no-store" } });
    })
    .get("/audit/verify", async (c) => c.json(await (await source(c)).verify(), 200, { "cache-control": "no-store" }));
}

/** Whether the client asked for NDJSON over JSON (RFC 9110 §12.5.1 weights; JSON wins a tie). */
function wantsNdjson(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const weight = (full: string) => Math.max(0, ...ranges.filter((r) => `${r.type}/${r.subtype}` === full).map((r) => r.q));
  return weight(NDJSON) > 0 && weight(NDJSON) > weight("application/json");
}

/** The project's log: `/admin/projects/{p}/{e}/audit`. Unknown project: 404 (its object is never created). */
export const projectAuditRoutes = new Hono<AdminEnv>().route(
  "/:projectId/:environment",
  auditRoutes(async (c) => {
    const gateway = await gatewayConfig(c.env);
    const ref = { projectId: c.req.param("projectId")!, environment: c.req.param("environment")! };
    await requireProject(gateway, ref, waitUntilOf(c));
    return { list: (query) => gateway.authority.listAudit(ref, query), verify: () => gateway.authority.verifyAudit(ref) };
  }),
);

/** The deployment's log (operators, project creation): `/admin/audit`. */
export const deploymentAuditRoutes = auditRoutes(async (c) => {
  const { deployment } = (await gatewayConfig(c.env)).authority;
  return { list: (query) => deployment.listAudit(query), verify: () => deployment.verifyAudit() };
});
