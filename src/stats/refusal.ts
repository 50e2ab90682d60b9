import { DocumentNotTrustedError, ForbiddenError, UnauthenticatedError } from "../errors";
import type { Refusal } from "./recorder";

/**
 * What the traffic view counts of an error: a `401 UNAUTHENTICATED` or `403 FORBIDDEN` with its
 * `extensions.reason` and (403) `failedActions`, and a `403 DOCUMENT_NOT_TRUSTED`; `undefined` for anything else (bad requests,
 * store or origin failures are not refusals).
 *
 * @example refusalOf(new ForbiddenError("…", { failedActions })); // { status: 403, code: "FORBIDDEN", failedActions }
 */
export function refusalOf(error: unknown): Refusal | undefined {
  // Trusted documents (SPEC §3c): what an operator watches when an attacker sends unique documents.
  if (error instanceof DocumentNotTrustedError) return { status: 403, code: error.code };
  if (!(error instanceof UnauthenticatedError) && !(error instanceof ForbiddenError)) return undefined;
  const { reason, failedActions } = error.extensions;
  return {
    status: error instanceof UnauthenticatedError ? 401 : 403,
    code: error.code,
    ...(typeof reason === "string" ? { reason } : {}),
    ...(Array.isArray(failedActions) ? { failedActions: failedActions as NonNullable<Refusal["failedActions"]> } : {}),
  };
}
