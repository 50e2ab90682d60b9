import { OriginError } from "../errors";
import type { OriginAnswer } from "../origin/client";
import { contentTypeHeader, type GraphQLMediaType } from "../http/media-type";

/**
 * Turns the origin's answer into the client's response. A 2xx or 4xx answer with a JSON body is a
 * GraphQL result (a 4xx carries the origin's own validation errors) and passes through with the
 * negotiated media type; a 5xx, a redirect or a body that is not JSON becomes a 502 `ORIGIN_ERROR`
 * that names the origin's status but none of its internals.
 *
 * @example
 * return originResponse(await callOrigin(call), "application/json");
 */
export function originResponse(answer: OriginAnswer, mediaType: GraphQLMediaType): Response {
  return checkedOriginResponse(answer, mediaType).response;
}

/** {@link originResponse}, also giving the parsed GraphQL result (e.g. to see whether a mutation succeeded). */
export function checkedOriginResponse(
  answer: OriginAnswer,
  mediaType: GraphQLMediaType,
): { response: Response; result: { errors?: unknown[] } } {
  const result = assertGraphQLAnswer(answer) as { errors?: unknown[] };
  const response = new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": contentTypeHeader(mediaType) },
  });
  return { response, result };
}

/** Throws `OriginError` unless the answer is a GraphQL result a client can be given; returns the parsed body. */
export function assertGraphQLAnswer(answer: OriginAnswer): unknown {
  if (answer.status >= 500 || answer.status < 200 || (answer.status >= 300 && answer.status < 400)) {
    throw new OriginError(`The origin answered with status ${answer.status}.`, { originStatus: answer.status });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new OriginError("The origin's answer is not JSON.", { originStatus: answer.status });
  }
  if (typeof parsed !== "object" || parsed === null || (!("data" in parsed) && !("errors" in parsed))) {
    throw new OriginError("The origin's answer is not a GraphQL result.", { originStatus: answer.status });
  }
  return parsed;
}
