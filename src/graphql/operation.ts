/**
 * Choosing the operation to run (GraphQL spec §6.1 "GetOperation", via graphql-js's
 * `getOperationAST`, never text matching) and the read-only and GET rules of the endpoints:
 *
 * - GraphQL-over-HTTP §"GET": a mutation MUST NOT be executed over GET; the server answers `405`
 *   with `Allow: POST` (RFC 9110 §15.5.6). This holds on both `/content` and `/v2`.
 * - SPEC §1: `/content` serves queries only; a mutation (over POST) or a subscription (over any
 *   method) is refused with `READ_ONLY_ENDPOINT` naming the `/v2/…` URL to use instead, before the
 *   origin is contacted. Subscriptions get `READ_ONLY_ENDPOINT` rather than `405` even over GET:
 *   changing the method would not help, so a 405 would mislead the client.
 */
import { Kind, getOperationAST, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { GraphQLValidationError, MethodNotAllowedError, ReadOnlyEndpointError } from "../errors";

/** The three GraphQL operation types (GraphQL spec §2.3). */
export type OperationKind = "query" | "mutation" | "subscription";

/** The operation a request executes. */
export interface SelectedOperation {
  operation: OperationDefinitionNode;
  kind: OperationKind;
  /** The operation's name, or `null` for an anonymous operation. */
  name: string | null;
}

/**
 * Selects the operation of `document` to execute (GraphQL spec §6.1 GetOperation):
 * with `operationName`, the operation of that name; without, the only operation.
 * Throws `GraphQLValidationError` (400) when the document has no operation, when the name is
 * unknown (`extensions.operationName`), or when there are several operations and no name.
 *
 * @example
 * const document = parseDocument("query A { posts { id } } query B { pages { id } }", limits);
 * selectOperation(document, "B").kind; // "query"
 * selectOperation(document, null); // throws GraphQLValidationError
 */
export function selectOperation(document: DocumentNode, operationName: string | null | undefined): SelectedOperation {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (operation) return { operation, kind: operation.operation as OperationKind, name: operation.name?.value ?? null };

  const count = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  if (count === 0) throw new GraphQLValidationError("The document does not contain an operation to execute.");
  if (operationName === null || operationName === undefined) {
    throw new GraphQLValidationError("The document contains several operations; provide operationName.", { operations: count });
  }
  throw new GraphQLValidationError(`Unknown operation named "${operationName}".`, { operationName });
}

/**
 * GraphQL-over-HTTP §"GET": mutations MUST NOT run over GET (nor HEAD) → `MethodNotAllowedError`
 * (405, `Allow: POST`). Use this on `/v2`; {@link assertReadOnly} includes it for `/content`.
 *
 * @example
 * assertMethodAllowsOperation("mutation", "GET"); // throws MethodNotAllowedError (405, allow: POST)
 * assertMethodAllowsOperation("mutation", "POST"); // ok
 */
export function assertMethodAllowsOperation(kind: OperationKind, method: string, hint = ""): void {
  const m = method.toUpperCase();
  if (kind === "mutation" && (m === "GET" || m === "HEAD")) {
    throw new MethodNotAllowedError(`Mutations cannot be sent with GET; send them with POST${hint}.`, "POST");
  }
}

/**
 * The `/content` rules: queries pass over GET and POST; a mutation over GET/HEAD →
 * `MethodNotAllowedError` (405, `Allow: POST`, message names `v2Url`); a mutation over POST or a
 * subscription over any method → `ReadOnlyEndpointError` (`READ_ONLY_ENDPOINT`, 400) whose message
 * and `extensions.endpoint` name `v2Url`.
 *
 * @param v2Url the regular endpoint for the same project and environment, e.g.
 *   `https://edge.example/v2/demo/master`.
 * @example
 * assertReadOnly("query", "GET", v2Url); // ok
 * assertReadOnly("mutation", "POST", v2Url); // throws ReadOnlyEndpointError
 * assertReadOnly("mutation", "GET", v2Url); // throws MethodNotAllowedError
 */
export function assertReadOnly(kind: OperationKind, method: string, v2Url: string): void {
  if (kind === "query") return;
  assertMethodAllowsOperation(kind, method, ` to ${v2Url}`);
  const what = kind === "mutation" ? "Mutations are" : "Subscriptions are";
  throw new ReadOnlyEndpointError(`${what} not allowed on this read-only endpoint; use ${v2Url} instead.`, {
    endpoint: v2Url,
    operation: kind,
  });
}

/**
 * The document with only `operation` and the fragments it reaches (transitively): what is sent to
 * the origin, so an origin that picks operations differently can never run another one, and no
 * fragment is left unused (GraphQL spec §5.5.1.4 would make the document invalid).
 *
 * @example
 * print(operationDocument(parse("query A { ...F } query B { id } fragment F on Query { id }"), "A"));
 * // "query A {\n  ...F\n}\n\nfragment F on Query {\n  id\n}"
 */
export function operationDocument(document: DocumentNode, operationName: string | null): DocumentNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === null ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (!operation) throw new GraphQLValidationError(`Unknown operation named "${operationName}".`, { operationName });
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const reached = new Set<string>();
  const pending = [operation.selectionSet];
  while (pending.length > 0) {
    for (const selection of pending.pop()!.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !reached.has(fragment.name.value)) {
          reached.add(fragment.name.value);
          pending.push(fragment.selectionSet);
        }
      } else if (selection.selectionSet) pending.push(selection.selectionSet);
    }
  }
  const definitions = document.definitions.filter(
    (d) => d === operation || (d.kind === Kind.FRAGMENT_DEFINITION && reached.has(d.name.value)),
  );
  return definitions.length === document.definitions.length ? document : { ...document, definitions };
}
