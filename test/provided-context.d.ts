// Values the vitest projects provide to their tests (`provide` in test/vitest.gateway.config.ts, the
// e2e project's global set-up): one declaration for both TypeScript programs (tsconfig.json for the
// workerd tests, tsconfig.node.json for the configs and the Node tests).
declare module "vitest" {
  export interface ProvidedContext {
    fuzzSeed: string;
    fuzzRuns: string;
    /** A 127.0.0.1 port that speaks plain HTTP, never TLS. */
    plainHttpPort: number;
    /** Why the browser tests cannot run (Chromium missing, test/e2e/support/chromium-setup.ts), or "". */
    chromiumMissing: string;
  }
}

export {};
