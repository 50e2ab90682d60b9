/**
 * Project ids and environment names (SPEC §3a): `[A-Za-z0-9_-]{1,64}`. Anything else is refused
 * where it enters — `400 INVALID_PROJECT_ID` at the admin API, and on the endpoints the same `404`
 * as a project that does not exist — before any store, authority or map is asked about it.
 */
import { InvalidProjectIdError } from "../errors";
import type { ProjectRef } from "./types";

/** What a project id or environment name may be. */
export const PROJECT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The parameter of `ref` that is not a valid name (the id first), or `null` when both are.
 *
 * @example
 * invalidProjectParam({ projectId: "rt", environment: "x:y" }); // "environment"
 * invalidProjectParam({ projectId: "demo", environment: "master" }); // null
 */
export function invalidProjectParam(ref: ProjectRef): "projectId" | "environment" | null {
  if (typeof ref.projectId !== "string" || !PROJECT_NAME.test(ref.projectId)) return "projectId";
  if (typeof ref.environment !== "string" || !PROJECT_NAME.test(ref.environment)) return "environment";
  return null;
}

/**
 * Whether `ref` names a project that could exist.
 *
 * @example isValidProjectRef({ projectId: "rt:x", environment: "y" }); // false
 */
export function isValidProjectRef(ref: ProjectRef): boolean {
  return invalidProjectParam(ref) === null;
}

/**
 * Throws `400 INVALID_PROJECT_ID` naming the parameter when `ref` is not valid (the admin API).
 *
 * @example assertValidProjectRef(c.req.param()); // throws for /admin/projects/rt/x:y
 */
export function assertValidProjectRef(ref: ProjectRef): void {
  const parameter = invalidProjectParam(ref);
  if (parameter !== null) throw new InvalidProjectIdError(parameter);
}
