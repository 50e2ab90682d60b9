import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KNOWLEDGE_VERSION, type SchemaKnowledge } from "../../src/schema/knowledge";
import {
  currentSchemaHash,
  knownSchema,
  peekSchema,
  refreshSchema,
  SCHEMA_ISOLATE_TTL_MS,
  SCHEMA_MAX_AGE_MS,
  SCHEMA_REFRESH_COOLDOWN_MS,
  schemaKey,
  type SchemaStoreDeps,
} from "../../src/schema/store";
import { validateProjectConfig } from "../../src/projects/validate";
import type { ProjectConfig, ProjectRef } from "../../src/projects/types";
import { demoOrigin, originRequests, uniqueTag } from "../support/gateway";
import { DEMO_HOST, rejection, spyKv } from "../support/tokens";

/**
 * The schema store: the origin's schema as the gateway knows it, from the isolate's copy, else
 * KV's, else the origin's introspection (then written to KV) — and when each copy is re-learned:
 * a different origin URL, another knowledge version, an old KV copy, a forced refresh after its
 * cooldown. The real demo origin answers the introspection and records how often it was asked.
 */
const T0 = Date.parse("2030-01-01T00:00:00.000Z");

interface StoredSchema {
  origin: string;
  fetchedAt: number;
  knowledge: SchemaKnowledge;
}

/** A project and deps whose clock the test moves; every test gets its own project (the isolate copy is per project). */
function setup(options: { faults?: string; originToken?: string } = {}) {
  const tag = uniqueTag("sch");
  const ref: ProjectRef = { projectId: `p-${tag}`, environment: "master" };
  const project: ProjectConfig = validateProjectConfig({
    origin: demoOrigin(tag, options.faults ?? ""),
    ...(options.originToken ? { originToken: options.originToken } : {}),
  });
  const clock = { now: T0 };
  const spy = spyKv();
  const deps: SchemaStoreDeps = {
    kv: spy.kv,
    serviceOrigins: new Map([[DEMO_HOST, env.DEMO_ORIGIN]]),
    originTimeoutMs: 10_000,
    now: () => clock.now,
  };
  const pending: Promise<unknown>[] = [];
  const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);
  return {
    tag,
    ref,
    project,
    clock,
    deps,
    kvReads: spy.reads,
    waitUntil,
    settled: () => Promise.all(pending.splice(0)),
    introspections: async (t = tag) =>
      (await originRequests(t, { introspection: true })).filter((r) => r.body.includes("IntrospectionQuery")).length,
    stored: () => env.CONFIG.get<StoredSchema>(schemaKey(ref), "json"),
  };
}

