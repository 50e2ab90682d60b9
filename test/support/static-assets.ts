import { env } from "cloudflare:workers";

/**
 * What Workers Static Assets answer for `path` (wrangler.toml's [assets]: the console's and the
 * explorer's files under .build/assets, with its _headers). In production and under `npm start`
 * the assets router answers /_explorer/* and /admin/assets/* before the Worker; the test pool's
 * SELF is the Worker itself, so tests reach the same asset server through the ASSETS binding
 * test/vitest.gateway.config.ts adds.
 *
 * @example const css = await staticAsset("/_explorer/graphiql-0123456789abcdef.css");
 */
export function staticAsset(path: string, init?: RequestInit): Promise<Response> {
  return env.ASSETS.fetch(new Request(new URL(path, "http://gateway.test"), init));
}
