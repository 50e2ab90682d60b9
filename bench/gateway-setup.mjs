/**
 * Configures the gateway through its admin API (SPEC §5): project `bench/master` on the benchmark
 * origin, public read of PUBLISHED content, and one PAT. Never throws for gateway answers: each
 * step returns `{ ok, reason }` so the run can report a scenario as failed and carry on.
 */
export const PROJECT_PATH = "/admin/projects/bench/master";

export const PROJECT_CONFIG = {
  origin: "https://demo-origin.internal/graphql",
  publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
  cache: { maxAge: 300, staleWhileRevalidate: 300, staleIfError: 86400 },
};

export const PAT_REQUEST = {
  name: "bench",
  permissions: [{ action: "read", model: "*", stages: "*", locales: "*" }],
};

const snippet = (text) => text.replace(/\s+/g, " ").slice(0, 240);

async function call(url, init) {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    return { status: 0, headers: new Headers(), text: `fetch failed: ${error.cause?.message ?? error.message}` };
  }
}

/** Creates the project and a PAT; `{ project: {ok, reason}, pat: {ok, token?, reason} }`. */
export async function configureGateway(baseUrl, adminToken) {
  const auth = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const put = await call(`${baseUrl}${PROJECT_PATH}`, { method: "PUT", headers: auth, body: JSON.stringify(PROJECT_CONFIG) });
  const project = put.status === 200 ? { ok: true } : { ok: false, reason: `PUT ${PROJECT_PATH} → ${put.status} ${snippet(put.text)}` };
  if (!project.ok) return { project, pat: { ok: false, reason: "project not configured" } };

  const created = await call(`${baseUrl}${PROJECT_PATH}/tokens`, { method: "POST", headers: auth, body: JSON.stringify(PAT_REQUEST) });
  let token = null;
  try {
    token = JSON.parse(created.text).token ?? null;
  } catch {
    // not JSON: no token, reported below with the status
  }
  const pat =
    created.status === 201 && typeof token === "string"
      ? { ok: true, token }
      : { ok: false, reason: `POST ${PROJECT_PATH}/tokens → ${created.status} ${snippet(created.text)}` };
  return { project, pat };
}

/**
 * Sends `request` `times` times and checks the last answer: its status must be `expectStatus`,
 * and if `expectCache` is given, its `x-cache` header must match. Returns what it saw.
 */
export async function probe(
  baseUrl,
  request,
  /** @type {{ expectStatus?: number; expectCache?: string; times?: number }} */ { expectStatus = 200, expectCache, times = 2 } = {},
) {
  let last;
  for (let i = 0; i < times; i++) {
    const body = typeof request.body === "function" ? request.body() : request.body;
    last = await call(`${baseUrl}${request.path}`, { method: request.method, headers: request.headers, body });
  }
  const xCache = last.headers.get("x-cache");
  /** @type {{ status: number; xCache: string | null; bytes: number; body: string; ok?: boolean; reason?: string; warning?: string }} */
  const seen = { status: last.status, xCache, bytes: Buffer.byteLength(last.text), body: last.text };
  if (last.status !== expectStatus) {
    return { ok: false, ...seen, reason: `expected ${expectStatus}, got ${last.status}: ${snippet(last.text)}` };
  }
  if (expectCache && xCache !== expectCache) {
    return { ok: true, ...seen, warning: `expected x-cache ${expectCache}, got ${xCache ?? "none"}` };
  }
  return { ok: true, ...seen };
}
