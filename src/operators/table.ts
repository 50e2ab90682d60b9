/**
 * The deployment's operators (SPEC §5a), kept by the directory object (one per deployment, like
 * the project directory: operators are global to the deployment). An operator token is stored
 * only as its SHA-256 digest; a presented token is found by its digest. Revoking keeps the row
 * (its id stays in the audit log's history) and the next request with the token is refused: every
 * admin request asks this object, so a revocation holds everywhere at once.
 */
import type { Role } from "./roles";

/** At most this many operators (live and revoked) per deployment. */
export const MAX_OPERATORS = 1_000;
const TABLE = "operators";

/** An operator as listed: never its token or digest. */
export interface OperatorRecord {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  /** Who issued it (an e-mail, or `admin` for the break-glass token). */
  createdBy: string;
  revokedAt?: string;
}

type Row = { id: string; email: string; role: string; created_at: number; created_by: string; revoked_at: number | null };

/**
 * @example
 * const operators = new OperatorsTable(ctx.storage.sql, Date.now);
 * operators.create({ id: "op_1", email: "ana@example.com", role: "editor", createdBy: "admin" }, digestHex);
 * operators.find(digestHex); // { id: "op_1", … }
 */
export class OperatorsTable {
  private ready = false;

  constructor(
    private readonly sql: SqlStorage,
    private readonly now: () => number,
  ) {}

  /**
   * Stores a new operator: `"limit"` when the deployment already has {@link MAX_OPERATORS},
   * `"exists"` when a live operator has this e-mail (one identity, one role: revoke it first).
   */
  create(operator: { id: string; email: string; role: Role; createdBy: string }, digest: string): OperatorRecord | "limit" | "exists" {
    this.prepare();
    if (this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`).one().n >= MAX_OPERATORS) return "limit";
    if (this.sql.exec(`SELECT 1 FROM ${TABLE} WHERE email = ? AND revoked_at IS NULL`, operator.email).toArray().length > 0)
      return "exists";
    const at = this.now();
    this.sql.exec(
      `INSERT INTO ${TABLE} (id, digest, email, role, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
      operator.id,
      digest,
      operator.email,
      operator.role,
      at,
      operator.createdBy,
    );
    return { ...operator, createdAt: new Date(at).toISOString() };
  }

  /** Revokes a live operator; `null` when there is none with this id. */
  revoke(id: string): OperatorRecord | null {
    this.prepare();
    const row = this.sql.exec<Row>(`SELECT * FROM ${TABLE} WHERE id = ? AND revoked_at IS NULL`, id).toArray()[0];
    if (!row) return null;
    const at = this.now();
    this.sql.exec(`UPDATE ${TABLE} SET revoked_at = ? WHERE id = ?`, at, id);
    return record({ ...row, revoked_at: at });
  }

  /** The live operator whose token has this digest. */
  find(digest: string): OperatorRecord | null {
    this.prepare();
    const row = this.sql.exec<Row>(`SELECT * FROM ${TABLE} WHERE digest = ? AND revoked_at IS NULL`, digest).toArray()[0];
    return row ? record(row) : null;
  }

  /** Every operator, oldest first, revoked ones included. */
  list(): OperatorRecord[] {
    this.prepare();
    return this.sql.exec<Row>(`SELECT * FROM ${TABLE} ORDER BY created_at, id`).toArray().map(record);
  }

  private prepare(): void {
    if (this.ready) return;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, email TEXT NOT NULL, role TEXT NOT NULL,
        created_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER)`,
    );
    this.ready = true;
  }
}

function record(row: Row): OperatorRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    ...(row.revoked_at === null ? {} : { revokedAt: new Date(row.revoked_at).toISOString() }),
  };
}
