/**
 * Parsing a GraphQL document and bounding its shape before anything else looks at it
 * (SPEC §1: "query depth, aliases, tokens … bounded (400, naming the limit and the value found)").
 *
 * Parsing uses graphql-js with its `maxTokens` guard, so a huge document is abandoned while
 * lexing. The shape checks need no schema: they walk the selected operation with fragments
 * expanded at every spread (which is what execution would do), memoizing per fragment so that
 * nested "fragment bombs" cost linear time, and detecting fragment cycles (GraphQL spec §5.5.2.2
 * "Fragment spreads must not form cycles") instead of recursing forever.
 */
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  parse,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { GatewayError, GraphQLParseError, GraphQLValidationError, LimitExceededError } from "../errors";
import { DEFAULT_LIMITS, type RequestLimits } from "./limits";
import { assertValueDepth } from "./value-depth";

// Read once: property reads on the module namespace inside deep recursion are avoidable work (and,
// near stack exhaustion, have been seen to fail as a TypeError instead of a RangeError).
const FIELD = Kind.FIELD;
const INLINE_FRAGMENT = Kind.INLINE_FRAGMENT;
const FRAGMENT_SPREAD = Kind.FRAGMENT_SPREAD;

/** graphql-js's message when `maxTokens` is exceeded ("Document contains more that N tokens"). */
const TOKEN_LIMIT_MESSAGE = /Document contains more th\w* \d+ tokens/;

/**
 * Counts the lexical tokens of `query` the way graphql-js's parser does for `maxTokens`
 * (punctuators, names, values; not comments, not `<SOF>`/`<EOF>`). Stops at the first lexing
 * error, returning the count so far; never counts past `stopAfter`.
 *
 * @example
 * countTokens("{ posts { id } }"); // 6
 */
export function countTokens(query: string, stopAfter = Number.MAX_SAFE_INTEGER): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (count < stopAfter && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // a syntax error ends the count; the parser would have reported it too
  }
  return count;
}

/**
 * The deepest `{ … }` nesting in `query`, by lexing (so braces in strings and comments do not
 * count): an upper bound of the field depth, used when a document is too deep to even parse.
 *
 * @example
 * braceNesting("{ a { b } }"); // 2
 */
export function braceNesting(query: string): number {
  return deepestNesting(query, BRACES);
}

/**
 * The deepest nesting of `{`, `[` and `(` together in `query`, by lexing: what the parser recurses
 * on, whether selections, list and object values, arguments or list types.
 *
 * @example
 * bracketNesting("{ a(x: [[1]]) }"); // 4
 */
export function bracketNesting(query: string): number {
  return deepestNesting(query, BRACKETS);
}

const BRACES: ReadonlyMap<TokenKind, 1 | -1> = new Map([
  [TokenKind.BRACE_L, 1],
  [TokenKind.BRACE_R, -1],
]);
const BRACKETS: ReadonlyMap<TokenKind, 1 | -1> = new Map([
  ...BRACES,
  [TokenKind.BRACKET_L, 1],
  [TokenKind.BRACKET_R, -1],
  [TokenKind.PAREN_L, 1],
  [TokenKind.PAREN_R, -1],
]);

function deepestNesting(query: string, steps: ReadonlyMap<TokenKind, 1 | -1>): number {
  const lexer = new Lexer(new Source(query));
  let current = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      current += steps.get(token.kind) ?? 0;
      deepest = Math.max(deepest, current);
    }
  } catch {
    // lexing error: the nesting seen so far
  }
  return deepest;
}

/**
 * Parses `query` with graphql-js (`noLocation` keeps the AST small; the gateway never needs node
 * locations after parsing). More than `limits.maxTokens` tokens → `LimitExceededError("tokens",
 * max, found)`; any other syntax error → `GraphQLParseError` with graphql-js's message and, in
 * `extensions.locations`, its `{ line, column }` positions (GraphQL spec §7.1.2). A document
 * nested so deeply that the parser's recursion overflows is a `LimitExceededError("depth")` when
 * its selections are, `LimitExceededError("jsonDepth")` when its values or types are; a parsed
 * document with a value literal nested past `limits.maxJsonDepth` is a `LimitExceededError("jsonDepth")`
 * too (src/graphql/value-depth.ts).
 *
 * @example
 * const document = parseDocument("{ posts { id } }", limits);
 * parseDocument("{ posts {", limits); // throws GraphQLParseError (code GRAPHQL_PARSE_FAILED, 400)
 */
export function parseDocument(
  query: string,
  limits: Pick<RequestLimits, "maxTokens" | "maxDepth"> & Partial<Pick<RequestLimits, "maxJsonDepth">>,
): DocumentNode {
  const maxJsonDepth = limits.maxJsonDepth ?? DEFAULT_LIMITS.maxJsonDepth;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError) {
      if (TOKEN_LIMIT_MESSAGE.test(error.message)) {
        // Count the real number (bounded: the body is already size-limited) so the error can name it.
        throw new LimitExceededError("tokens", limits.maxTokens, countTokens(query));
      }
      const locations = error.locations?.map(({ line, column }) => ({ line, column }));
      throw new GraphQLParseError(error.message, locations && locations.length > 0 ? { locations } : {});
    }
    // Stack exhaustion ("Maximum call stack size exceeded") on absurd nesting: a depth problem.
    const nesting = braceNesting(query);
    if (nesting > limits.maxDepth) {
      throw new LimitExceededError("depth", limits.maxDepth, nesting, "The document is nested too deeply to parse.");
    }
    // Not the selections: lists (`[[[…]]]` as a value or a variable's type) or objects in values.
    const values = bracketNesting(query);
    if (values > maxJsonDepth) {
      throw new LimitExceededError("jsonDepth", maxJsonDepth, values, "The document is nested too deeply to parse.");
    }
    throw error;
  }
  assertValueDepth(document, maxJsonDepth);
  return document;
}

