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

// Values the gateway test project provides to tests (test/vitest.gateway.config.ts `provide`).
declare module "vitest" {
  export interface ProvidedContext {
    fuzzSeed: string;
    fuzzRuns: string;
    /** A 127.0.0.1 port that speaks plain HTTP, never TLS. */
    plainHttpPort: number;
  }
}
