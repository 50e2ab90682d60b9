/**
 * The audit log's query (`GET …/audit?since&until&action&actor&limit&cursor`, SPEC §5a), parsed
 * strictly once at the route: an unknown parameter, a repeated one or a bad value is
 * `400 BAD_REQUEST` naming it, never silently ignored (a typo in `action` must not list everything).
 */
import { BadRequestError } from "../errors";
import { assertOnlyParams } from "../http/query-params";
import { parseIsoTime } from "../platform/iso-time";
import { isAuditAction, type AuditAction } from "./event";

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1_000;
/** Longest `actor` value accepted (an e-mail, a token id, a JWT `sub`). */
const MAX_ACTOR_LENGTH = 512;
const PARAMS = new Set(["since", "until", "action", "actor", "limit", "cursor"]);

export interface AuditQuery {
  /** Events at or after (ms). */
  since?: number;
  /** Events before (ms). */
  until?: number;
  actions?: AuditAction[];
  /** Matches the actor's id, e-mail, `sub`, `azp`, `iss` or kind. */
  actor?: string;
  limit: number;
  /** Events after this one (the `next` of the previous page). */
  after?: number;
}

/**
 * Parses the audit query from a URL's search parameters.
 *
 * @example parseAuditQuery(new URLSearchParams("action=purge,token.revoke&limit=10")); // { actions: ["purge", "token.revoke"], limit: 10 }
 * @throws {BadRequestError} with `extensions.param` naming the offending parameter.
 */
export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  assertOnlyParams(params, PARAMS, "the audit log");
  const query: AuditQuery = { limit: DEFAULT_AUDIT_LIMIT };
  const since = params.get("since");
  if (since !== null) query.since = time(since, "since");
  const until = params.get("until");
  if (until !== null) query.until = time(until, "until");
  const action = params.get("action");
  if (action !== null) {
    const actions = action.split(",").map((a) => a.trim());
    actions.forEach((a) => {
      if (!isAuditAction(a)) throw new BadRequestError(`"${a}" is not an audit action.`, { param: "action" });
    });
    query.actions = [...new Set(actions as AuditAction[])];
  }
  const actor = params.get("actor");
  if (actor !== null) {
    if (actor === "" || actor.length > MAX_ACTOR_LENGTH)
      throw new BadRequestError("actor must be 1 to 512 characters.", { param: "actor" });
    query.actor = actor;
  }
  const limit = params.get("limit");
  if (limit !== null) {
    const n = /^\d{1,5}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_AUDIT_LIMIT))
      throw new BadRequestError(`limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}.`, { param: "limit" });
    query.limit = n;
  }
  const cursor = params.get("cursor");
  if (cursor !== null) {
    if (!/^[1-9]\d{0,15}$/.test(cursor))
      throw new BadRequestError("cursor is not one this log gave (use the previous page's next).", { param: "cursor" });
    query.after = Number(cursor);
  }
  return query;
}

function time(value: string, param: string): number {
  const ms = parseIsoTime(value);
  if (ms === null) throw new BadRequestError(`${param} must be an ISO 8601 time, e.g. 2026-12-07T09:00:00Z.`, { param });
  return ms;
}
