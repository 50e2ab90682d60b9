import { bundledAssets } from "../http/bundled-assets";
import { CONSOLE_ASSETS } from "./generated/assets.js";

/**
 * The console's script and stylesheet, served by the Worker itself at `GET /admin/assets/:file`.
 * They hold no data (everything the console shows comes from the admin API with the token), so
 * they need no token.
 *
 * @example app.get(`${consoleAssets.path}/:file`, consoleAssets.handler);
 */
export const consoleAssets = bundledAssets({ path: "/admin/assets", label: "console", ...CONSOLE_ASSETS });
