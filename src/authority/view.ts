/**
 * A location's copy of a project's authority state (the *view*), how sync answers are merged into
 * it, and how a cached answer is judged against it.
 *
 * A view only ever moves forward: numbers are merged by maximum, so a late or older answer (a
 * Cache API copy older than the isolate's, a delta arriving after a full sync) never undoes what
 * is already known.
 */
import { indexRevocations, NO_REVOCATIONS, type JwtRevocation, type RevocationIndex } from "../auth/jwt-revocations";
import type { PatRecord } from "../auth/pat-record";
import { EVERY_DOCUMENT, isDocumentMember, isEntryMember } from "./changes";
import type { SyncPayload, TokenState } from "./state";

export interface AuthorityView {
  /** Number of the last event this view includes. */
  seq: number;
  /** Entry members numbered at or below this were forgotten; see `isCurrent`. */
  floor: number;
  /** Member → number of its last bump. */
  members: Map<string, number>;
  configEpoch: number;
  tokens: { seq: number; revoked: Map<string, number>; recent: Map<string, PatRecord> };
  /** The project's JWT revocations, and the index every JWT request is checked against. */
  revocations: { seq: number; list: JwtRevocation[]; index: RevocationIndex };
}

/** A view that knows nothing: sequence 0, no members, configuration epoch 0. */
export function emptyView(): AuthorityView {
  return {
    seq: 0,
    floor: 0,
    members: new Map(),
    configEpoch: 0,
    tokens: { seq: 0, revoked: new Map(), recent: new Map() },
    revocations: { seq: 0, list: [], index: NO_REVOCATIONS },
  };
}

/**
 * Merges a sync answer into `view` (in place) and returns it.
 *
 * @example const view = mergeSync(emptyView(), await stub.sync(null));
 */
export function mergeSync(view: AuthorityView, payload: SyncPayload): AuthorityView {
  if (payload.full && payload.seq >= view.seq) {
    view.members = new Map(payload.members);
  } else {
    for (const [member, seq] of payload.members) if (!(seq <= (view.members.get(member) ?? 0))) view.members.set(member, seq);
  }
  view.seq = Math.max(view.seq, payload.seq);
  if (payload.members.some(([member]) => member === EVERY_DOCUMENT)) forgetSupersededDocuments(view);
  if (payload.floor > view.floor) {
    view.floor = payload.floor;
    // An entry member at or below the floor can no longer decide anything (see isCurrent).
    for (const [member, seq] of view.members) if (seq <= view.floor && isEntryMember(member)) view.members.delete(member);
  }
  view.configEpoch = Math.max(view.configEpoch, payload.configEpoch);
  if (payload.tokens && payload.tokens.seq >= view.tokens.seq) view.tokens = tokensOf(payload.tokens);
  // The whole list comes with every change: replacing it also drops what was lifted.
  const revocations = payload.revocations;
  if (revocations && revocations.seq >= view.revocations.seq)
    view.revocations = { seq: revocations.seq, list: revocations.list, index: indexRevocations(revocations.list) };
  return view;
}

/**
 * Drops document members numbered at or below `Q|*|*`: that member already invalidates every
 * answer they would (the authority forgot them when it bumped it, `state.ts`), so a location's
 * copy stays as bounded as the authority's.
 */
function forgetSupersededDocuments(view: AuthorityView): void {
  const every = view.members.get(EVERY_DOCUMENT);
  if (every === undefined) return;
  for (const [member, seq] of view.members) if (seq <= every && isDocumentMember(member)) view.members.delete(member);
}

function tokensOf(state: TokenState): AuthorityView["tokens"] {
  return { seq: state.seq, revoked: new Map(state.revoked), recent: new Map(state.recent) };
}

/** The whole view as a full sync answer (what the per-location Cache API copy stores). */
export function viewPayload(view: AuthorityView): SyncPayload {
  return {
    seq: view.seq,
    floor: view.floor,
    full: true,
    members: [...view.members],
    configEpoch: view.configEpoch,
    tokens: { seq: view.tokens.seq, revoked: [...view.tokens.revoked], recent: [...view.tokens.recent] },
    revocations: { seq: view.revocations.seq, list: view.revocations.list },
  };
}

/**
 * Whether an answer fetched with `snapshot` (the view's `seq` when the origin was asked) is still
 * current: none of the members in `checks` moved after the snapshot. An answer that depends on
 * entries and is older than what the view still remembers about entries (`snapshot < floor`)
 * cannot be judged and counts as not current.
 *
 * @example isCurrent(view, entry.snapshot, entry.checks, entry.dependsOnEntries)
 */
export function isCurrent(view: AuthorityView, snapshot: number, checks: readonly string[], dependsOnEntries: boolean): boolean {
  if (dependsOnEntries && snapshot < view.floor) return false;
  const members = view.members;
  for (let i = 0; i < checks.length; i++) {
    const seq = members.get(checks[i]!);
    if (seq !== undefined && seq > snapshot) return false;
  }
  return true;
}
