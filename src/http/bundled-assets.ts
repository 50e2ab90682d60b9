import type { Handler } from "hono";
import { NotFoundError } from "../errors";

/** A file the build bundled into the Worker: its name carries a hash of its content. */
interface BundledFile {
  /** e.g. `console-0123456789abcdef.js` */
  name: string;
  body: string;
}

/** What {@link bundledAssets} serves: one page's script and stylesheet. */
interface BundledAssetsOptions {
  /** The URL path they are served under, without a trailing slash (`/admin/assets`). */
  path: string;
  /** What they belong to, for the `404` message (`console`). */
  label: string;
  script: BundledFile;
  style: BundledFile;
}

/** The served assets: the URLs a page references, and the route that answers them. */
interface BundledAssets {
  /** The URL path they are served under. */
  path: string;
  urls: { script: string; style: string };
  /** `GET {path}/:file` */
  handler: Handler;
}

interface EncodedAsset {
  bytes: Uint8Array;
  contentType: string;
  etag: string;
}

/**
 * A page's script and stylesheet served from the Worker's own bundle, never a third-party CDN, so
 * the page works offline and under a strict CSP. Names carry a content hash: answers are immutable
 * for a year (RFC 8246) and a deploy with new assets is picked up at once by new pages;
 * `If-None-Match` answers `304` (RFC 9110 §13.1.2). Unknown names are `404 NOT_FOUND`. They hold no
 * data, so they need no credential. Files are UTF-8 encoded once, on the first request.
 *
 * @example
 * const assets = bundledAssets({ path: "/admin/assets", label: "console", ...CONSOLE_ASSETS });
 * app.get(`${assets.path}/:file`, assets.handler);
 * html`<script defer src="${assets.urls.script}"></script>`;
 */
export function bundledAssets(options: BundledAssetsOptions): BundledAssets {
  const { path, label, script, style } = options;
  if (!path.startsWith("/") || path.endsWith("/")) throw new Error(`bundledAssets: path must start and not end with "/": ${path}`);
  let encoded: Map<string, EncodedAsset> | undefined;
  const assets = (): Map<string, EncodedAsset> => {
    if (!encoded) {
      const encoder = new TextEncoder();
      const entry = (file: BundledFile, contentType: string): [string, EncodedAsset] => [
        file.name,
        // The name's hash (after its last "-") is a hash of the content: a strong validator (RFC 9110 §8.8.3).
        { bytes: encoder.encode(file.body), contentType, etag: `"${file.name.replace(/^.*-|\.\w+$/g, "")}"` },
      ];
      encoded = new Map([entry(script, "text/javascript; charset=utf-8"), entry(style, "text/css; charset=utf-8")]);
    }
    return encoded;
  };
  return {
    path,
    urls: { script: `${path}/${script.name}`, style: `${path}/${style.name}` },
    handler: (c) => {
      const file = c.req.param("file") ?? "";
      const asset = assets().get(file);
      if (!asset) throw new NotFoundError(`No ${label} asset ${file}.`);
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
    },
  };
}
