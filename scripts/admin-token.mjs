// Where `npm start` takes the admin token from, in the order a Workers user expects: the
// ADMIN_TOKEN environment variable, else ADMIN_TOKEN in .dev.vars (wrangler's local secrets file),
// else a dev default that the banner prints. The token is handed to wrangler in an env file
// (mode 600), never on the command line, so `ps` does not show it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DEV_DEFAULT_ADMIN_TOKEN = "dev-admin-token";

/** Parses dotenv text (KEY=value, optional quotes, # comments), as wrangler reads .dev.vars. */
export function parseDotenv(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trim().startsWith("#")) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, "");
    vars[match[1]] = value;
  }
  return vars;
}

/**
 * Resolves the admin token and the `--env-file` arguments that give it (and .dev.vars' other
 * values) to wrangler. `source` is "env", ".dev.vars" or "default". The env file is named by the
 * port (`.wrangler/tmp/start-admin-token-8787.env`): two `npm start`s in one checkout run on two
 * ports, and each keeps its own token.
 */
export function resolveAdminToken(root, env = process.env, port = Number(env.PORT ?? 8787)) {
  const devVarsPath = join(root, ".dev.vars");
  const devVars = existsSync(devVarsPath) ? parseDotenv(readFileSync(devVarsPath, "utf8")) : {};
  const envFiles = existsSync(devVarsPath) ? [devVarsPath] : [];
  let token;
  let source;
  if (env.ADMIN_TOKEN) [token, source] = [env.ADMIN_TOKEN, "env"];
  else if (devVars.ADMIN_TOKEN) [token, source] = [devVars.ADMIN_TOKEN, ".dev.vars"];
  else [token, source] = [DEV_DEFAULT_ADMIN_TOKEN, "default"];
  if (source !== ".dev.vars") {
    // A later env file overrides an earlier one: the environment beats .dev.vars.
    const dir = join(root, ".wrangler", "tmp");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `start-admin-token-${port}.env`);
    writeFileSync(file, `ADMIN_TOKEN=${JSON.stringify(token)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    envFiles.push(file);
  }
  return { token, source, envFiles };
}
