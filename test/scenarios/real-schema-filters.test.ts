import { afterEach, describe, expect, it, vi } from "vitest";
import { genericOrigin } from "../fixtures/generic-origin";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";
import { ADMIN, gateway, postQuery, uniqueTag } from "../support/gateway";

/**
 * Issue 19 through the real Worker on real Hygraph schemas: the filter families the demo origin
 * lacks (`createdBy`, `scheduledIn_*`, `documentInStages_*`, component filters) are reads of what
 * they evaluate (finding 1), and a rule condition on a localized field is valid configuration
 * (finding 9). The origin is the generic in-memory origin over the real schema, reached through
 * the Worker's own `fetch` (stubbed for this origin's host only).
 */
const ORIGIN_HOST = "real-schema-origin.test";
const sent: string[] = [];

function serve(name: string) {
  const real = REAL_SCHEMAS.find((s) => s.name.includes(name))!;
  const origin = genericOrigin(real.sdlSchema, { baseLocale: "en" });
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).hostname !== ORIGIN_HOST) return realFetch(input, init);
    const body = await request.text();
    if (!body.includes("IntrospectionQuery")) sent.push(body);
    return Response.json(origin.run(body, request.headers).result);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  sent.length = 0;
});

function put(projectId: string, config: Record<string, unknown>): Promise<Response> {
  return gateway(`/admin/projects/${projectId}/master`, {
    method: "PUT",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ origin: `https://${ORIGIN_HOST}/graphql`, ...config }),
  });
}

async function content(rules: unknown[]): Promise<string> {
  const id = `p-${uniqueTag()}`;
  const response = await put(id, { publicPermissions: rules });
  expect(response.status, await response.clone().text()).toBe(200);
  return `/content/${id}/master`;
}

const read = (model: string | string[], stages: string[] = ["PUBLISHED"]) => ({ action: "read", model, stages, locales: "*" });

describe("a 2024 schema's filter families are reads (finding 1)", () => {
  it.each<[string, string, string, { action: string; model: string; stage: string; locale: string }]>([
    [
      "createdBy (the system User model)",
      "{ alloggi(where: { createdBy: { isActive: true } }) { id } }",
      "PUBLISHED",
      { action: "read", model: "User", stage: "PUBLISHED", locale: "en" },
    ],
    [
      "scheduledIn_none with createdBy inside",
      "{ alloggi(where: { scheduledIn_none: { createdBy: { isActive: true } } }) { id } }",
      "PUBLISHED",
      { action: "read", model: "ScheduledOperation", stage: "PUBLISHED", locale: "en" },
    ],
    [
      "documentInStages_some naming PUBLISHED, for a DRAFT-only reader",
      "{ alloggi(where: { documentInStages_some: { stage: PUBLISHED, compareWithParent: { outdated_to: false } } }) { id } }",
      "DRAFT",
      { action: "read", model: "Alloggio", stage: "PUBLISHED", locale: "en" },
    ],
    [
      "documentInStages_some naming PUBLISHED under NOT, for a PUBLISHED-only reader (the property test's find)",
      "{ isole(where: { documentInStages_some: { NOT: [{ stage: PUBLISHED }], compareWithParent: { outdated_to: true } } }) { id } }",
      "PUBLISHED",
      { action: "read", model: "Isola", stage: "DRAFT", locale: "en" },
    ],
    [
      "a component filter reaching a model",
      '{ alloggi(where: { prezzi_some: { FasciaDiPrezzo: { fascia: { nome: "x" } } } }) { id } }',
      "PUBLISHED",
      { action: "read", model: "FasciaStagionale", stage: "PUBLISHED", locale: "en" },
    ],
  ])("%s: 403 naming the read, and nothing reaches the origin", async (_name, query, stage, failed) => {
    serve("meltemi");
    const path = await content([read(["Alloggio", "Isola"], [stage])]);
    const response = await postQuery(path, { query }, { "gcms-stage": stage });
    const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(response.status).toBe(403);
    expect(body.errors?.[0]?.extensions?.["failedActions"]).toContainEqual(failed);
    expect(sent).toEqual([]);
  });

  it("with read User too, a createdBy filter is forwarded", async () => {
    serve("meltemi");
    const path = await content([read(["Alloggio", "User"])]);
    const response = await postQuery(path, { query: "{ alloggi(where: { createdBy: { id_not: null } }) { id } }" });
    expect(response.status, await response.clone().text()).not.toBe(403);
    expect(sent).toHaveLength(1);
  });
});

describe("a rule condition is validated against the model's own query list filter (finding 9)", () => {
  it.each<[string, string, Record<string, unknown>]>([
    ["houdini", "Asset", { mimeType_contains: "png" }],
    ["houdini", "Asset", { width_gt: 100 }],
    ["houdini", "Asset", { fileName: "a.png" }],
    ["houdini", "Asset", { handle: "abc" }],
    ["meltemi", "Alloggio", { descrizione_contains: "mare" }],
  ])("%s: a condition on %s %j is accepted", async (schema, model, condition) => {
    serve(schema);
    const response = await put(`p-${uniqueTag()}`, {
      publicPermissions: [{ action: "read", model, stages: "*", locales: "*", condition }],
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });
});
