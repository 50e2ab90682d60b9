/**
 * The peer: GraphQL Yoga with @graphql-yoga/plugin-response-cache on Node (node:http), proxying the
 * benchmark origin. The schema comes from the origin's introspection; execution forwards the
 * whole operation to the origin; the response cache is in memory and the session is the
 * Authorization header. Run as its own process (`node bench/peer.mjs <originUrl>`) so the load
 * generator does not share its event loop; reports `{ port }` over IPC when listening.
 */
import { createServer } from "node:http";
import { buildClientSchema, getIntrospectionQuery, print } from "graphql";
import { createYoga } from "graphql-yoga";
import { useResponseCache } from "@graphql-yoga/plugin-response-cache";

const originUrl = process.argv[2];
if (!originUrl) throw new Error("usage: node bench/peer.mjs <origin GraphQL URL>");

async function callOrigin(body) {
  const response = await fetch(originUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

const introspection = await callOrigin({ query: getIntrospectionQuery() });
if (!introspection.data) throw new Error(`origin introspection failed: ${JSON.stringify(introspection).slice(0, 300)}`);
const schema = buildClientSchema(introspection.data);

let originCalls = 0;

/** Replaces execution with one HTTP call to the origin carrying the whole operation. */
const useForwardToOrigin = () => ({
  onExecute({ setExecuteFn }) {
    setExecuteFn(
      (args) =>
        ++originCalls &&
        callOrigin({
          query: print(args.document),
          variables: args.variableValues ?? undefined,
          operationName: args.operationName ?? undefined,
        }),
    );
  },
});

const yoga = createYoga({
  schema,
  graphqlEndpoint: "/graphql",
  logging: false,
  maskedErrors: false,
  landingPage: false,
  graphiql: false,
  plugins: [
    useResponseCache({
      session: (request) => request.headers.get("authorization") ?? null,
      ttl: 300_000,
    }),
    useForwardToOrigin(),
  ],
});

// `GET /__stats`: how many operations reached the origin (to check that hits are hits).
const server = createServer((req, res) => {
  if (req.url === "/__stats") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ originCalls }));
  }
  return yoga(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  if (process.send) process.send({ port });
  else console.log(`peer listening on http://127.0.0.1:${port}/graphql`);
});

const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("disconnect", stop);
