/**
 * The vocabulary of invalidation: what a change bumps and what a cached answer depends on, as
 * member names of the project's authority (one Durable Object per project and environment).
 *
 * Every member holds the sequence number of the last event that bumped it. An answer is stored
 * with the sequence number the gateway knew when it asked the origin (its *snapshot*) and with
 * the members it depends on; it stays valid while none of those members moved past the snapshot
 * (`view.ts`). Four kinds of member, each scoped by stage and model (`*` = all):
 *
 * | member | bumped by | read by |
 * |---|---|---|
 * | `A|stage|model` | a model-level change: purge, project change, a change the gateway cannot pin to entries | every answer that depends on the model in the stage |
 * | `L|stage|model` | any change to an entry of the model in the stage | lists, connections, lookups that found nothing, model-level answers |
 * | `E|stage|model|id` | a change to that entry | answers that contain the entry (lookups by id or unique field, single references) |
 * | `R|stage|model` | a change that may move relations pointing at the model's entries | answers that reached an entry through a single reference |
 * | `Q|stage|hash` | a purge of that document (SHA-256 hex of its text as sent, as APQ's `sha256Hash`) | every answer of the document read in the stage, whatever its variables or permissions |
 *
 * A `stage` of `*` (a delete, a purge of every stage) is read together with each concrete stage;
 * a `model` of `*` only occurs in `A` members (a purge of every model). `Q|*|*` is bumped when the
 * authority forgets its document members (`state.ts`: at most `MAX_DOCUMENT_MEMBERS`): it stands
 * for every document, so forgetting one never lets an answer it invalidated come back.
 */

/** Stages or models: a list of names, or `"*"` for all of them. */
export type Scope = readonly string[] | "*";

/** What one event changed. */
export type Change =
  /** Everything of `models` in `stages`: every answer that may contain them. */
  | { kind: "model"; stages: Scope; models: Scope }
  /**
   * The entries `ids` of `model` in `stages`. `relations: false` only when the change provably
   * moved no relation (a create or update whose data has no relation input).
   */
  | { kind: "entries"; stages: Scope; model: string; ids: readonly string[]; relations: boolean }
  /** Every answer of the documents `hashes` (SHA-256 hex of their text) read in `stages`. */
  | { kind: "documents"; stages: Scope; hashes: readonly string[] };

/** A dependency of a cached answer, named by the most specific member it reads. */
export type Dependency = string;

const SEP = "|";

/** An answer listing or filtering `model` in `stage`: stale on any change to the model there. */
export function listDependency(stage: string, model: string): Dependency {
  return `L${SEP}${stage}${SEP}${model}`;
}

/** An answer containing entry `id` of `model` read in `stage`. */
export function entryDependency(stage: string, model: string, id: string): Dependency {
  return `E${SEP}${stage}${SEP}${model}${SEP}${id}`;
}

/** An answer that reached an entry of `model` in `stage` through a single reference. */
export function relationDependency(stage: string, model: string): Dependency {
  return `R${SEP}${stage}${SEP}${model}`;
}

/**
 * An answer of the document whose text (as sent) has this SHA-256 hex, read in `stage`: stale once
 * that document is purged (`POST …/purge {"documents": [...]}`).
 *
 * @example documentDependency("PUBLISHED", "ab12…"); // "Q|PUBLISHED|ab12…"
 */
export function documentDependency(stage: string, hash: string): Dependency {
  return `Q${SEP}${stage}${SEP}${hash}`;
}

/** The member that stands for every document member the authority forgot (see the module comment). */
export const EVERY_DOCUMENT = `Q${SEP}*${SEP}*`;

/**
 * Whether a member names one document's answers (such members are bounded in number, `state.ts`).
 *
 * @example isDocumentMember("Q|PUBLISHED|ab12…"); // true; isDocumentMember(EVERY_DOCUMENT) is false
 */
export function isDocumentMember(member: string): boolean {
  return member.charCodeAt(0) === 81 && member !== EVERY_DOCUMENT; // "Q"
}

/**
 * The member bumped by every change to the project's trusted documents (`documents-table.ts`): a
 * location whose view names a later number than its copy of the set fetches the set again. No
 * cached answer depends on it (its first letter is none of the four above).
 */
export const DOCUMENTS_MEMBER = "D|documents";

/** Whether a dependency or member names one entry (such members are only kept for a while). */
export function isEntryMember(member: string): boolean {
  return member.charCodeAt(0) === 69; // "E"
}

