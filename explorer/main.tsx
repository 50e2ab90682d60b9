/**
 * The in-browser explorer (SPEC §3b): GraphiQL for one endpoint of the gateway. The page the
 * gateway serves (`src/explorer/page.ts`) has no inline script — this bundle is its only script,
 * served by the Worker itself — and tells it which endpoint to use through data attributes.
 *
 * A Bearer token typed in the bar is kept in this tab's sessionStorage only and sent as
 * `Authorization` with every request (introspection included, so the schema shown is the one the
 * token may see); the headers editor can still set any header, and its `Authorization` wins.
 *
 * Under the result, a bar shows how the gateway answered the last query (`x-cache`, `age`,
 * `Server-Timing`). On `/content` the schema shown has no Mutation or Subscription root: that
 * endpoint refuses them, `/v2` takes them (read-only-schema.ts).
 */
import { GraphiQL } from "graphiql";
import type { IntrospectionQuery } from "graphql";
import { StrictMode, useCallback, useMemo, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { AnswerBar } from "./answer-bar";
import { readOnlyIntrospection } from "./read-only-schema";
import { responseMeta, type ResponseMeta } from "./response-meta";
import "graphiql/style.css";
import "./explorer.css";

type GraphiQLFetcher = Parameters<typeof GraphiQL>[0]["fetcher"];
type FetcherParams = Parameters<GraphiQLFetcher>[0];
type FetcherOptions = Parameters<GraphiQLFetcher>[1];

/**
 * Whether GraphiQL is loading the schema rather than running the editor's query: its schema load
 * is the operation `IntrospectionQuery` sent without the editor's document (`documentAST`).
 */
function isSchemaLoad(params: FetcherParams, options: FetcherOptions): boolean {
  return params.operationName === "IntrospectionQuery" && options?.documentAST === undefined;
}

const root = document.getElementById("content-edge-explorer");
if (!root) throw new Error("content-edge explorer: #content-edge-explorer is missing");
const endpointPath = root.dataset["endpoint"] ?? location.pathname;
const label = root.dataset["label"] ?? endpointPath;
const readOnly = root.dataset["kind"] === "content";
const endpointUrl = new URL(endpointPath, location.href).toString();
const tokenKey = `content-edge:token:${endpointPath}`;

const DEFAULT_QUERY = `# ${label}: ${readOnly ? "cached, read-only (queries only)" : "queries and mutations, never cached"}.
# Run with Ctrl-Enter or ▶; the book icon opens the schema.
{
  __typename
}
`;

/** localStorage under a prefix of this endpoint, so projects on one gateway keep their own tabs and history. */
function namespacedStorage(prefix: string): Storage {
  const keys = () => Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  return {
    get length() {
      return keys().length;
    },
    key: (index) => keys()[index]?.slice(prefix.length) ?? null,
    getItem: (key) => localStorage.getItem(prefix + key),
    setItem: (key, value) => localStorage.setItem(prefix + key, value),
    removeItem: (key) => localStorage.removeItem(prefix + key),
    clear: () => keys().forEach((key) => localStorage.removeItem(key)),
  };
}

function Explorer() {
  const [token, setToken] = useState(() => sessionStorage.getItem(tokenKey) ?? "");
  const [answered, setAnswered] = useState<ResponseMeta | null>(null);
  const storage = useMemo(() => namespacedStorage(`content-edge:${endpointPath}:`), []);

  const fetcher = useCallback<GraphiQLFetcher>(
    async (params, options) => {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json;q=0.9",
      };
      if (token) headers["authorization"] = `Bearer ${token}`;
      for (const [name, value] of Object.entries(options?.headers ?? {})) headers[name.toLowerCase()] = String(value);
      const schemaLoad = isSchemaLoad(params, options);
      let response: Response;
      try {
        response = await fetch(endpointUrl, { method: "POST", headers, body: JSON.stringify(params) });
      } catch (error) {
        // No answer: the bar must not go on showing the previous one beside GraphiQL's error.
        if (!schemaLoad) setAnswered(null);
        throw error;
      }
      if (!schemaLoad) setAnswered(responseMeta(response.status, response.headers));
      const text = await response.text();
      let result: { data?: unknown; errors?: unknown };
      try {
        result = JSON.parse(text);
      } catch {
        return { errors: [{ message: `HTTP ${response.status}: the answer is not JSON`, extensions: { body: text.slice(0, 500) } }] };
      }
      if (schemaLoad && readOnly && result.data && typeof result.data === "object" && "__schema" in result.data) {
        return { ...result, data: readOnlyIntrospection(result.data as IntrospectionQuery) };
      }
      return result;
    },
    [token],
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("token") ?? "")
      .trim()
      .replace(/^Bearer\s+/i, "");
    if (value) sessionStorage.setItem(tokenKey, value);
    else sessionStorage.removeItem(tokenKey);
    setToken(value);
  };

  return (
    <div className="ce-explorer">
      <header className="ce-bar">
        <strong className="ce-brand">Content Edge</strong>
        <span className="ce-endpoint" title="The endpoint every request of this page goes to">
          <span className="ce-method">POST</span> <code data-testid="endpoint">{endpointUrl}</code>
        </span>
        <form className="ce-token" onSubmit={onSubmit}>
          <label>
            Bearer token{" "}
            <input
              name="token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="optional: permanent auth token or JWT"
              defaultValue={token}
            />
          </label>
          <button type="submit">{token ? "Update" : "Use token"}</button>
          <span className="ce-principal" data-testid="principal">
            {token ? "sending Authorization: Bearer …" + token.slice(-4) : "public (no token)"}
          </span>
        </form>
      </header>
      <main className="ce-graphiql">
        {/* A new token is a new principal: remount so the schema is introspected again with it. */}
        <GraphiQL key={token} fetcher={fetcher} storage={storage} defaultQuery={DEFAULT_QUERY}>
          <GraphiQL.Footer>
            <AnswerBar meta={answered} />
          </GraphiQL.Footer>
        </GraphiQL>
      </main>
    </div>
  );
}

createRoot(root).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
