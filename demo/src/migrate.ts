/**
 * Applies the SQL migrations in demo/migrations on first use, so `npm start`, tests and the
 * benchmark need no separate `wrangler d1 migrations apply` step. Bookkeeping uses wrangler's own
 * `d1_migrations` table, so both ways of applying agree about what is already done.
 */
import schema from "../migrations/0001_schema.sql";
import seed from "../migrations/0002_seed.sql";
import versions from "../migrations/0003_versions.sql";

/** Migrations in order; the name is the file name, as wrangler records it. */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  { name: "0001_schema.sql", sql: schema },
  { name: "0002_seed.sql", sql: seed },
  { name: "0003_versions.sql", sql: versions },
];

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

/**
 * Splits a SQL script into statements on `;` outside quotes and comments. D1's `batch` takes one
 * statement per prepared statement, and batching is what makes a migration atomic.
 */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      cur += c;
      if (c === quote) quote = null; // a doubled quote re-enters on the next char: still correct
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      cur += "\n";
    } else if (c === ";") {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else {
      if (c === "'" || c === '"') quote = c;
      cur += c;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Applies every unapplied migration. Each one runs as a single D1 batch (a transaction) that
 * starts by inserting its `d1_migrations` row: if another isolate applies it concurrently, the
 * UNIQUE name makes one batch fail and roll back entirely, so nothing is applied twice.
 */
export async function migrate(db: D1Database): Promise<string[]> {
  await db.prepare(CREATE_TABLE).run();
  const { results } = await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>();
  const done = new Set(results.map((r) => r.name));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    const statements = [
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(m.name),
      ...splitSql(m.sql).map((s) => db.prepare(s)),
    ];
    try {
      await db.batch(statements);
      applied.push(m.name);
    } catch (e) {
      // Lost the race: fine if the winner recorded it; anything else is a real failure.
      const row = await db.prepare("SELECT 1 AS ok FROM d1_migrations WHERE name = ?").bind(m.name).first();
      if (!row) throw e;
    }
  }
  return applied;
}

const ready = new WeakMap<D1Database, Promise<unknown>>();

/** Runs {@link migrate} once per database binding per isolate; retried on the next call if it failed. */
export function ensureMigrated(db: D1Database): Promise<unknown> {
  let p = ready.get(db);
  if (!p) {
    p = migrate(db).catch((e: unknown) => {
      ready.delete(db);
      throw e;
    });
    ready.set(db, p);
  }
  return p;
}
