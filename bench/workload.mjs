/**
 * What the benchmark sends: one ~4 KB posts query (the same document for every scenario), a
 * refused query, and the per-request body generators for unique-variable misses.
 */
export const QUERY = `query Posts($skip: Int) {
  posts(first: 9, skip: $skip) { id title slug excerpt publishedAt tags author { id name } }
}`;

/** Public requests may read PUBLISHED only, so this is refused (403) before the origin. */
export const REFUSED_QUERY = `{ posts(stage: DRAFT) { title } }`;

export const HIT_BODY = JSON.stringify({ query: QUERY, variables: { skip: 0 } });
export const REFUSED_BODY = JSON.stringify({ query: REFUSED_QUERY });

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json" };

/** A body generator whose every call yields a never-before-sent `skip` in its own range. */
export function uniqueBodies(base) {
  let next = base;
  return () => JSON.stringify({ query: QUERY, variables: { skip: next++ } });
}

/** Separate ranges so misses, memory fill and later rounds never collide with cached entries. */
export const RANGES = {
  miss: 1_000_000,
  missLatency: 20_000_000,
  originLatency: 30_000_000,
  peerMiss: 50_000_000,
  memory: 200_000_000,
  memoryWarm: 300_000_000,
};

export const CONTENT_PATH = "/content/bench/master";
export const ORIGIN_PATH = "/graphql";
export const PEER_PATH = "/graphql";

export function post(path, body, headers = {}) {
  return { method: "POST", path, headers: { ...JSON_HEADERS, ...headers }, body };
}
