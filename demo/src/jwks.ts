/**
 * A JSON Web Key Set server for gateway tests, active only with ORIGIN_INSTRUMENTATION "on":
 *
 * - `PUT /__origin/jwks/{name}` with a JWKS JSON body stores it (in this isolate's memory);
 * - `GET /__origin/jwks/{name}` serves it and counts the request;
 * - `GET /__origin/jwks/{name}/hits` answers `{ "hits": n }` (requests served so far, not
 *   counting itself), so a test can assert how often the gateway fetched the set;
 * - `GET /cdn-cgi/access/certs` serves the set named `access`: where Cloudflare Access publishes a
 *   team's keys, so a gateway with ACCESS_TEAM_DOMAIN = this origin's host verifies against it.
 *   Test files add their keys to it with `POST /__origin/jwks/access` (a body `{ "keys": [...] }`
 *   appended to the set), since they share it and a `PUT` of one would drop another's keys.
 *
 * Names are `[A-Za-z0-9_-]{1,100}`; an unknown name is 404 (and still counted).
 */

interface KeySet {
  jwks: unknown;
  hits: number;
}

const sets = new Map<string, KeySet>();
const MAX_SETS = 1000;
const PATH = /^\/__origin\/jwks\/([A-Za-z0-9_-]{1,100})(\/hits)?$/;

/** Handles a request whose path starts with `/__origin/jwks/`. */
export async function jwksApi(req: Request, url: URL): Promise<Response> {
  const match = PATH.exec(url.pathname);
  if (!match?.[1]) return Response.json({ error: "not found" }, { status: 404 });
  const name = match[1];
  if (match[2]) {
    if (req.method !== "GET") return new Response(null, { status: 405, headers: { allow: "GET" } });
    return Response.json({ hits: sets.get(name)?.hits ?? 0 });
  }
  if (req.method === "PUT") {
    let jwks: unknown;
    try {
      jwks = await req.json();
    } catch {
      return Response.json({ error: "body must be JSON" }, { status: 400 });
    }
    const current = sets.get(name);
    if (!current && sets.size >= MAX_SETS) sets.delete(sets.keys().next().value as string);
    sets.set(name, { jwks, hits: current?.hits ?? 0 });
    return Response.json({ stored: name });
  }
  if (req.method === "POST") {
    const body = (await req.json().catch(() => null)) as { keys?: unknown } | null;
    if (!Array.isArray(body?.keys)) return Response.json({ error: "body must be { keys: [...] }" }, { status: 400 });
    const current = sets.get(name);
    const keys = (current?.jwks as { keys?: unknown[] } | undefined)?.keys ?? [];
    if (!current && sets.size >= MAX_SETS) sets.delete(sets.keys().next().value as string);
    sets.set(name, { jwks: { keys: [...keys, ...body.keys] }, hits: current?.hits ?? 0 });
    return Response.json({ stored: name });
  }
  if (req.method === "GET") {
    const set = sets.get(name) ?? { jwks: undefined, hits: 0 };
    set.hits += 1;
    if (set.jwks === undefined) {
      sets.set(name, set);
      return Response.json({ error: "no such key set" }, { status: 404 });
    }
    return Response.json(set.jwks, { headers: { "content-type": "application/jwk-set+json", "cache-control": "no-store" } });
  }
  return new Response(null, { status: 405, headers: { allow: "GET, PUT, POST" } });
}
