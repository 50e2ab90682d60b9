/**
 * Where-filter operators per scalar kind, shared by the SDL generator (which declares the input
 * fields) and the SQL compiler (which translates them), so the two can never drift apart.
 */
import type { ScalarKind } from "./models";

/** What an operator does with the column expression `c` and the argument. */
export type OperatorOp =
  | "eq"
  | "not"
  | "in"
  | "not_in"
  | "contains"
  | "not_contains"
  | "starts_with"
  | "not_starts_with"
  | "ends_with"
  | "not_ends_with"
  | "lt"
  | "lte"
  | "gt"
  | "gte"
  | "contains_some"
  | "contains_all"
  | "contains_none";

export interface Operator {
  /** Suffix appended to the field name in the where input (`""` for equality). */
  suffix: string;
  op: OperatorOp;
  /** The argument is a list of the field's element type. */
  list: boolean;
}

const op = (o: OperatorOp, list = false): Operator => ({ suffix: o === "eq" ? "" : `_${o}`, op: o, list });

const STRING_OPS = [
  op("eq"),
  op("not"),
  op("in", true),
  op("not_in", true),
  op("contains"),
  op("not_contains"),
  op("starts_with"),
  op("not_starts_with"),
  op("ends_with"),
  op("not_ends_with"),
];
const ORDERED_OPS = [op("eq"), op("not"), op("in", true), op("not_in", true), op("lt"), op("lte"), op("gt"), op("gte")];

/** Operators by kind. `ID` and `DateTime` cover the system fields every model has. */
export const OPERATORS: Record<ScalarKind | "ID" | "DateTime", Operator[]> = {
  ID: [op("eq"), op("not"), op("in", true), op("not_in", true), op("contains"), op("starts_with")],
  String: STRING_OPS,
  Int: ORDERED_OPS,
  DateTime: ORDERED_OPS,
  StringList: [op("contains_some", true), op("contains_all", true), op("contains_none", true)],
};

/** GraphQL type name of a kind's single value (the element type for lists). */
export const GRAPHQL_SCALAR: Record<ScalarKind | "ID" | "DateTime", string> = {
  ID: "ID",
  String: "String",
  Int: "Int",
  DateTime: "DateTime",
  StringList: "String",
};
