import type { Handler } from "hono";
import { EXPLORER_ASSETS } from "./generated/assets.js";
import { NotFoundError } from "../errors";

/** Where the explorer's script and stylesheet are served, by the Worker itself. */
export const EXPLORER_ASSETS_PATH = "/_explorer";

/** The URL paths of the explorer's script and stylesheet, for the page to reference. */
export const explorerAssetUrls = {
  script: `${EXPLORER_ASSETS_PATH}/${EXPLORER_ASSETS.script.name}`,
  style: `${EXPLORER_ASSETS_PATH}/${EXPLORER_ASSETS.style.name}`,
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
      { bytes: encoder.encode(asset.body), contentType, etag: `"${asset.name.replace(/^graphiql-|\.\w+$/g, "")}"` },
    ];
    encoded = new Map([
      entry(EXPLORER_ASSETS.script, "text/javascript; charset=utf-8"),
      entry(EXPLORER_ASSETS.style, "text/css; charset=utf-8"),
    ]);
  }
  return encoded;
}

/**
 * `GET /_explorer/:file`: the explorer's GraphiQL bundle and stylesheet, from the Worker's own
 * bundle. Names carry a content hash, so answers are immutable for a year (RFC 8246) and a deploy
 * with a new explorer is picked up at once by new pages; `If-None-Match` answers 304. Unknown names
 * are `404 NOT_FOUND`.
 *
 * @example
 * app.get(`${EXPLORER_ASSETS_PATH}/:file`, explorerAssets());
 */
export function explorerAssets(): Handler {
  return (c) => {
    const file = c.req.param("file") ?? "";
    const asset = assets().get(file);
    if (!asset) throw new NotFoundError(`No explorer asset ${file}.`);
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
