import { StoreUnavailableError } from "../errors";

/**
 * The `503 SERVICE_UNAVAILABLE` (`reason: authority-unavailable`, `Retry-After: 1`) of a call to a
 * project's authority, or to the project directory, that failed or took too long.
 *
 * @example throw authorityUnavailable();
 */
export function authorityUnavailable(): StoreUnavailableError {
  return new StoreUnavailableError(
    "The project's authority cannot be reached; try again shortly.",
    { reason: "authority-unavailable" },
    { "retry-after": "1" },
  );
}
