import type { GraphQLMediaType } from "../http/media-type";
import type { OriginAnswer } from "../origin/client";
import type { CacheSettings, ProjectRef } from "../projects/types";
import { originResponse } from "./origin-response";

/** Everything the cache step needs to know about one authorised `/content` operation. */
export interface ContentCacheRequest {
  ref: ProjectRef;
  settings: CacheSettings;
  /** The client's request: method, `If-None-Match`, `hyg-stale-*` headers. */
  request: Request;
  mediaType: GraphQLMediaType;
  /** Effective root stage and locales (also sent to the origin). */
  stage: string;
  locales: string[];
  /** The document forwarded to the origin (conditions applied), its operation and variables. */
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
  /** Fingerprint of the caller's effective permissions (not the token). */
  fingerprint: string;
  /** True for the public principal: the answer may be stored by shared caches downstream. */
  shared: boolean;
  /** Models the answer may contain and stages it reads: the version vector of the key. */
  models: string[];
  stages: string[];
}

export interface ContentCacheDeps {
  kv: KVNamespace;
  waitUntil(promise: Promise<unknown>): void;
  now?: () => number;
}

/**
 * Serves one `/content` operation. (Pass-through until the edge cache is wired in: every answer
 * comes from the origin and says so with `x-cache: BYPASS`.)
 */
export async function serveContent(
  req: ContentCacheRequest,
  fetchOrigin: () => Promise<OriginAnswer>,
  _deps: ContentCacheDeps,
): Promise<Response> {
  const response = originResponse(await fetchOrigin(), req.mediaType);
  response.headers.set("x-cache", "BYPASS");
  response.headers.set("cache-control", "private, no-store");
  return response;
}
