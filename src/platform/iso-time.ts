/** ISO 8601 date, or date-time with seconds optional and an explicit zone (`Z` or `±hh:mm`). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 date or zoned date-time; `null` for anything else
 * (a date-time without a zone is ambiguous and refused).
 *
 * @example parseIsoTime("2030-01-01T00:00:00Z"); // 1893456000000
 * @example parseIsoTime("2030-01-01T00:00"); // null
 */
export function parseIsoTime(value: unknown): number | null {
  if (typeof value !== "string" || !ISO_8601.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
