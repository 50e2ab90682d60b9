import { OriginError } from "../errors";
import type { OriginAnswer } from "../origin/client";
import { FAILURE_MESSAGES, reasonOfStatus } from "../origin/failure";
import { contentTypeHeader, type GraphQLMediaType } from "../http/media-type";

/**
 * Turns the origin's answer into the client's response. A 2xx or 4xx answer with a JSON body is a
 * GraphQL result (a 4xx carries the origin's own validation errors) and passes through with the
 * negotiated media type; a 5xx, a redirect or a body that is not JSON becomes a 502 `ORIGIN_ERROR`
 * that names the origin's status and the cause (`reason`) but none of its internals.
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

/**
 * Throws `OriginError` unless the answer is a GraphQL result a client can be given; returns the
 * parsed body. The error's `reason` says what was wrong: `http-status` (or `dns`, `connect`, `tls`
 * for Cloudflare's own 52x/530 reports), `invalid-json`, `not-graphql`.
 */
export function assertGraphQLAnswer(answer: OriginAnswer): unknown {
  const { status } = answer;
  if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
    const reason = reasonOfStatus(status, answer.body);
    const message = reason === "http-status" ? `The origin answered with status ${status}.` : FAILURE_MESSAGES[reason];
    throw new OriginError(message, { reason, originStatus: status });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new OriginError(FAILURE_MESSAGES["invalid-json"], { reason: "invalid-json", originStatus: status });
  }
  if (typeof parsed !== "object" || parsed === null || (!("data" in parsed) && !("errors" in parsed))) {
    throw new OriginError(FAILURE_MESSAGES["not-graphql"], { reason: "not-graphql", originStatus: status });
  }
  return parsed;
}
