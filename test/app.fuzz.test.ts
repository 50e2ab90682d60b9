import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import entry from "../src/index";
import { DEFAULT_LIMITS } from "../src/graphql/limits";
import { wantsExplorer } from "../src/explorer/page";
import { signWebhook } from "../src/webhooks/signature";
import { deepRequestArb, ROOMY_LIMITS } from "./support/deep-requests";
import { requestArb, type FuzzRequest, type FuzzTargets } from "./support/http-arbitraries";
import { ADMIN, configureProject, demoProject, PUBLIC_READ, uniqueTag } from "./support/gateway";

/**
 * Fuzzing the whole Worker with generated HTTP requests (test/support/http-arbitraries.ts). Every
 * answer must be a deliberate one: never a 5xx except the origin errors (502 ORIGIN_ERROR, 504
 * ORIGIN_TIMEOUT), never a hang, and every error a GraphQL error body with `extensions.code`;
 * afterwards a known-good query is still served.
 *
 * Bounded: FUZZ_RUNS runs (default 200) and at most 35 s. The seed is printed on failure; replay
 * with FUZZ_SEED=<seed>. No shrinking (`endOnFailure`): the failing request is printed as generated.
 */
const RUNS = Number(inject("fuzzRuns") || 200);
const SEED = inject("fuzzSeed") ? Number(inject("fuzzSeed")) : Date.now() % 2_147_483_647;
const TIME_LIMIT_MS = 35_000;
const REQUEST_TIMEOUT_MS = 10_000;
const SECRET = "fuzz-webhook-secret-0123456789";
const ORIGIN_ERRORS: Record<number, string> = { 502: "ORIGIN_ERROR", 504: "ORIGIN_TIMEOUT" };

const worker = (exports as unknown as { default: Fetcher }).default;
let targets: FuzzTargets;
let content = "";

beforeAll(async () => {
  const project = await demoProject({ webhookSecret: SECRET });
  content = project.content;
  const scratchProjectId = `scratch-${uniqueTag()}`;
  await configureProject(scratchProjectId, "master", {
    origin: "https://demo-origin.internal/v2/demo/master",
    publicPermissions: PUBLIC_READ,
  });
  const issued = await worker.fetch(`http://gateway.test/admin/projects/${project.projectId}/master/tokens`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ name: "fuzz", permissions: [{ action: "read", model: "*" }] }),
  });
  const { token } = (await issued.json()) as { token: string };
  targets = { projectId: project.projectId, scratchProjectId, pat: token, adminToken: ADMIN.authorization.slice("Bearer ".length) };
});

async function toRequest(generated: FuzzRequest): Promise<Request | null> {
  const headers = new Headers();
  for (const [name, value] of generated.headers) headers.append(name, value);
  if (generated.signWebhook && typeof generated.body === "string" && generated.path.startsWith("/webhooks/")) {
    headers.set(
      "gcms-signature",
      await signWebhook({ secret: SECRET, rawBody: generated.body, environment: "master", timestamp: Date.now() }),
    );
  }
  try {
    // Appended, not resolved: a path such as "//x" must stay a path, not become a host.
    return new Request(`http://gateway.test${generated.path}`, { method: generated.method, headers, body: generated.body ?? null });
  } catch {
    return null; // not a request an HTTP client could send (e.g. a body on a method that cannot have one)
  }
}

/** The same Worker with its byte and token limits raised out of the way of 100,000 levels of nesting. */
const roomyWorker = {
  async fetch(request: Request): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await entry.fetch(request as Parameters<typeof entry.fetch>[0], { ...env, ...ROOMY_LIMITS }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  },
};