describe("knownSchema: where the schema comes from", () => {
  it("learns it from the origin the first time, and writes it to KV", async () => {
    const s = setup();
    const known = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(await s.introspections()).toBe(1);
    expect(known.fetchedAt).toBe(T0);
    expect(known.knowledge).toMatchObject({
      version: KNOWLEDGE_VERSION,
      models: ["Author", "Page", "Post"],
      stages: ["DRAFT", "PUBLISHED"],
      locales: ["en", "de"],
    });
    expect(known.schema.getQueryType()?.getFields()).toHaveProperty("posts");
    const stored = await s.stored();
    expect(stored).toMatchObject({ origin: s.project.origin, fetchedAt: T0 });
    expect(stored!.knowledge.schemaHash).toBe(known.knowledge.schemaHash);
  });

  it("sends the project's originToken with the introspection", async () => {
    const s = setup({ originToken: "origin-secret-1" });
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const [request] = await originRequests(s.tag, { introspection: true });
    expect(request?.headers["authorization"]).toBe("Bearer origin-secret-1");
  });

  it("serves the isolate's copy without reading KV or the origin for a minute", async () => {
    const s = setup();
    const first = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const reads = s.kvReads();
    s.clock.now = T0 + SCHEMA_ISOLATE_TTL_MS - 1;
    expect(await knownSchema(s.ref, s.project, s.deps, s.waitUntil)).toBe(first);
    expect(s.kvReads()).toBe(reads);
    expect(await s.introspections()).toBe(1);
  });

  it("re-reads KV (not the origin) once the isolate's copy is a minute old", async () => {
    const s = setup();
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const reads = s.kvReads();
    s.clock.now = T0 + SCHEMA_ISOLATE_TTL_MS;
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(s.kvReads()).toBe(reads + 1);
    expect(await s.introspections()).toBe(1);
  });

  it("uses KV's copy when this isolate has none, without asking the origin", async () => {
    const learner = setup();
    const learned = await knownSchema(learner.ref, learner.project, learner.deps, learner.waitUntil);
    // Another project on the same origin whose KV copy was written by "another isolate".
    const s = setup();
    const project = { ...s.project, origin: learner.project.origin };
    const marked: StoredSchema = {
      origin: project.origin,
      fetchedAt: T0 - 1_000,
      knowledge: { ...learned.knowledge, schemaHash: "written-by-another-isolate" },
    };
    await env.CONFIG.put(schemaKey(s.ref), JSON.stringify(marked));
    const known = await knownSchema(s.ref, project, s.deps, s.waitUntil);
    expect(known.knowledge.schemaHash).toBe("written-by-another-isolate");
    expect(known.fetchedAt).toBe(T0 - 1_000);
    await s.settled();
    expect(await learner.introspections()).toBe(1);
  });

  it("fails closed (503) when KV cannot be read and this isolate has no copy", async () => {
    const s = setup();
    const error = await rejection(knownSchema(s.ref, s.project, { ...s.deps, kv: spyKv(env.CONFIG, { fail: true }).kv }, s.waitUntil));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(await s.introspections()).toBe(0);
  });

  it("answers 502 ORIGIN_ERROR with the origin's status when the introspection fails, and stores nothing", async () => {
    const s = setup({ faults: "__status/503/" });
    const error = await rejection(knownSchema(s.ref, s.project, s.deps, s.waitUntil));
    expect(error).toMatchObject({ status: 502, code: "ORIGIN_ERROR", extensions: { originStatus: 503 } });
    expect(await s.stored()).toBeNull();
  });

  it("still serves what it learned when KV cannot be written", async () => {
    const s = setup();
    const readOnly = new Proxy(env.CONFIG, {
      get(target, prop) {
        if (prop === "put") return () => Promise.reject(new Error("KV write failed"));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const known = await knownSchema(s.ref, s.project, { ...s.deps, kv: readOnly }, s.waitUntil);
    expect(known.knowledge.models).toEqual(["Author", "Page", "Post"]);
    expect(await s.stored()).toBeNull();
    // …and the isolate's copy serves the next request.
    expect(await knownSchema(s.ref, s.project, { ...s.deps, kv: readOnly }, s.waitUntil)).toBe(known);
    expect(await s.introspections()).toBe(1);
  });
});

describe("knownSchema: when it is re-learned", () => {
  it("re-learns from the new origin when the project's origin changes, ignoring both copies", async () => {
    const s = setup();
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const tag2 = uniqueTag("sch");
    const moved = { ...s.project, origin: demoOrigin(tag2) };
    const known = await knownSchema(s.ref, moved, s.deps, s.waitUntil);
    expect(known.fetchedAt).toBe(T0);
    expect(await s.introspections(tag2)).toBe(1);
    expect((await s.stored())?.origin).toBe(moved.origin);
    // Pointing it back re-learns again: the KV copy now belongs to the other origin.
    s.clock.now = T0 + 1;
    expect((await knownSchema(s.ref, s.project, s.deps, s.waitUntil)).fetchedAt).toBe(T0 + 1);
    expect(await s.introspections()).toBe(2);
  });

  it("re-learns a KV copy stored with another knowledge version", async () => {
    const s = setup();
    const learned = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const old = {
      origin: s.project.origin,
      fetchedAt: T0,
      knowledge: { ...learned.knowledge, version: KNOWLEDGE_VERSION - 1, schemaHash: "older-shape" },
    };
    await env.CONFIG.put(schemaKey(s.ref), JSON.stringify(old));
    s.clock.now = T0 + SCHEMA_ISOLATE_TTL_MS; // past the isolate copy
    const known = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(known.knowledge.version).toBe(KNOWLEDGE_VERSION);
    expect(known.knowledge.schemaHash).toBe(learned.knowledge.schemaHash);
    expect(await s.introspections()).toBe(2);
    expect((await s.stored())?.knowledge.version).toBe(KNOWLEDGE_VERSION);
  });

  it("serves a KV copy older than ten minutes at once and re-learns it in the background", async () => {
    const s = setup();
    const learned = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    s.clock.now = T0 + SCHEMA_MAX_AGE_MS + 1;
    const served = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(served.fetchedAt).toBe(T0);
    expect(served.knowledge.schemaHash).toBe(learned.knowledge.schemaHash);
    await s.settled();
    expect(await s.introspections()).toBe(2);
    expect((await s.stored())?.fetchedAt).toBe(T0 + SCHEMA_MAX_AGE_MS + 1);
    // The next request sees the re-learned copy.
    expect((await knownSchema(s.ref, s.project, s.deps, s.waitUntil)).fetchedAt).toBe(T0 + SCHEMA_MAX_AGE_MS + 1);
  });

  it("does not re-learn a KV copy up to ten minutes old", async () => {
    const s = setup();
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    s.clock.now = T0 + SCHEMA_MAX_AGE_MS;
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    await s.settled();
    expect(await s.introspections()).toBe(1);
  });
});

describe("refreshSchema", () => {
  it("re-learns now and replaces both copies", async () => {
    const s = setup();
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    s.clock.now = T0 + 5_000;
    const refreshed = await refreshSchema(s.ref, s.project, s.deps);
    expect(refreshed.fetchedAt).toBe(T0 + 5_000);
    expect(await s.introspections()).toBe(2);
    expect((await s.stored())?.fetchedAt).toBe(T0 + 5_000);
    expect(await knownSchema(s.ref, s.project, s.deps, s.waitUntil)).toBe(refreshed);
  });

  it("forced by an unknown field, runs at most once per cooldown per project, counting the last learning", async () => {
    const s = setup();
    expect(await refreshSchema(s.ref, s.project, s.deps, "if-cooled-down")).not.toBeNull();
    s.clock.now = T0 + SCHEMA_REFRESH_COOLDOWN_MS - 1;
    expect(await refreshSchema(s.ref, s.project, s.deps, "if-cooled-down")).toBeNull();
    expect(await s.introspections()).toBe(1);
    s.clock.now = T0 + SCHEMA_REFRESH_COOLDOWN_MS;
    expect((await refreshSchema(s.ref, s.project, s.deps, "if-cooled-down"))?.fetchedAt).toBe(T0 + SCHEMA_REFRESH_COOLDOWN_MS);
    expect(await s.introspections()).toBe(2);

    // The first learning starts a cooldown too: a document naming an unknown field right after it
    // does not send a second introspection.
    const other = setup();
    await knownSchema(other.ref, other.project, other.deps, other.waitUntil);
    expect(await refreshSchema(other.ref, other.project, other.deps, "if-cooled-down")).toBeNull();
    expect(await other.introspections()).toBe(1);
  });

  it("keeps each project's cooldown apart", async () => {
    const a = setup();
    const b = setup();
    expect(await refreshSchema(a.ref, a.project, a.deps, "if-cooled-down")).not.toBeNull();
    expect(await refreshSchema(b.ref, b.project, b.deps, "if-cooled-down")).not.toBeNull();
  });
});

describe("peekSchema (the admin explain: never asks the origin)", () => {
  it("answers null before the schema is learned, and asks nobody", async () => {
    const s = setup();
    expect(await peekSchema(s.ref, s.project, env.CONFIG)).toBeNull();
    expect(await s.introspections()).toBe(0);
  });

  it("answers the learned schema, from KV when this isolate has no copy", async () => {
    const s = setup();
    const learned = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(await peekSchema(s.ref, s.project, env.CONFIG)).toBe(learned);

    const t = setup();
    await env.CONFIG.put(schemaKey(t.ref), JSON.stringify({ origin: t.project.origin, fetchedAt: T0 - 5, knowledge: learned.knowledge }));
    const peeked = await peekSchema(t.ref, t.project, env.CONFIG);
    expect(peeked?.fetchedAt).toBe(T0 - 5);
    expect(peeked?.knowledge.schemaHash).toBe(learned.knowledge.schemaHash);
    expect(await t.introspections()).toBe(0);
  });

  it.each([
    ["another origin", (stored: StoredSchema) => ({ ...stored, origin: "https://elsewhere.example/graphql" })],
    [
      "another knowledge version",
      (stored: StoredSchema) => ({ ...stored, knowledge: { ...stored.knowledge, version: KNOWLEDGE_VERSION + 1 } }),
    ],
  ])("answers null for a KV copy learned from %s", async (_name, change) => {
    const learner = setup();
    const learned = await knownSchema(learner.ref, learner.project, learner.deps, learner.waitUntil);
    const s = setup();
    const stored: StoredSchema = { origin: s.project.origin, fetchedAt: T0, knowledge: learned.knowledge };
    await env.CONFIG.put(schemaKey(s.ref), JSON.stringify(change(stored)));
    expect(await peekSchema(s.ref, s.project, env.CONFIG)).toBeNull();
  });

  it("fails closed (503) when KV cannot be read", async () => {
    const s = setup();
    const error = await rejection(peekSchema(s.ref, s.project, spyKv(env.CONFIG, { fail: true }).kv));
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  });
});

describe("currentSchemaHash (the fast path's check: this isolate's copy only, no I/O)", () => {
  it("is the hash of the isolate's copy while it is fresh and for the same origin, else undefined", async () => {
    const s = setup();
    expect(currentSchemaHash(s.ref, s.project.origin, T0)).toBeUndefined();
    const known = await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(currentSchemaHash(s.ref, s.project.origin, T0)).toBe(known.knowledge.schemaHash);
    expect(currentSchemaHash(s.ref, s.project.origin, T0 + SCHEMA_ISOLATE_TTL_MS - 1)).toBe(known.knowledge.schemaHash);
    expect(currentSchemaHash(s.ref, s.project.origin, T0 + SCHEMA_ISOLATE_TTL_MS)).toBeUndefined();
    expect(currentSchemaHash(s.ref, "https://elsewhere.example/graphql", T0)).toBeUndefined();
    expect(currentSchemaHash({ ...s.ref, environment: "staging" }, s.project.origin, T0)).toBeUndefined();
  });

  it("follows a re-learned schema", async () => {
    const s = setup();
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    const stored = (await s.stored())!;
    await env.CONFIG.put(
      schemaKey(s.ref),
      JSON.stringify({ ...stored, knowledge: { ...stored.knowledge, schemaHash: "changed-at-the-origin" } }),
    );
    s.clock.now = T0 + SCHEMA_ISOLATE_TTL_MS;
    await knownSchema(s.ref, s.project, s.deps, s.waitUntil);
    expect(currentSchemaHash(s.ref, s.project.origin, s.clock.now)).toBe("changed-at-the-origin");
  });
});
