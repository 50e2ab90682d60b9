import { bundledAssets } from "../http/bundled-assets";
import { EXPLORER_ASSETS } from "./generated/assets.js";

/**
 * The explorer's GraphiQL bundle and stylesheet, served by the Worker itself at
 * `GET /_explorer/:file`, so the explorer works offline and under a strict CSP.
 *
 * @example app.get(`${explorerAssets.path}/:file`, explorerAssets.handler);
 */
export const explorerAssets = bundledAssets({ path: "/_explorer", label: "explorer", ...EXPLORER_ASSETS });
