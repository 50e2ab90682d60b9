import type { Handler } from "hono";
import { NotFoundError } from "../errors";
import { CONSOLE_ASSETS } from "./generated/assets.js";

/** Where the console's script and stylesheet are served, by the Worker itself. */
export const CONSOLE_ASSETS_PATH = "/admin/assets";

/** The URL paths of the console's script and stylesheet, for the page to reference. */
export const consoleAssetUrls = {
  script: `${CONSOLE_ASSETS_PATH}/${CONSOLE_ASSETS.script.name}`,
  style: `${CONSOLE_ASSETS_PATH}/${CONSOLE_ASSETS.style.name}`,
};

interface EncodedAsset {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
}

let encoded: Map<string, EncodedAsset> | undefined;

/** The assets by file name, UTF-8 encoded once per isolate. */
function assets(): Map<string, EncodedAsset> {
  if (!encoded) {
    const encoder = new TextEncoder();
    const entry = (asset: { name: string; body: string }, contentType: string): [string, EncodedAsset] => [
      asset.name,
      // The name carries a hash of the content: a strong validator (RFC 9110 §8.8.3).
      { bytes: encoder.encode(asset.body), contentType, etag: `"${asset.name.replace(/^console-|\.\w+$/g, "")}"` },
    ];
    encoded = new Map([
      entry(CONSOLE_ASSETS.script, "text/javascript; charset=utf-8"),
      entry(CONSOLE_ASSETS.style, "text/css; charset=utf-8"),
    ]);
  }
  return encoded;
}

/**
 * `GET /admin/assets/:file`: the console's script and stylesheet from the Worker's own bundle. They
 * hold no data (everything the console shows comes from the admin API with the token), so they
 * need no token. Names carry a content hash: immutable for a year (RFC 8246), `If-None-Match` →
 * 304; unknown names are `404 NOT_FOUND`.
 *
 * @example app.get(`${CONSOLE_ASSETS_PATH}/:file`, consoleAssets());
 */
export function consoleAssets(): Handler {
  return (c) => {
    const file = c.req.param("file") ?? "";
    const asset = assets().get(file);
    if (!asset) throw new NotFoundError(`No console asset ${file}.`);
    const headers = {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=31536000, immutable",
      etag: asset.etag,
      "x-content-type-options": "nosniff",
      // Only the gateway's own pages load these.
      "cross-origin-resource-policy": "same-origin",
    };
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).some((tag) => tag.replace(/^W\//, "") === asset.etag))
      return new Response(null, { status: 304, headers });
    return new Response(asset.bytes, { status: 200, headers });
  };
}
