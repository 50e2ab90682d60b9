/**
 * Deterministic content for the fixed benchmark origin. Entry `i` always has the same fields, so a
 * given query always yields the same bytes; no clock, no randomness.
 */
const WORDS = (
  "edge cache content origin schema query stage locale publish draft author post page token " +
  "latency throughput permission model field relation fragment variable document header worker " +
  "isolate runtime bundle request response gateway hygraph invalidate webhook entry"
).split(" ");

const EPOCH = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

/** A stable pseudo-random word sequence seeded by `seed`. */
function words(seed, count) {
  const out = [];
  let x = (seed * 2654435761) >>> 0;
  for (let k = 0; k < count; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out;
}

// Dates cycle over ten years (any `skip` stays a valid date); formatted once per day.
const DAYS = 3660;
const isoCache = new Array(DAYS);
const iso = (i, offsetDays) => {
  const d = (i + offsetDays) % DAYS;
  return (isoCache[d] ??= new Date(EPOCH + d * DAY).toISOString());
};

const common = (prefix, i, stage, locale) => ({
  id: `${prefix}${String(i).padStart(22, "0")}`,
  stage,
  locale,
  createdAt: iso(i, 0),
  updatedAt: iso(i, 1),
  publishedAt: stage === "PUBLISHED" ? iso(i, 2) : null,
});

export function author(i, stage = "PUBLISHED", locale = "en") {
  const n = ((i % 7) + 7) % 7;
  return {
    __typename: "Author",
    ...common("cla", n, stage, locale),
    name: ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton"][n],
    bio: () => words(1000 + n, 12).join(" "),
    posts: (args) => posts({ ...args, first: args?.first ?? 3 }, stage, locale),
  };
}

export function post(i, stage = "PUBLISHED", locale = "en") {
  const title = words(i, 5).join(" ");
  return {
    __typename: "Post",
    ...common("clp", i, stage, locale),
    title: title[0].toUpperCase() + title.slice(1),
    slug: `${words(i, 3).join("-")}-${i}`,
    excerpt: `${words(i + 17, 28).join(" ")}.`,
    body: () => `${words(i + 31, 120).join(" ")}.`,
    tags: words(i + 5, 3),
    author: () => author(i, stage, locale),
  };
}

export function page(i, stage = "PUBLISHED", locale = "en") {
  return {
    __typename: "Page",
    ...common("clg", i, stage, locale),
    title: words(i + 3, 3).join(" "),
    slug: words(i + 3, 2).join("-"),
    body: () => `${words(i + 101, 80).join(" ")}.`,
  };
}

const window = (args, fallback) => {
  const skip = Math.max(0, Math.min(args?.skip ?? 0, 1_000_000_000));
  const first = Math.max(0, Math.min(args?.first ?? fallback, 100));
  return Array.from({ length: first }, (_, k) => skip + k);
};

export function posts(args, stage = args?.stage, locale = args?.locales?.[0]) {
  return window(args, 10).map((i) => post(i, stage, locale));
}

/** Root value for graphql-js: each root field is a function of its arguments. */
export const rootValue = {
  node: ({ id, stage, locales }) => {
    const n = Number.parseInt(id.slice(3), 10) || 0;
    const make = { clp: post, cla: author, clg: page }[id.slice(0, 3)];
    return make ? make(n, stage, locales[0]) : null;
  },
  post: ({ where, stage, locales }) => post(Number.parseInt(where.id?.slice(3) ?? "0", 10) || 0, stage, locales[0]),
  posts: (args) => posts(args),
  author: ({ stage, locales }) => author(0, stage, locales[0]),
  authors: (args) => window(args, 7).map((i) => author(i, args.stage, args.locales[0])),
  page: ({ stage, locales }) => page(0, stage, locales[0]),
  pages: (args) => window(args, 5).map((i) => page(i, args.stage, args.locales[0])),
  createPost: () => {
    throw new Error("the benchmark origin is read-only");
  },
  deletePost: () => {
    throw new Error("the benchmark origin is read-only");
  },
  publishPost: () => {
    throw new Error("the benchmark origin is read-only");
  },
};
