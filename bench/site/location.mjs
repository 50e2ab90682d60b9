/**
 * One simulated Cloudflare location for `npm run bench -- --site --locations=N` (bench/site-locations.mjs):
 * the real gateway (src/index.ts) whose `caches.default` is this location's own named cache (in one
 * Miniflare every worker would otherwise share it). Module state is this worker's own: every
 * location is its own isolate with its own memory layer. The Durable Object classes are re-exported
 * so one worker of this bundle can define the shared namespaces (the authorities and the tier).
 */
import gateway from "../../src/index.ts";

export { AnswerTier, ProjectAuthority } from "../../src/index.ts";

let ready;

function ownCaches(location) {
  ready ??= (async () => {
    const real = globalThis.caches;
    const own = await real.open(`location-${location}`);
    const shadow = { default: own, open: (name) => real.open(`location-${location}:${name}`) };
    Object.defineProperty(globalThis, "caches", { value: shadow, configurable: true, writable: true });
  })();
  return ready;
}

export default {
  async fetch(request, env, ctx) {
    await ownCaches(env.LOCATION);
    return gateway.fetch(request, env, ctx);
  },
};
