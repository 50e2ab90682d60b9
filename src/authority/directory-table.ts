/**
 * The project directory: the names of every project authority that was ever given a
 * configuration, kept by one well-known object of the authority namespace (`directory.ts` names
 * it), so that a location can tell whether a project exists *without* asking — and so creating —
 * that project's own object (SPEC §3a: a request naming an unknown project creates nothing).
 *
 * Each name gets the next sequence number when it is first registered; a location asks for the
 * names registered after the last number it knows, so a sync is as small as what changed. Names
 * are only added (projects are never deleted): the table holds one row per configured project,
 * which only the admin API creates. Plain SQL in the object's SQLite database.
 */

/** An authority name is two encoded parts of at most 64 characters (5 per escaped unit) and a `/`. */
export const MAX_DIRECTORY_NAME_LENGTH = 2 * 64 * 5 + 1;

const TABLE = "project_directory";

/** What a location lacks: the names registered after `since`, and the number it now knows. */
export interface DirectoryPage {
  seq: number;
  names: string[];
}

/**
 * @example
 * const directory = new DirectoryTable(ctx.storage.sql);
 * directory.register("demo/master"); // 1
 * directory.since(0); // { seq: 1, names: ["demo/master"] }
 */
export class DirectoryTable {
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  /**
   * Adds a name (once); answers its sequence number.
   *
   * @throws Error for an empty name or one longer than {@link MAX_DIRECTORY_NAME_LENGTH}.
   */
  register(name: string): number {
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_DIRECTORY_NAME_LENGTH) throw new Error("not an authority name");
    this.prepare();
    const known = this.sql.exec<{ seq: number }>(`SELECT seq FROM ${TABLE} WHERE name = ?`, name).toArray()[0];
    if (known) return known.seq;
    const seq = this.last() + 1;
    this.sql.exec(`INSERT INTO ${TABLE} (name, seq) VALUES (?, ?)`, name, seq);
    return seq;
  }

  /** Whether a name is registered. */
  has(name: string): boolean {
    this.prepare();
    return this.sql.exec(`SELECT 1 FROM ${TABLE} WHERE name = ?`, name).toArray().length > 0;
  }

  /**
   * The names registered after `since` (in order), and the last number. A `since` beyond the last
   * number (a location that knew a directory this one is not) gets every name.
   */
  since(since: number): DirectoryPage {
    this.prepare();
    const last = this.last();
    const from = Number.isFinite(since) && since <= last ? since : 0;
    const rows = this.sql.exec<{ name: string }>(`SELECT name FROM ${TABLE} WHERE seq > ? ORDER BY seq`, from).toArray();
    return { seq: last, names: rows.map((row) => row.name) };
  }

  private last(): number {
    return this.sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM ${TABLE}`).one().seq ?? 0;
  }

  private prepare(): void {
    if (this.ready) return;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE) WITHOUT ROWID`);
    this.ready = true;
  }
}
