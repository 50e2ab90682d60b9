/**
 * The console's only way to the gateway: the admin JSON API. A token (the admin token or an
 * operator token) lives in `sessionStorage` (this tab only, gone when it closes) — never in a URL,
 * a cookie or `localStorage` — and is sent as `Authorization: Bearer` to this origin only. Behind
 * Cloudflare Access there may be no token at all: the browser's Access cookie goes with each
 * same-origin call and Cloudflare turns it into `Cf-Access-Jwt-Assertion` for the gateway.
 */

/** The credential of a signed-in tab: the whole session (the project comes from the URL, console/route.ts). */
export interface Credentials {
  /** `null`: signed in through Cloudflare Access, no token. */
  token: string | null;
}

/** A credential and the project and environment a panel works on. */
export interface Session extends Credentials {
  projectId: string;
  environment: string;
}

const SESSION_KEY = "content-edge.console.session";

/** The stored credential, or `null` (none, or not one this console wrote). */
export function loadSession(): Credentials | null {
  try {
    const raw = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null") as Partial<Credentials> | null;
    if (raw && (typeof raw.token === "string" || raw.token === null)) return { token: raw.token };
  } catch {
    // a broken value is no session
  }
  return null;
}

/** Keeps only the credential: which project is open is the URL's business. */
export function saveSession(credentials: Credentials): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: credentials.token }));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** A refused admin call: HTTP status, `extensions.code` and the other extensions. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** `/admin/projects/{p}/{e}{tail}`, each part encoded. */
export function projectPath(session: Session, tail = ""): string {
  return `/admin/projects/${encodeURIComponent(session.projectId)}/${encodeURIComponent(session.environment)}${tail}`;
}

/**
 * A raw admin call to `path` (absolute, under `/admin`). `credentials: "same-origin"` so that a
 * console behind Cloudflare Access carries the Access cookie (without it Access would stop the call
 * before the gateway); the gateway itself sets no cookie, and an explicit token wins over Access.
 */
export function adminFetch(session: Credentials, method: string, path: string, init: { body?: unknown; accept?: string } = {}) {
  const headers: Record<string, string> = { accept: init.accept ?? "application/json" };
  if (session.token !== null) headers["authorization"] = `Bearer ${session.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return fetch(path, {
    method,
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
    credentials: "same-origin",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
}

/** The {@link ApiError} of a refused answer (the GraphQL error body every admin route answers with). */
export async function apiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const json = JSON.parse(text) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> };
    const first = json.errors?.[0];
    const extensions = first?.extensions ?? {};
    return new ApiError(response.status, String(extensions["code"] ?? "ERROR"), first?.message ?? response.statusText, extensions);
  } catch {
    return new ApiError(response.status, "NOT_JSON", text.slice(0, 200));
  }
}

/**
 * Calls an admin route by its absolute path. JSON in, JSON out; `204` is `undefined`; any other
 * status is an {@link ApiError}.
 *
 * @example const { operators } = await adminApi<{ operators: Operator[] }>(session, "GET", "/admin/operators");
 */
export async function adminApi<T>(session: Credentials, method: string, path: string, body?: unknown): Promise<T> {
  const response = await adminFetch(session, method, path, { body });
  if (!response.ok) throw await apiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, "NOT_JSON", text.slice(0, 200));
  }
}

/**
 * Calls `/admin/projects/{p}/{e}{tail}` ({@link adminApi}).
 *
 * @example const stats = await api<Traffic>(session, "GET", "/traffic");
 */
export function api<T>(session: Session, method: string, tail: string, body?: unknown): Promise<T> {
  return adminApi<T>(session, method, projectPath(session, tail), body);
}
