import { BadRequestError } from "../errors";

/**
 * Refuses a query string with a parameter not in `allowed`, or one given more than once, with
 * `400 BAD_REQUEST` naming it (`extensions.param`): an admin list's typo must not silently list
 * everything.
 *
 * @example assertOnlyParams(url.searchParams, new Set(["limit", "cursor"]), "the project list");
 */
export function assertOnlyParams(params: URLSearchParams, allowed: ReadonlySet<string>, what: string): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (!allowed.has(name))
      throw new BadRequestError(`Unknown parameter "${name}"; ${what} takes ${[...allowed].join(", ")}.`, { param: name });
    if (seen.has(name)) throw new BadRequestError(`The parameter "${name}" is given more than once.`, { param: name });
    seen.add(name);
  }
}