/**
 * The members a change bumps.
 *
 * @example
 * bumpedMembers({ kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: true });
 * // ["L|PUBLISHED|Post", "R|PUBLISHED|Post", "E|PUBLISHED|Post|p1"]
 * bumpedMembers({ kind: "model", stages: "*", models: ["Post"] }); // ["A|*|Post"]
 */
export function bumpedMembers(change: Change): string[] {
  const stages = change.stages === "*" ? ["*"] : [...new Set(change.stages)];
  const out: string[] = [];
  if (change.kind === "documents") {
    for (const s of stages) for (const hash of new Set(change.hashes)) out.push(documentDependency(s, hash));
    return out;
  }
  if (change.kind === "model") {
    const models = change.models === "*" ? ["*"] : [...new Set(change.models)];
    for (const s of stages) for (const m of models) out.push(`A${SEP}${s}${SEP}${m}`);
    return out;
  }
  for (const s of stages) {
    out.push(listDependency(s, change.model));
    if (change.relations) out.push(relationDependency(s, change.model));
    for (const id of new Set(change.ids)) out.push(entryDependency(s, change.model, id));
  }
  return out;
}

/**
 * The members whose movement invalidates an answer with this dependency: the member itself, its
 * every-stage form, and the model-level members of its stage and model.
 *
 * @example
 * checkedMembers("E|PUBLISHED|Post|p1");
 * // ["E|PUBLISHED|Post|p1", "E|*|Post|p1", "A|PUBLISHED|Post", "A|*|Post", "A|PUBLISHED|*", "A|*|*"]
 * checkedMembers("Q|PUBLISHED|ab12");
 * // ["Q|PUBLISHED|ab12", "Q|*|ab12", "Q|*|*", "A|PUBLISHED|*", "A|*|*"]
 */
export function checkedMembers(dependency: Dependency): string[] {
  const kind = dependency[0];
  const first = dependency.indexOf(SEP);
  const second = dependency.indexOf(SEP, first + 1);
  const stage = dependency.slice(first + 1, second);
  if (kind === "Q") {
    // A document names no model: its own members, and the project's everything-of-a-stage ones.
    const hash = dependency.slice(second + 1);
    const out = [dependency, `Q${SEP}*${SEP}${hash}`, EVERY_DOCUMENT, `A${SEP}${stage}${SEP}*`, `A${SEP}*${SEP}*`];
    return [...new Set(out)];
  }
  const third = dependency.indexOf(SEP, second + 1);
  const model = third === -1 ? dependency.slice(second + 1) : dependency.slice(second + 1, third);
  const rest = third === -1 ? "" : dependency.slice(third);
  const out = [dependency];
  if (stage !== "*") out.push(`${kind}${SEP}*${SEP}${model}${rest}`);
  out.push(`A${SEP}${stage}${SEP}${model}`, `A${SEP}*${SEP}${model}`, `A${SEP}${stage}${SEP}*`, `A${SEP}*${SEP}*`);
  return [...new Set(out)];
}

/** A list containing `"*"` means every name; duplicates and empty names are dropped. */
export function normalizeScope(scope: Scope): string[] | "*" {
  if (scope === "*") return "*";
  const names = [...new Set(scope.filter((name) => typeof name === "string" && name.length > 0))];
  return names.includes("*") ? "*" : names;
}

/**
 * A change in canonical form: scopes normalized, and an entries change that names no entry
 * widened to its model (when in doubt, the model). `null` when it bumps nothing (no stage or no
 * model).
 *
 * @example normalizeChange({ kind: "entries", stages: ["DRAFT"], model: "Post", ids: [], relations: false });
 * // { kind: "model", stages: ["DRAFT"], models: ["Post"] }
 */
export function normalizeChange(change: Change): Change | null {
  const stages = normalizeScope(change.stages);
  if (stages !== "*" && stages.length === 0) return null;
  if (change.kind === "documents") {
    const hashes = [...new Set(change.hashes.filter((hash) => typeof hash === "string" && hash.length > 0))];
    return hashes.length === 0 ? null : { kind: "documents", stages, hashes };
  }
  if (change.kind === "model") {
    const models = normalizeScope(change.models);
    if (models !== "*" && models.length === 0) return null;
    return { kind: "model", stages, models };
  }
  const ids = [...new Set(change.ids.filter((id) => typeof id === "string" && id.length > 0))];
  if (ids.length === 0) return { kind: "model", stages, models: [change.model] };
  return { kind: "entries", stages, model: change.model, ids, relations: change.relations };
}
