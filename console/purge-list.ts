/**
 * The Purge tab's pasted list of entries, read in the browser before anything is sent: one
 * `Model id` or `Model:id` per line, or a JSON array of `{ "model", "id" }`. Every bad line is
 * reported with its number, and nothing is purged until the whole list reads. The gateway checks
 * the same rules again (src/admin/purge.ts, `POST …/purge {"entries"}`).
 */

export interface PurgeEntry {
  model: string;
  id: string;
}

/** One problem with the list: its 1-based line (`null`: the list as a whole) and what is wrong. */
export interface ListProblem {
  line: number | null;
  message: string;
}

/** At most this many entries in one purge: the gateway's MAX_PURGE_ENTRIES. */
export const MAX_LIST_ENTRIES = 100;
/** A list longer than this is not read at all (100 entries of the longest ids fit easily). */
export const MAX_LIST_CHARS = 64 * 1024;
/** At most this many problems are reported; the rest are counted. */
export const MAX_PROBLEMS = 20;

/** A model name (a GraphQL name). */
const MODEL = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** An entry id as the gateway takes it: printable ASCII, no spaces, 1 to 128 characters. */
const ENTRY_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Reads a pasted list. Blank lines and lines starting with `#` are skipped; a repeated entry is
 * kept once. With `models` (the models the gateway learned), a model not among them is a problem:
 * a typo would otherwise purge nothing and say nothing.
 *
 * @example parsePurgeList("Post p1\nAuthor:a1"); // { entries: [{ model: "Post", id: "p1" }, { model: "Author", id: "a1" }], problems: [] }
 * @example parsePurgeList("Post p1 extra").problems; // [{ line: 1, message: 'Line 1: expected "Model id" or "Model:id".' }]
 */
export function parsePurgeList(text: string, models?: readonly string[]): { entries: PurgeEntry[]; problems: ListProblem[] } {
  if (text.length > MAX_LIST_CHARS)
    return fail(null, `The list is longer than ${MAX_LIST_CHARS / 1024} KiB; purge at most ${MAX_LIST_ENTRIES} entries at once.`);
  const trimmed = text.trim();
  if (!trimmed) return fail(null, "The list is empty: paste one entry per line.");
  const read = trimmed.startsWith("[") ? fromJson(text) : fromLines(text);
  const problems = read.problems;
  const entries: PurgeEntry[] = [];
  const seen = new Set<string>();
  for (const { entry, line, where } of read.entries) {
    const problem = entryProblem(entry, models);
    if (problem) problems.push({ line, message: `${where}: ${problem}` });
    else if (!seen.has(`${entry.model}\n${entry.id}`)) {
      seen.add(`${entry.model}\n${entry.id}`);
      entries.push(entry);
    }
  }
  if (problems.length === 0 && entries.length > MAX_LIST_ENTRIES)
    problems.push({ line: null, message: `At most ${MAX_LIST_ENTRIES} entries at once; this list has ${entries.length}.` });
  if (problems.length === 0 && entries.length === 0) problems.push({ line: null, message: "The list names no entry." });
  return problems.length ? { entries: [], problems: bounded(problems) } : { entries, problems: [] };
}

/** The problems as lines to show: at most {@link MAX_PROBLEMS}, then how many more there are. */
function bounded(problems: ListProblem[]): ListProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { line: null, message: `… and ${problems.length - MAX_PROBLEMS} more problems.` }];
}

function fail(line: number | null, message: string) {
  return { entries: [], problems: [{ line, message }] };
}

interface Candidate {
  entry: PurgeEntry;
  line: number | null;
  /** How a problem names it: `Line 3` or `Item 2`. */
  where: string;
}

function fromLines(text: string): { entries: Candidate[]; problems: ListProblem[] } {
  const entries: Candidate[] = [];
  const problems: ListProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (!content || content.startsWith("#")) return;
    // "Post p1", "Post:p1", "Post: p1": the model, a colon or spaces, the id (which may hold colons).
    const match = /^([^\s:]+)\s*[:\s]\s*(\S+)$/.exec(content);
    if (!match) problems.push({ line, message: `Line ${line}: expected "Model id" or "Model:id".` });
    else entries.push({ entry: { model: match[1]!, id: match[2]! }, line, where: `Line ${line}` });
  });
  return { entries, problems };
}

function fromJson(text: string): { entries: Candidate[]; problems: ListProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorLine(text, error);
    return {
      entries: [],
      problems: [{ line, message: `${line === null ? "The list" : `Line ${line}`}: not valid JSON (${(error as Error).message}).` }],
    };
  }
  if (!Array.isArray(value))
    return { entries: [], problems: [{ line: null, message: 'A JSON list must be an array: [{ "model": "Post", "id": "…" }].' }] };
  const entries: Candidate[] = [];
  const problems: ListProblem[] = [];
  value.forEach((item: unknown, index) => {
    const where = `Item ${index + 1}`;
    const { model, id, ...rest } = (item ?? {}) as Record<string, unknown>;
    if (
      typeof item !== "object" ||
      item === null ||
      Array.isArray(item) ||
      Object.keys(rest).length > 0 ||
      typeof model !== "string" ||
      typeof id !== "string"
    )
      problems.push({ line: null, message: `${where}: expected { "model": "…", "id": "…" }.` });
    else entries.push({ entry: { model, id }, line: null, where });
  });
  return { entries, problems };
}

/** The line of a JSON syntax error, from the position the engine names (V8: `at position 12`, or `line 2 column 3`). */
function jsonErrorLine(text: string, error: unknown): number | null {
  const message = error instanceof Error ? error.message : "";
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? text.slice(0, Number(position[1])).split("\n").length : null;
}

/**
 * What is wrong with one entry, or `null`: its model must be a GraphQL name (and, with `models`,
 * one of them), its id 1 to 128 printable ASCII characters without spaces.
 *
 * @example entryProblem({ model: "Post", id: "a b" }); // '"a b" is not an entry id (1 to 128 printable characters, no spaces).'
 */
export function entryProblem(entry: PurgeEntry, models?: readonly string[]): string | null {
  if (!MODEL.test(entry.model)) return `"${short(entry.model)}" is not a model name.`;
  if (!ENTRY_ID.test(entry.id)) return `"${short(entry.id)}" is not an entry id (1 to 128 printable characters, no spaces).`;
  if (models && !models.includes(entry.model)) return `no model "${entry.model}" in the schema (${models.join(", ")}).`;
  return null;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A document hash as the purge takes it (lowercase SHA-256 hex of the query text, as APQ's
 * `sha256Hash`), or `null` for anything else. Surrounding spaces and capitals are forgiven.
 *
 * @example documentHash(" 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 "); // "9f86…0a08"
 * @example documentHash("posts"); // null
 */
export function documentHash(text: string): string | null {
  const hash = text.trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hash) ? hash : null;
}
