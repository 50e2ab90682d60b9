/**
 * The console's only way to the gateway: the admin JSON API with `Authorization: Bearer <token>`.
 * The token lives in `sessionStorage` (this tab only, gone when it closes) — never in a URL, a
 * cookie or `localStorage` — and is sent nowhere but this origin.
 */

export interface Session {
  token: string;
  projectId: string;
  environment: string;
}

const SESSION_KEY = "content-edge.console.session";

export function loadSession(): Session | null {
  try {
    const raw = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null") as Partial<Session> | null;
    if (raw && typeof raw.token === "string" && typeof raw.projectId === "string" && typeof raw.environment === "string") {
      return { token: raw.token, projectId: raw.projectId, environment: raw.environment };
    }
  } catch {
    // a broken value is no session
  }
  return null;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
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

/**
 * Calls `/admin/projects/{p}/{e}{tail}`. JSON in, JSON out; `204` is `undefined`; any other
 * status is an {@link ApiError}.
 *
 * @example const stats = await api<Traffic>(session, "GET", "/traffic");
 */
export async function api<T>(session: Session, method: string, tail: string, body?: unknown): Promise<T> {
  const path = `/admin/projects/${encodeURIComponent(session.projectId)}/${encodeURIComponent(session.environment)}${tail}`;
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, "NOT_JSON", text.slice(0, 200));
  }
  if (!response.ok) {
    const first = (json as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> }).errors?.[0];
    const extensions = first?.extensions ?? {};
    throw new ApiError(response.status, String(extensions["code"] ?? "ERROR"), first?.message ?? response.statusText, extensions);
  }
  return json as T;
}
