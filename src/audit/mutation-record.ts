/**
 * The `mutation` audit event of a `/v2` write (SPEC §5a): who (the principal: a content token by
 * id, a JWT by `iss`/`sub`/`azp`, or the public), which operation (its name, root fields, and the
 * models and actions it writes), and how it ended (the origin's status and the result). Built from
 * what the gateway analysed, never from the request's text; every list is bounded.
 */
import type { OperationDefinitionNode } from "graphql";
import type { Principal } from "../auth/principal";
import type { Touch } from "../permissions/touches";
import type { Actor, AuditRecord } from "./event";

/** At most this many root fields, models and actions are named in one event. */
const MAX_NAMES = 50;

/** The audit actor of a content principal (never a secret: a PAT by its id, a JWT by its claims). */
export function principalActor(principal: Principal): Actor {
  switch (principal.kind) {
    case "pat":
      return { kind: "token", ...(principal.tokenId === undefined ? {} : { id: principal.tokenId }) };
    case "jwt": {
      const claims = principal.claims ?? {};
      return {
        kind: "jwt",
        ...(claims.iss === undefined ? {} : { iss: claims.iss }),
        ...(principal.userId === undefined ? {} : { sub: principal.userId }),
        ...(claims.azp === undefined ? {} : { azp: claims.azp }),
      };
    }
    default:
      return { kind: "public" };
  }
}

/**
 * The operation's root field names (fields of inline fragments at the root included), bounded.
 *
 * @example rootFieldsOf(parse("mutation { a: createPost(data: {}) { id } publishPost(where: {}) { id } }").definitions[0]); // ["createPost", "publishPost"]
 */
export function rootFieldsOf(operation: OperationDefinitionNode): string[] {
  const names = new Set<string>();
  const pending = [operation.selectionSet];
  // Inline fragments nest; a bounded number of selection sets is looked at (the document's size is bounded too).
  for (let visited = 0; pending.length > 0 && visited < 1_000 && names.size < MAX_NAMES; visited++) {
    for (const selection of pending.pop()!.selections) {
      if (selection.kind === "Field") names.add(selection.name.value);
      else if (selection.kind === "InlineFragment") pending.push(selection.selectionSet);
    }
  }
  return [...names];
}

/**
 * The event of one mutation, before its outcome is known (`runMutation` completes it).
 *
 * @example mutationRecord(principal, "Publish", ["publishPost"], allowed.writes)
 */
export function mutationRecord(
  principal: Principal,
  operationName: string | null | undefined,
  rootFields: string[],
  writes: readonly Touch[],
): AuditRecord {
  const models = [...new Set(writes.map((w) => w.model))].sort().slice(0, MAX_NAMES);
  const actions = [...new Set(writes.map((w) => w.action))].sort();
  return {
    actor: principalActor(principal),
    action: "mutation",
    outcome: "ok",
    ...(operationName ? { target: operationName.slice(0, 200) } : {}),
    details: {
      operationName: operationName ? operationName.slice(0, 200) : null,
      rootFields: rootFields.slice(0, MAX_NAMES),
      models,
      actions,
    },
  };
}
