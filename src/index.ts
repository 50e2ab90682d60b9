import { app } from "./app";
import type { Bindings } from "./env";
import { drainUnreadBody } from "./http/body";

export { ProjectAuthority } from "./authority/object";

/**
 * The Worker entry point: the Hono app, then any request body no route read is discarded
 * (bounded) before the answer leaves, so the keep-alive connection it came on can carry the next
 * request (docs/http-edges.md). A GET has no body, so the hit path pays one property read.
 */
export default {
  async fetch(request, env, ctx) {
    const response = await app.fetch(request, env, ctx);
    if (request.body !== null) await drainUnreadBody(request);
    return response;
  },
} satisfies ExportedHandler<Bindings>;