/** What the worker answered, or "hang" when it did not answer in time. */
async function answer(
  request: Request,
  via: { fetch(request: Request): Promise<Response> } = worker,
): Promise<{ status: number; headers: Headers; text: string } | "hang"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), REQUEST_TIMEOUT_MS)));
  const served = via
    .fetch(request)
    .then(async (response) => ({ status: response.status, headers: response.headers, text: await response.text() }));
  try {
    return await Promise.race([served, hang]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function checkAnswer(request: Request, got: { status: number; headers: Headers; text: string }): void {
  const what = `${request.method} ${new URL(request.url).pathname} → ${got.status} ${got.text.slice(0, 300)}`;
  const parsed = (() => {
    try {
      return JSON.parse(got.text) as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
    } catch {
      return undefined;
    }
  })();
  if (got.status >= 500) {
    expect(ORIGIN_ERRORS[got.status], `unintended 5xx: ${what}`).toBeDefined();
    expect(parsed?.errors?.[0]?.extensions?.code, what).toBe(ORIGIN_ERRORS[got.status]);
  }
  if (
    /^\/(content|v2)\/[^/]+\/[^/]+$/.test(new URL(request.url).pathname) &&
    (got.headers.get("content-type") ?? "").startsWith("text/html")
  ) {
    // On the endpoints only a browser opening them gets HTML: the explorer, or a short page saying why not (docs/browsers.md).
    expect(wantsExplorer(request), `HTML answer: ${what}`).toBe(true);
    expect([200, 403, 404], what).toContain(got.status);
    expect(got.headers.get("content-security-policy"), what).toMatch(/^default-src 'none'/);
    return;
  }
  if (got.status >= 400 && request.method !== "HEAD") {
    expect(got.headers.get("content-type") ?? "", what).toMatch(/^application\/(graphql-response\+)?json/);
    const error = parsed?.errors?.[0];
    expect(typeof error?.message, `no GraphQL error object: ${what}`).toBe("string");
    expect(error?.extensions?.code, `no error code: ${what}`).toMatch(/^[A-Z_]+$/);
  }
  if (got.status < 400 && request.method !== "HEAD" && /json/.test(got.headers.get("content-type") ?? "")) {
    expect(parsed, `unparseable JSON answer: ${what}`).toBeDefined();
    // A 2xx may carry the origin's own execution errors (passed through as the origin wrote them).
    for (const error of parsed?.errors ?? []) expect(typeof error.message, `error without a message: ${what}`).toBe("string");
  }
}

describe("fuzzing the Worker with generated HTTP requests", () => {
  it(`answers every one deliberately and keeps serving (seed ${SEED}, ${RUNS} runs, ≤ ${TIME_LIMIT_MS / 1000} s)`, async () => {
    const statuses: Record<number, number> = {};
    const property = fc.asyncProperty(requestArb(targets), async (generated) => {
      const request = await toRequest(generated);
      if (!request) return;
      const got = await answer(request);
      expect(got, `no answer within ${REQUEST_TIMEOUT_MS} ms: ${generated.method} ${generated.path}`).not.toBe("hang");
      if (got === "hang") return;
      statuses[got.status] = (statuses[got.status] ?? 0) + 1;
      checkAnswer(request, got);
    });
    try {
      await fc.assert(property, {
        seed: SEED,
        numRuns: RUNS,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
        endOnFailure: true,
      });
    } catch (error) {
      const cause = (error as Error).cause;
      const why = cause instanceof Error ? `${cause.message}\n` : "";
      throw new Error(
        `fuzz failed — replay with FUZZ_SEED=${SEED} (statuses so far ${JSON.stringify(statuses)})\n${why}${(error as Error).message}`,
        { cause: error },
      );
    }
    // Enough of the generated requests were real requests with real answers.
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBeGreaterThan(Math.min(RUNS, 50) / 2);

    // A known-good request is still served.
    const good = await worker.fetch(`http://gateway.test${content}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ posts { title } }" }),
    });
    expect(good.status).toBe(200);
    const body = (await good.json()) as { data?: { posts?: unknown[] } };
    expect(body.data?.posts?.length).toBeGreaterThan(0);
  }, 60_000);

  // Issue 19: 3,000 levels of `[` in variables were a 500 (a recursive canonicalJson). With the byte
  // and token limits raised, every depth up to 100,000 — in variables, extensions, a body, an admin
  // body, and the document's selections, values and types — reaches the nesting checks themselves.
  it(`answers nesting up to 100,000 levels deliberately, JSON past maxJsonDepth as LIMIT_EXCEEDED (seed ${SEED})`, async () => {
    const places: Record<string, number> = {};
    const property = fc.asyncProperty(deepRequestArb(targets), async ({ place, depth, jsonDepth, request: generated }) => {
      const request = await toRequest(generated);
      if (!request) return;
      const got = await answer(request, roomyWorker);
      expect(got, `no answer within ${REQUEST_TIMEOUT_MS} ms: ${place} ${depth}`).not.toBe("hang");
      if (got === "hang") return;
      places[`${place} ${got.status}`] = (places[`${place} ${got.status}`] ?? 0) + 1;
      checkAnswer(request, got);
      if (jsonDepth !== null && jsonDepth > DEFAULT_LIMITS.maxJsonDepth) {
        expect(got.status, `${place} nested ${depth}: ${got.text.slice(0, 200)}`).toBe(400);
        const extensions = (JSON.parse(got.text) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]?.extensions;
        expect(extensions, `${place} nested ${depth}`).toEqual({
          code: "LIMIT_EXCEEDED",
          limit: "jsonDepth",
          max: DEFAULT_LIMITS.maxJsonDepth,
          found: jsonDepth,
        });
      }
      if (depth > 5_000) expect(got.status, `${place} nested ${depth}: ${got.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    });
    try {
      await fc.assert(property, {
        seed: SEED,
        numRuns: Math.max(40, Math.floor(RUNS / 4)),
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
        endOnFailure: true,
      });
    } catch (error) {
      throw new Error(
        `deep fuzz failed — replay with FUZZ_SEED=${SEED} (answers so far ${JSON.stringify(places)})\n${(error as Error).message}`,
        { cause: error },
      );
    }
    expect(Object.values(places).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  }, 60_000);
});
