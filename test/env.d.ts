import type { Bindings } from "../src/env";

// Types `env` from "cloudflare:workers" in tests with the gateway's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      ADMIN_TOKEN: string;
      DEMO_ORIGIN: Fetcher;
    }
  }
}
