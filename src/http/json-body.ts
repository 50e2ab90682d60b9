import { BadRequestError, LimitExceededError } from "../errors";
import { DEFAULT_LIMITS } from "../graphql/limits";
import { jsonDepth } from "../platform/json-depth";
import { readBodyText } from "./body";

/**
 * Refuses a parsed JSON value nested more than `maxDepth` levels of objects and arrays with
 * `400 LIMIT_EXCEEDED` (`limit: "jsonDepth"`, `max`, `found`), so that no recursive walk ever sees
 * it (issue 19: 3,000 levels of `[` in `variables` exhausted the stack and were a 500).
 *
 * @example
 * assertJsonDepth({ a: [1] }, 64); // ok: depth 2
 * assertJsonDepth(JSON.parse("[[[]]]"), 2); // throws LimitExceededError { limit: "jsonDepth", max: 2, found: 3 }
 */
export function assertJsonDepth(value: unknown, maxDepth: number): void {
  const found = jsonDepth(value);
  if (found > maxDepth) {
    throw new LimitExceededError(
      "jsonDepth",
      maxDepth,
      found,
      `JSON values may nest ${maxDepth} levels of objects and arrays; this one nests ${found}.`,
    );
  }
}

/**
 * Parses a request body's text as JSON; broken JSON is a `400 BAD_REQUEST` naming the body, and a
 * value nested deeper than `maxDepth` a `400 LIMIT_EXCEEDED` ({@link assertJsonDepth}).
 *
 * @example parseJsonText('{"models":["Post"]}'); // { models: ["Post"] }
 */
export function parseJsonText(text: string, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.", { field: "body" });
  }
  assertJsonDepth(value, maxDepth);
  return value;
}

/**
 * Reads a bounded request body (413 past `maxBytes`) and parses it as JSON, at most `maxDepth`
 * levels deep (the deployment's `limits.maxJsonDepth`).
 *
 * @example const raw = await readJsonBody(c.req.raw, limits.maxBodyBytes, limits.maxJsonDepth);
 */
export async function readJsonBody(request: Request, maxBytes: number, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): Promise<unknown> {
  return parseJsonText(await readBodyText(request, maxBytes), maxDepth);
}
