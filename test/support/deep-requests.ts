import fc from "fast-check";
import { deepDepthArb, type FuzzRequest, type FuzzTargets } from "./http-arbitraries";

/**
 * Requests nesting up to 100,000 levels (issue 19: 3,000 levels of `[` in `variables` were a 500),
 * for a Worker whose byte and token limits are raised out of the way ({@link ROOMY_LIMITS}), so
 * that what refuses them is the nesting itself — in the JSON (`variables`, `extensions`, a whole
 * body, an admin body) or in the document (selections, list and object values, list types) —
 * over POST and over GET.
 */

/** Worker variables that let 100,000 levels through the body, URL and token limits. */
export const ROOMY_LIMITS = { MAX_BODY_BYTES: "4000000", MAX_URL_BYTES: "4000000", MAX_TOKENS: "2000000" } as const;

/** Where the nesting is. `json` places must be refused with `LIMIT_EXCEEDED` `jsonDepth` past the limit. */
type DeepPlace = "variables" | "extensions" | "body" | "admin" | "selections" | "listValue" | "objectValue" | "listType";

export interface DeepRequest {
  place: DeepPlace;
  depth: number;
  /** The depth the gateway measures for a JSON place (the body's own levels included), else `null`. */
  jsonDepth: number | null;
  request: FuzzRequest;
}

const arrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

function documentFor(place: DeepPlace, depth: number): string {
  switch (place) {
    case "selections":
      return `${"{ a ".repeat(depth)}${"}".repeat(depth)}`;
    case "listValue":
      return `{ posts(where: { id_in: ${"[".repeat(depth)}"x"${"]".repeat(depth)} }) { id } }`;
    case "objectValue":
      return `{ posts(where: ${"{ AND: ".repeat(depth)}{}${" }".repeat(depth)}) { id } }`;
    case "listType":
      return `query($v: ${"[".repeat(depth)}ID${"]".repeat(depth)}) { posts(where: { id_in: $v }) { id } }`;
    default:
      return "query($v: [[ID]]) { posts { id } }";
  }
}

/** One deep request against `targets`. */
export function deepRequestArb(targets: FuzzTargets): fc.Arbitrary<DeepRequest> {
  const content = `/content/${targets.projectId}/master`;
  return fc
    .record({
      place: fc.constantFrom<DeepPlace>("variables", "extensions", "body", "admin", "selections", "listValue", "objectValue", "listType"),
      depth: deepDepthArb,
      shape: fc.constantFrom(arrays, objects),
      method: fc.constantFrom("GET", "POST"),
      endpoint: fc.constantFrom(content, `/v2/${targets.projectId}/master`),
    })
    .map(({ place, depth, shape, method, endpoint }): DeepRequest => {
      const json = shape(depth);
      if (place === "admin") {
        return {
          place,
          depth,
          jsonDepth: depth + 1,
          request: {
            method: "PUT",
            path: `/admin/projects/${targets.scratchProjectId}/master`,
            headers: [
              ["authorization", `Bearer ${targets.adminToken}`],
              ["content-type", "application/json"],
            ],
            body: `{"origin":"https://demo-origin.internal/graphql","x":${json}}`,
            signWebhook: false,
          },
        };
      }
      const query = documentFor(place, depth);
      const member = place === "variables" ? "variables" : place === "extensions" ? "extensions" : place === "body" ? "x" : null;
      const headers: [string, string][] = [["accept", "application/graphql-response+json"]];
      if (method === "GET") {
        // A JSON URL parameter is measured on its own; there is no GET body.
        const search = new URLSearchParams({ query });
        if (member === "variables" || member === "extensions") search.set(member, `{"v":${json}}`);
        const jsonDepth = member === "variables" || member === "extensions" ? depth + 1 : null;
        return { place, depth, jsonDepth, request: { method, path: `${endpoint}?${search}`, headers, signWebhook: false } };
      }
      const body = member === null ? JSON.stringify({ query }) : `{"query":${JSON.stringify(query)},"${member}":{"v":${json}}}`;
      return {
        place,
        depth,
        jsonDepth: member === null ? null : depth + 2,
        request: { method, path: endpoint, headers: [...headers, ["content-type", "application/json"]], body, signWebhook: false },
      };
    });
}
