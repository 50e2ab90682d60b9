/**
 * The unit in which isolates report the third-party apps they served (SPEC §5a "apps seen"): one
 * isolate's *totals* per app for one UTC day. Totals, never increments, for the same reason as the
 * traffic buckets (`buckets.ts`): a retried or late flush can neither double count nor undo a newer
 * one, since the store keeps the larger total.
 *
 * Names and counts are bounded where they are counted: an app name longer than
 * {@link MAX_APP_NAME_LENGTH} is cut (and marked with `…`), and an isolate counts at most
 * {@link MAX_APPS_PER_DAY} apps per project and day, the rest together as {@link OTHER_APPS}.
 */

export const DAY_MS = 86_400_000;
/** Longer app names are cut to this many characters (the last one `…`). */
export const MAX_APP_NAME_LENGTH = 256;
/** Apps an isolate tells apart per project and day; any further app counts as {@link OTHER_APPS}. */
export const MAX_APPS_PER_DAY = 200;
/** Where the apps beyond a bound are counted (no app can be named so: it is not a URL, a client id is never that). */
export const OTHER_APPS = "(other)";

/** One app's totals in one isolate and day. Times are ms since the epoch. */
export interface AppTotals {
  app: string;
  firstSeen: number;
  lastSeen: number;
  requests: number;
}

/** One isolate's totals of one day: what a flush sends and the authority stores. */
export interface AppsDay {
  /** Start of the UTC day (ms). */
  day: number;
  apps: AppTotals[];
}

/** The UTC day `ms` falls in. @example dayOf(Date.UTC(2030, 0, 1, 15)) === Date.UTC(2030, 0, 1) */
export function dayOf(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The name an app is counted under: cut to {@link MAX_APP_NAME_LENGTH} characters.
 *
 * @example countedName("mobile"); // "mobile"
 */
export function countedName(app: string): string {
  return app.length <= MAX_APP_NAME_LENGTH ? app : `${app.slice(0, MAX_APP_NAME_LENGTH - 1)}…`;
}

/**
 * A day's totals as received from an isolate, checked (the authority trusts no caller's shape):
 * `null` when anything is off — not a day start, too many apps, a name too long or repeated, a time
 * outside its day, a count that is not a positive integer.
 *
 * @example parseAppsDay({ day: 0, apps: [{ app: "web", firstSeen: 5, lastSeen: 9, requests: 2 }] }); // the same
 */
export function parseAppsDay(raw: unknown): AppsDay | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { day, apps } = raw as { day?: unknown; apps?: unknown };
  if (typeof day !== "number" || !Number.isSafeInteger(day) || dayOf(day) !== day) return null;
  // One more than the isolate's bound: its OTHER_APPS line.
  if (!Array.isArray(apps) || apps.length > MAX_APPS_PER_DAY + 1) return null;
  const names = new Set<string>();
  const out: AppTotals[] = [];
  for (const item of apps as unknown[]) {
    if (typeof item !== "object" || item === null) return null;
    const { app, firstSeen, lastSeen, requests } = item as Record<string, unknown>;
    if (typeof app !== "string" || app === "" || app.length > MAX_APP_NAME_LENGTH || names.has(app)) return null;
    if (!isTime(firstSeen, day) || !isTime(lastSeen, day) || firstSeen > lastSeen) return null;
    if (typeof requests !== "number" || !Number.isSafeInteger(requests) || requests < 1) return null;
    names.add(app);
    out.push({ app, firstSeen, lastSeen, requests });
  }
  return { day, apps: out };
}

function isTime(value: unknown, day: number): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= day && value < day + DAY_MS;
}