/** The field nesting of a selection set as written (fragments not expanded), without recursion. */
function literalDepth(root: SelectionSetNode): number {
  let deepest = 0;
  const stack: [SelectionSetNode, number][] = [[root, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [selectionSet, depth] = item;
    for (const selection of selectionSet.selections) {
      if (selection.kind === FRAGMENT_SPREAD) continue;
      const next = selection.kind === FIELD ? depth + 1 : depth;
      deepest = Math.max(deepest, next);
      if (selection.selectionSet) stack.push([selection.selectionSet, next]);
    }
  }
  return deepest;
}

/** What {@link checkDocumentLimits} measured on the selected operation. */
export interface DocumentStats {
  /** Deepest field nesting; `{ a }` is 1, `{ a { b } }` is 2. */
  depth: number;
  /** Aliased fields, counted once per place they would execute (fragments expanded per spread). */
  aliases: number;
  /** Directive applications, counted the same way, plus those on the operation and its variables. */
  directives: number;
}

interface Measure {
  depth: number;
  aliases: number;
  directives: number;
}

const saturate = (n: number): number => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * Measures `operation` (fragments of `document` expanded wherever spread) and refuses it when it
 * exceeds a limit, checked in the order depth, aliases, directives:
 * `LimitExceededError(limit, max, found)` with `limit` one of `"depth"`, `"aliases"`,
 * `"directives"`. A fragment cycle or a spread of an unknown fragment is a
 * `GraphQLValidationError` (the document could never execute). Only fragments reachable from
 * `operation` are looked at. Returns the measured stats when within limits.
 *
 * @example
 * const document = parseDocument("query Q { a: posts { id } }", limits);
 * const { operation } = selectOperation(document, "Q");
 * checkDocumentLimits(document, operation, limits); // { depth: 2, aliases: 1, directives: 0 }
 */
export function checkDocumentLimits(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: Pick<RequestLimits, "maxDepth" | "maxAliases" | "maxDirectives">,
): DocumentStats {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();

  const countDirectives = (directives: readonly DirectiveNode[] | undefined): number => directives?.length ?? 0;

  function measureFragment(name: string): Measure {
    const known = memo.get(name);
    if (known) return known;
    if (inProgress.has(name)) {
      throw new GraphQLValidationError(`Cannot spread fragment "${name}" within itself.`, { fragment: name });
    }
    const fragment = fragments.get(name);
    if (!fragment) throw new GraphQLValidationError(`Unknown fragment "${name}".`, { fragment: name });
    inProgress.add(name);
    const inner = measureSelections(fragment.selectionSet);
    inProgress.delete(name);
    const measure = { ...inner, directives: saturate(inner.directives + countDirectives(fragment.directives)) };
    memo.set(name, measure);
    return measure;
  }

  function measureSelections(selectionSet: SelectionSetNode): Measure {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of selectionSet.selections) {
      directives += countDirectives(selection.directives);
      let inner: Measure;
      switch (selection.kind) {
        case FIELD:
          if (selection.alias) aliases += 1;
          inner = selection.selectionSet ? measureSelections(selection.selectionSet) : { depth: 0, aliases: 0, directives: 0 };
          depth = Math.max(depth, inner.depth + 1);
          break;
        case INLINE_FRAGMENT:
          inner = measureSelections(selection.selectionSet);
          depth = Math.max(depth, inner.depth);
          break;
        case FRAGMENT_SPREAD:
          inner = measureFragment(selection.name.value);
          depth = Math.max(depth, inner.depth);
          break;
      }
      aliases = saturate(aliases + inner.aliases);
      directives = saturate(directives + inner.directives);
    }
    return { depth, aliases, directives };
  }

  let measured: Measure;
  try {
    measured = measureSelections(operation.selectionSet);
  } catch (error) {
    // Only reachable with a very high maxTokens: nesting in the thousands overflows the stack.
    if (error instanceof GatewayError) throw error;
    const depth = literalDepth(operation.selectionSet);
    if (depth > limits.maxDepth) throw new LimitExceededError("depth", limits.maxDepth, depth);
    throw error;
  }
  const operationDirectives =
    countDirectives(operation.directives) +
    (operation.variableDefinitions ?? []).reduce((sum, variable) => sum + countDirectives(variable.directives), 0);
  const stats: DocumentStats = {
    depth: measured.depth,
    aliases: measured.aliases,
    directives: saturate(measured.directives + operationDirectives),
  };

  if (stats.depth > limits.maxDepth) throw new LimitExceededError("depth", limits.maxDepth, stats.depth);
  if (stats.aliases > limits.maxAliases) throw new LimitExceededError("aliases", limits.maxAliases, stats.aliases);
  if (stats.directives > limits.maxDirectives) throw new LimitExceededError("directives", limits.maxDirectives, stats.directives);
  return stats;
}
