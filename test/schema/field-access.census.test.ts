import { describe, expect, it } from "vitest";
import { getNamedType, isAbstractType, isInterfaceType, isLeafType, isObjectType, type GraphQLObjectType } from "graphql";
import type { FieldAccess } from "../../src/schema/field-access";
import { REAL_SCHEMAS } from "../fixtures/real-schemas";

/**
 * The census (issue 8): every root field and every field of every type of real Hygraph schemas is
 * classified — model read, version read, non-content, write (mutations) or refused — and the
 * families Hygraph generates land where docs/permissions.md says they do. The table is printed so
 * a reviewer can read it.
 */
const KINDS: FieldAccess["kind"][] = ["model-read", "version-read", "non-content", "write", "refused"];

describe.each(REAL_SCHEMAS)("field census of $name", ({ knowledge, sdlSchema }) => {
  const rows = Object.entries(knowledge.types).flatMap(([type, fields]) =>
    Object.entries(fields).map(([field, known]) => ({ type, field, returns: known.type, models: known.models, access: known.access })),
  );

  it("classifies every field of every object and interface type, and prints the table", () => {
    const outputTypes = Object.values(sdlSchema.getTypeMap()).filter(
      (t) => !t.name.startsWith("__") && (isObjectType(t) || isInterfaceType(t)),
    );
    const expected = outputTypes.flatMap((t) => Object.keys((t as GraphQLObjectType).getFields()).map((f) => `${t.name}.${f}`));
    expect(rows.map((r) => `${r.type}.${r.field}`).sort()).toEqual(expected.sort());
    for (const row of rows) expect(KINDS, `${row.type}.${row.field}`).toContain(row.access.kind);
    const counts = Object.fromEntries(KINDS.map((kind) => [kind, rows.filter((r) => r.access.kind === kind).length]));
    const lines = rows
      .filter((r) => r.access.kind !== "non-content" || !isLeafType(getNamedType(sdlSchema.getType(r.returns)!)))
      .map(
        (r) =>
          `${`${r.type}.${r.field}`.padEnd(44)} ${r.access.kind.padEnd(12)} ${r.access.kind === "version-read" ? r.access.models.join(",") : r.models.join(",")}`,
      );
    console.log(
      `census of ${knowledge.models.length} models, ${rows.length} fields: ${JSON.stringify(counts)} (scalar and enum fields omitted below)\n${lines.join("\n")}`,
    );
  });

  it("leaves no root query field unclassified or refused, but newer Hygraph's `entities`, which can fetch a component by id", () => {
    const root = rows.filter((r) => r.type === knowledge.queryType);
    const others = root.filter((r) => r.access.kind !== "model-read" && r.access.kind !== "version-read");
    const hasEntities = Boolean(sdlSchema.getQueryType()?.getFields()["entities"]);
    expect(others.map((r) => `${r.field} ${r.access.kind}`)).toEqual(hasEntities ? ["entities refused"] : []);
  });

  it("treats a component as part of the entry it hangs off, and its references to models as model reads", () => {
    const entity = sdlSchema.getType("Entity");
    const components =
      entity && isAbstractType(entity) ? sdlSchema.getPossibleTypes(entity).filter((t) => !knowledge.models.includes(t.name)) : [];
    const names = new Set(components.map((c) => c.name));
    // A component field, or a modular one (a union of components).
    const holdsComponents = (type: string) => {
      const t = sdlSchema.getType(type)!;
      return names.has(type) || (isAbstractType(t) && sdlSchema.getPossibleTypes(t).every((m) => names.has(m.name)));
    };
    const holding = rows.filter((r) => r.type !== knowledge.queryType && r.type !== knowledge.mutationType && holdsComponents(r.returns));
    for (const r of holding) expect(r.access.kind, `${r.type}.${r.field}`).toBe("non-content");
    for (const r of rows.filter((r) => names.has(r.type) && r.models.length > 0))
      expect(r.access.kind, `${r.type}.${r.field}`).toBe("model-read");
    if (names.size > 0) expect(holding.length).toBeGreaterThan(0);
  });

  it("maps every <model>Version to a version read of that model, and every history field too", () => {
    const versions = rows.filter((r) => r.type === knowledge.queryType && /Version$/.test(r.field));
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      const model = v.field.charAt(0).toUpperCase() + v.field.slice(1, -"Version".length);
      expect(v.access, v.field).toEqual({ kind: "version-read", family: "document-version", models: [model] });
    }
    const histories = rows.filter((r) => r.field === "history");
    expect(histories.length).toBeGreaterThan(0);
    for (const h of histories) expect(h.access, `${h.type}.history`).toEqual({ kind: "version-read", family: "history", models: [h.type] });
  });

  it("reads models through relations, system models and unions of models", () => {
    const access = (type: string, field: string) => knowledge.types[type]?.[field]?.access.kind;
    expect(access("Asset", "createdBy")).toBe("model-read");
    expect(access("Asset", "documentInStages")).toBe("model-read");
    expect(access("Asset", "localizations")).toBe("model-read");
    expect(access(knowledge.queryType, "node")).toBe("model-read");
    expect(knowledge.types[knowledge.queryType]?.["node"]?.models).toEqual(knowledge.models);
    if (knowledge.models.includes("ScheduledOperation")) {
      expect(access("Asset", "scheduledIn")).toBe("model-read");
      expect(knowledge.types["ScheduledOperation"]?.["affectedDocuments"]?.models.length).toBeGreaterThan(1);
    }
  });

  it("treats values of the entry as non-content and every mutation as a write", () => {
    expect(knowledge.types["DocumentVersion"]?.["data"]?.access.kind).toBe("non-content");
    expect(knowledge.types["Version"]?.["revision"]?.access.kind).toBe("non-content");
    for (const r of rows.filter((r) => r.type === knowledge.mutationType)) expect(r.access.kind, r.field).toBe("write");
  });
});
