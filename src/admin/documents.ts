import { Hono } from "hono";
import { gatewayConfig } from "../config/gateway-config";
import { BadRequestError, NotFoundError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { adminRecord, type AdminEnv } from "../operators/identity";
import { waitUntilOf } from "../platform/wait-until";
import { requireProject } from "../projects/require-project";
import type { ProjectRef } from "../projects/types";
import { isSha256Hex, MAX_DOCUMENTS_BODY_BYTES, validateDocumentUpload } from "./documents-input";

/** Hashes per page of `GET …/documents` (default 100). */
export const MAX_DOCUMENTS_PAGE = 1_000;

const refOf = (params: { projectId: string; environment: string }): ProjectRef => ({
  projectId: params.projectId,
  environment: params.environment,
});

/** `?limit=` as 1 to {@link MAX_DOCUMENTS_PAGE} (default 100), `?after=` as a hash or empty. */
function pageQuery(url: URL): { after: string; limit: number } {
  const after = url.searchParams.get("after") ?? "";
  if (after !== "" && !isSha256Hex(after))
    throw new BadRequestError("after must be a hash from a previous page's next.", { param: "after" });
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? 100 : Number(raw);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DOCUMENTS_PAGE)
    throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_DOCUMENTS_PAGE}.`, { param: "limit" });
  return { after: after.toLowerCase(), limit };
}

/**
 * Trusted documents (SPEC §3c, docs/trusted-documents.md) under
 * `/admin/projects/{projectId}/{environment}`:
 *
 * - `PUT …/documents` adds documents (`{"documents": [{"sha256", "query"}]}`, checked by
 *   `documents-input.ts`; a body of up to 8 MiB); documents held already stay, so pushing the same
 *   manifest again changes nothing. Answers `{ added, total }`.
 * - `GET …/documents?after=&limit=` pages through the hashes, in hash order (`next`: the `after` of
 *   the next page).
 * - `DELETE …/documents/{sha256}` removes one (`404` when not held).
 *
 * Each change is an event at the project's authority — stored, recorded in the audit log
 * (`documents.update`, `documents.delete`) and bumping what every location watches in one
 * transaction — so every location accepts or refuses accordingly within the view's bound.
 * Roles: GET viewer, PUT and DELETE editor (`middleware/admin-roles.ts`).
 */
export const documentRoutes = new Hono<AdminEnv>()
  .put("/:projectId/:environment/documents", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    const raw = await readJsonBody(c.req.raw, MAX_DOCUMENTS_BODY_BYTES, gateway.limits.maxJsonDepth);
    const documents = await validateDocumentUpload(raw, gateway.limits);
    await requireProject(gateway, ref, waitUntil);
    const audit = adminRecord(c, "documents.update", { count: documents.length });
    const { added, total } = await gateway.authority.putDocuments(ref, documents, waitUntil, audit);
    return c.json({ added, total }, 200, { "cache-control": "no-store" });
  })
  .get("/:projectId/:environment/documents", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const ref = refOf(c.req.param());
    const { after, limit } = pageQuery(new URL(c.req.url));
    await requireProject(gateway, ref, waitUntilOf(c));
    const page = await gateway.authority.listDocuments(ref, after, limit);
    const documents = page.documents.map((d) => ({ sha256: d.sha256, addedAt: new Date(d.addedAt).toISOString() }));
    return c.json({ documents, total: page.total, next: page.next }, 200, { "cache-control": "no-store" });
  })
  .delete("/:projectId/:environment/documents/:sha256", async (c) => {
    const gateway = await gatewayConfig(c.env);
    const waitUntil = waitUntilOf(c);
    const ref = refOf(c.req.param());
    const sha256 = c.req.param("sha256");
    if (!isSha256Hex(sha256))
      throw new BadRequestError("The document is named by its SHA-256: 64 hexadecimal characters.", { param: "sha256" });
    const hash = sha256.toLowerCase();
    await requireProject(gateway, ref, waitUntil);
    if (!(await gateway.authority.deleteDocument(ref, hash, waitUntil, adminRecord(c, "documents.delete", {}, hash))))
      throw new NotFoundError("No trusted document with this hash.");
    return c.body(null, 204);
  });
