/**
 * Adds the identity fields a {@link CachePlan} needs to the document forwarded to the origin:
 * `<idAlias>: id` on every entry position and single-entry mutation, `<typeAlias>: __typename`
 * where the type is abstract (for a union, inside an inline fragment per model, since `id` is not
 * a field of the union). Works on the graphql-js AST of the forwarded document, which has the
 * client's selection structure (rule conditions and pinned arguments do not change response
 * keys), by following response keys. Adding `id` and `__typename` to entries already selected
 * touches no model, stage or locale the operation did not already touch.
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import type { CachePlan, Position } from "./plan";

/**
 * The forwarded document with the plan's identity fields; the same document when there is nothing to add.
 *
 * @example print(augmentDocument(parse('{ post(where: { slug: "a" }) { title } }'), plan, null));
 * // '{ post(where: { slug: "a" }) { title _ce_id: id } }'
 */
export function augmentDocument(document: DocumentNode, plan: CachePlan, operationName: string | null): DocumentNode {
  const identified = plan.mutations.filter((m) => m.identified).map((m) => m.key);
  if (plan.positions.length === 0 && identified.length === 0) return document;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!chosen) return document;
  const augmenter = new Augmenter(plan);
  const selectionSet =
    chosen.operation === "mutation"
      ? augmenter.mutationRoot(chosen.selectionSet, new Set(identified))
      : augmenter.set(chosen.selectionSet, plan.positions);
  if (selectionSet === chosen.selectionSet) return document;
  const replaced: OperationDefinitionNode = { ...chosen, selectionSet };
  return { ...document, definitions: document.definitions.map((d) => (d === chosen ? replaced : d)) };
}

class Augmenter {
  constructor(private readonly plan: CachePlan) {}

  /** A selection set whose fields with a position's response key get that position's fields. */
  set(set: SelectionSetNode, positions: readonly Position[]): SelectionSetNode {
    if (positions.length === 0) return set;
    let changed = false;
    const selections = set.selections.map((sel): SelectionNode => {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const inner = this.set(sel.selectionSet, positions);
        if (inner === sel.selectionSet) return sel;
        changed = true;
        return { ...sel, selectionSet: inner };
      }
      if (sel.kind !== Kind.FIELD || !sel.selectionSet) return sel;
      const key = sel.alias?.value ?? sel.name.value;
      const matching = positions.filter((p) => p.key === key);
      if (matching.length === 0) return sel;
      changed = true;
      return { ...sel, selectionSet: this.position(sel, matching) };
    });
    return changed ? { ...set, selections } : set;
  }

  mutationRoot(set: SelectionSetNode, keys: ReadonlySet<string>): SelectionSetNode {
    let changed = false;
    const selections = set.selections.map((sel): SelectionNode => {
      if (sel.kind !== Kind.FIELD || !sel.selectionSet || !keys.has(sel.alias?.value ?? sel.name.value)) return sel;
      changed = true;
      return {
        ...sel,
        selectionSet: { ...sel.selectionSet, selections: [...sel.selectionSet.selections, this.alias(this.plan.idAlias, "id")] },
      };
    });
    return changed ? { ...set, selections } : set;
  }

  private position(field: FieldNode, positions: readonly Position[]): SelectionSetNode {
    const inner = this.set(
      field.selectionSet!,
      positions.flatMap((p) => p.children),
    );
    const entry = positions.find((p) => p.kind !== "object");
    if (!entry) return inner;
    return { ...inner, selections: [...inner.selections, ...this.identity(entry)] };
  }

  private identity(position: Position): SelectionNode[] {
    const out: SelectionNode[] = [];
    if (position.typed) out.push(this.alias(this.plan.typeAlias, "__typename"));
    if (!position.union) {
      out.push(this.alias(this.plan.idAlias, "id"));
      return out;
    }
    // `id` is not a field of a union: ask each of its models for it.
    for (const model of position.models) {
      const fragment: InlineFragmentNode = {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: model } },
        selectionSet: { kind: Kind.SELECTION_SET, selections: [this.alias(this.plan.idAlias, "id")] },
      };
      out.push(fragment);
    }
    return out;
  }

  private alias(alias: string, field: string): FieldNode {
    return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: field } };
  }
}
