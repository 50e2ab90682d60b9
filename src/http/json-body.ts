import { BadRequestError } from "../errors";
import { readBodyText } from "./body";

/**
 * Parses a request body's text as JSON; broken JSON is a `400 BAD_REQUEST` naming the body.
 *
 * @example parseJsonText('{"models":["Post"]}'); // { models: ["Post"] }
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.", { field: "body" });
  }
}

/**
 * Reads a bounded request body (413 past `maxBytes`) and parses it as JSON.
 *
 * @example const raw = await readJsonBody(c.req.raw, limits.maxBodyBytes);
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  return parseJsonText(await readBodyText(request, maxBytes));
}
