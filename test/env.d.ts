import type { Bindings } from "../src/env";

// Types `env` from "cloudflare:workers" in tests with the gateway's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      ADMIN_TOKEN: string;
      DEMO_ORIGIN: Fetcher;
      /** Workers Static Assets (.build/assets), bound for the tests only: test/support/static-assets.ts. */
      ASSETS: Fetcher;
      /** Property-test runs and seed from the environment ("" when unset). */
      FC_RUNS: string;
      FC_SEED: string;
    }
  }
}
