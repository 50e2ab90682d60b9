/**
 * The audit tab's decisions, kept pure (no DOM) so that test/console/audit-view.test.ts checks
 * them against the gateway's own query parser: the query a set of filters makes, how an actor and
 * a verification verdict read.
 */
import type { Actor } from "../src/audit/event";

/**
 * What `GET …/audit/verify` answers (src/audit/chain.ts `ChainVerdict`, not imported: that module
 * hashes, and the console only reads the verdict; the test checks the two agree).
 */
export type Verdict = { ok: true; count: number } | { ok: false; count: number; brokenAt: string | null; reason: string };

/** The audit tab's filters as the form holds them (empty: not filtered). */
export interface AuditFilters {
  action: string;
  actor: string;
  /** `datetime-local` values, read as UTC. */
  since: string;
  until: string;
}

/**
 * A `datetime-local` value (`YYYY-MM-DDTHH:MM[:SS]`, no zone) as ISO 8601 in UTC, as the console
 * works in UTC everywhere; `""` stays `""`.
 *
 * @example localToIso("2026-12-07T09:12"); // "2026-12-07T09:12:00Z"
 */
export function localToIso(value: string): string {
  if (value === "") return "";
  return /T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : `${value}Z`;
}

/**
 * The search part of `GET …/audit` for these filters, and the cursor of the page to load (the
 * previous page's `next`). Only filled filters are sent: the gateway refuses an empty or unknown
 * parameter rather than ignore it.
 *
 * @example auditSearch({ action: "purge", actor: "", since: "", until: "" }); // "?action=purge"
 */
export function auditSearch(filters: AuditFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.action) params.set("action", filters.action);
  const actor = filters.actor.trim();
  if (actor) params.set("actor", actor);
  if (filters.since) params.set("since", localToIso(filters.since));
  if (filters.until) params.set("until", localToIso(filters.until));
  if (cursor !== undefined) params.set("cursor", cursor);
  const search = params.toString();
  return search ? `?${search}` : "";
}

/**
 * Who acted, in a line: the e-mail or the id, else the JWT's user and app, else the kind; the
 * operator's role when it acted.
 *
 * @example actorText({ kind: "operator", email: "ana@example.com", role: "editor" }); // "ana@example.com · operator, editor"
 * @example actorText({ kind: "admin", role: "owner" }); // "admin token · owner"
 */
export function actorText(actor: Actor): string {
  const kind = actor.kind === "admin" ? "admin token" : actor.kind;
  const jwt = [actor.sub && `sub ${actor.sub}`, actor.azp && `app ${actor.azp}`, !actor.azp && actor.iss && `iss ${actor.iss}`].filter(
    Boolean,
  );
  const name = actor.email ?? actor.id ?? (jwt.length ? jwt.join(", ") : undefined);
  const role = actor.role ?? "";
  if (name === undefined) return role ? `${kind} · ${role}` : kind;
  return `${name} · ${[kind, role].filter(Boolean).join(", ")}`;
}

/**
 * An event's details in a line: `name: value` pairs, lists joined with commas, nested values as JSON.
 *
 * @example detailsText({ models: ["Post"], stages: "*", via: "admin-token" }); // "models: Post · stages: * · via: admin-token"
 */
export function detailsText(details: Record<string, unknown>): string {
  const value = (v: unknown): string =>
    Array.isArray(v) && v.every((item) => typeof item !== "object" || item === null)
      ? v.join(", ")
      : typeof v === "object" && v !== null
        ? JSON.stringify(v)
        : String(v);
  return Object.entries(details)
    .map(([name, v]) => `${name}: ${value(v)}`)
    .join(" · ");
}

/**
 * The verified badge: `ok` with the count, or where the chain breaks and why.
 *
 * @example verdictText({ ok: false, count: 4, brokenAt: "5", reason: "hash-mismatch" }); // { ok: false, text: "Chain broken at event 5 (hash-mismatch)" }
 */
export function verdictText(verdict: Verdict): { ok: boolean; text: string } {
  if (verdict.ok) return { ok: true, text: `Verified: ${verdict.count} event${verdict.count === 1 ? "" : "s"}, chain intact` };
  const where = verdict.brokenAt === null ? "after the last kept event" : `at event ${verdict.brokenAt}`;
  return { ok: false, text: `Chain broken ${where} (${verdict.reason}), ${verdict.count} verified before it` };
}
