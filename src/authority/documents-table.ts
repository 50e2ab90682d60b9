/**
 * A project's trusted documents (SPEC §3c, docs/trusted-documents.md), kept by the project's
 * authority in its SQLite database: one row per document, keyed by the SHA-256 (hex) of its exact
 * text, so a lookup by hash is one primary-key read. The admin route has checked every hash
 * against its text before anything reaches here (`admin/documents.ts`); the table only bounds
 * how many a project holds ({@link MAX_TRUSTED_DOCUMENTS}).
 */

/** The most documents a project may hold: the set every location keeps in memory stays small (5,000 × 64 hex). */
export const MAX_TRUSTED_DOCUMENTS = 5_000;

const TABLE = "trusted_documents";

/** One document as uploaded: its hash (64 lower-case hex) and exact text. */
export interface TrustedDocument {
  sha256: string;
  query: string;
}

/** One page of hashes, in hash order; `next` is the last hash of the page when more follow. */
export interface DocumentPage {
  documents: Array<{ sha256: string; addedAt: number }>;
  total: number;
  next: string | null;
}

/**
 * @example
 * const table = new DocumentsTable(ctx.storage.sql, Date.now);
 * const { fresh } = table.plan([{ sha256, query }]);
 * table.insert(fresh);
 * table.get(sha256); // query
 */
export class DocumentsTable {
  private ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /**
   * What adding `documents` would do, without writing: the ones not held yet (a hash held already
   * is the same text), or `limit` when the project would then hold more than
   * {@link MAX_TRUSTED_DOCUMENTS}.
   */
  plan(documents: readonly TrustedDocument[]): { status: "ok" | "limit"; fresh: TrustedDocument[]; total: number } {
    this.prepare();
    const seen = new Set<string>();
    const fresh = documents.filter((doc) => !seen.has(doc.sha256) && seen.add(doc.sha256) && !this.has(doc.sha256));
    const total = this.count();
    if (total + fresh.length > MAX_TRUSTED_DOCUMENTS) return { status: "limit", fresh: [], total };
    return { status: "ok", fresh, total: total + fresh.length };
  }

  /** Stores documents {@link plan} found fresh; run inside the caller's transaction. */
  insert(documents: readonly TrustedDocument[]): void {
    this.prepare();
    const at = this.now();
    for (const doc of documents)
      this.sql.exec(`INSERT INTO ${TABLE} (sha256, query, added_at) VALUES (?, ?, ?)`, doc.sha256, doc.query, at);
  }

  /** Removes one document; run inside the caller's transaction. */
  delete(sha256: string): void {
    this.prepare();
    this.sql.exec(`DELETE FROM ${TABLE} WHERE sha256 = ?`, sha256);
  }

  /** Whether a document is held. */
  has(sha256: string): boolean {
    this.prepare();
    return this.sql.exec(`SELECT 1 FROM ${TABLE} WHERE sha256 = ?`, sha256).toArray().length > 0;
  }

  /** A document's text, `null` when it is not trusted. */
  get(sha256: string): string | null {
    this.prepare();
    return this.sql.exec<{ query: string }>(`SELECT query FROM ${TABLE} WHERE sha256 = ?`, sha256).toArray()[0]?.query ?? null;
  }

  /** Every hash (at most {@link MAX_TRUSTED_DOCUMENTS}): what a location keeps in memory. */
  hashes(): string[] {
    this.prepare();
    return this.sql
      .exec<{ sha256: string }>(`SELECT sha256 FROM ${TABLE}`)
      .toArray()
      .map((row) => row.sha256);
  }

  /** Hashes after `after` (exclusive), at most `limit`, in hash order. */
  list(after: string, limit: number): DocumentPage {
    this.prepare();
    const rows = this.sql
      .exec<{
        sha256: string;
        added_at: number;
      }>(`SELECT sha256, added_at FROM ${TABLE} WHERE sha256 > ? ORDER BY sha256 LIMIT ?`, after, limit + 1)
      .toArray();
    const page = rows.slice(0, limit);
    return {
      documents: page.map((row) => ({ sha256: row.sha256, addedAt: row.added_at })),
      total: this.count(),
      next: rows.length > limit ? page[page.length - 1]!.sha256 : null,
    };
  }

  private count(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`).one().n;
  }

  private prepare(): void {
    if (this.ready) return;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (sha256 TEXT PRIMARY KEY, query TEXT NOT NULL, added_at INTEGER NOT NULL) WITHOUT ROWID`,
    );
    this.ready = true;
  }
}
