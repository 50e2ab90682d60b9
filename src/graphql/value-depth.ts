/**
 * How deeply the input values written in a document nest (lists and input objects, in arguments
 * and variable defaults), and the list types of its variables. A variable's value is bounded when
 * its JSON is parsed (`limits.maxJsonDepth`, src/http/json-body.ts); this holds a literal and a
 * variable's type to the same bound, so that no value or type reaches graphql-js (whose coercion
 * and error messages recurse per level: `[[[…ID…]]]` 4,800 deep was a 500), the permission
 * analysis or the invalidation plan nested deeper than the deployment allows. A type deeper than
 * the limit could only take a value the JSON limit refuses anyway. Every walk here is iterative.
 */
import {
  Kind,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
} from "graphql";
import { LimitExceededError } from "../errors";

/**
 * Lists and input objects on the deepest path of a value literal: `1` and `$v` are 0, `[1]` and
 * `{ a: 1 }` are 1, `{ AND: [{ id: 1 }] }` is 3.
 *
 * @example valueNodeDepth(parseValue("{ AND: [{ id: 1 }] }")); // 3
 */
export function valueNodeDepth(value: ValueNode): number {
  const nodes: ValueNode[] = [value];
  const depths: number[] = [0];
  let deepest = 0;
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    const inner = depth + 1;
    if (node.kind === Kind.LIST) {
      deepest = Math.max(deepest, inner);
      for (const item of node.values) {
        nodes.push(item);
        depths.push(inner);
      }
    } else if (node.kind === Kind.OBJECT) {
      deepest = Math.max(deepest, inner);
      for (const field of node.fields) {
        nodes.push(field.value);
        depths.push(inner);
      }
    }
  }
  return deepest;
}

/**
 * The lists in a type reference: `ID!` is 0, `[[ID!]]!` is 2.
 *
 * @example typeNodeDepth(parseType("[[ID!]]!")); // 2
 */
export function typeNodeDepth(type: TypeNode): number {
  let depth = 0;
  for (let node = type; node.kind !== Kind.NAMED_TYPE; node = node.type) if (node.kind === Kind.LIST_TYPE) depth++;
  return depth;
}

/**
 * The deepest value literal or variable type anywhere in `document`: every argument of every
 * field and directive, every variable's type and default, in every operation and fragment (not
 * only the executed ones: the whole document is walked by later steps and may be forwarded).
 *
 * @example documentValueDepth(parse("query($v: [ID] = [[1]]) { posts(where: { id_in: [1] }) { id } }")); // 2
 */
export function documentValueDepth(document: DocumentNode): number {
  let deepest = 0;
  const values = (args: readonly ArgumentNode[] | undefined, directives: readonly DirectiveNode[] | undefined) => {
    for (const arg of args ?? []) deepest = Math.max(deepest, valueNodeDepth(arg.value));
    for (const directive of directives ?? [])
      for (const arg of directive.arguments ?? []) deepest = Math.max(deepest, valueNodeDepth(arg.value));
  };
  const sets: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      values(undefined, definition.directives);
      for (const variable of definition.variableDefinitions ?? []) {
        deepest = Math.max(deepest, typeNodeDepth(variable.type));
        if (variable.defaultValue) deepest = Math.max(deepest, valueNodeDepth(variable.defaultValue));
        values(undefined, variable.directives);
      }
      sets.push(definition.selectionSet);
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      values(undefined, definition.directives);
      sets.push(definition.selectionSet);
    }
  }
  for (let set = sets.pop(); set; set = sets.pop()) {
    for (const selection of set.selections) {
      values(selection.kind === Kind.FIELD ? selection.arguments : undefined, selection.directives);
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) sets.push(selection.selectionSet);
    }
  }
  return deepest;
}

/**
 * Refuses `document` when a value literal or a variable's type in it nests deeper than `maxJsonDepth`:
 * `LimitExceededError("jsonDepth", max, found)`, the limit a variable's JSON is held to.
 *
 * @example assertValueDepth(parse("{ posts(where: { id_in: [[1]] }) { id } }"), 1); // throws LIMIT_EXCEEDED jsonDepth, found 3
 */
export function assertValueDepth(document: DocumentNode, maxJsonDepth: number): void {
  const found = documentValueDepth(document);
  if (found > maxJsonDepth) {
    throw new LimitExceededError(
      "jsonDepth",
      maxJsonDepth,
      found,
      `Input values and types may nest ${maxJsonDepth} levels of lists and objects; one in this document nests ${found}.`,
    );
  }
}
