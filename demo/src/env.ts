/** Bindings and variables of the demo origin Worker (demo/wrangler.toml). */
export interface DemoEnv {
  /** The content database (SQLite via D1). */
  DB: D1Database;
  /** `"on"` enables request recording and fault injection (tests, `npm start`, benchmark). */
  ORIGIN_INSTRUMENTATION?: string;
}
