/**
 * Random read documents over ANY Hygraph-style schema, for property tests against real schemas
 * (test/fixtures/real-schemas.ts). Documents are built as graphql-js ASTs from the schema's
 * shape — never by pasting text — and are valid for the schema by construction (the tests assert
 * it). They use every family Hygraph generates: root lists, singles by id, connections
 * (`edges.node`, `aggregate`, `pageInfo`), `node`, `<model>Version` with a literal or variable
 * `where`, relations (single, list, union and interface members), `documentInStages`,
 * `localizations` and `history`, plus aliases, named and inline fragments (reused in several
 * contexts), variables for stages, locales and filters, nested `stage`/`locales` arguments, and
 * sometimes a second operation the request does not choose. `where` arguments of lists and
 * relations are id filters or, given the origin's value domains, filters drawn through the where
 * input type: relations, `_some/_every/_none`, unions, components, `createdBy`, `scheduledIn_*`,
 * `documentInStages_*` and scalar comparisons, inside `AND`/`OR`/`NOT`, as literals, variables or
 * literals holding variables (support/filter-arbitraries.ts).
 */
import fc from "fast-check";
import {
  astFromValue,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  OperationTypeNode,
  print,
  type ArgumentNode,
  type DefinitionNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionNode,
  type ListTypeNode,
  type NamedTypeNode,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from "graphql";
import { filterDrawer, filterLiteral } from "./filter-arbitraries";

/** What documents are drawn from: a schema, its models, stage and locale names, and the ids that exist. */
export interface SchemaSpace {
  schema: GraphQLSchema;
  models: readonly string[];
  stages: readonly string[];
  locales: readonly string[];
  ids: Readonly<Record<string, readonly string[]>>;
  /** Values to use, now and then, for a stage or locale variable: anything, valid or not. */
  scopeValue?: fc.Arbitrary<string>;
  /** Whether `stages`/`locales` lists may be empty (`[]`); default true. */
  emptyScopeLists?: boolean;
  /** The values the origin's data takes for a leaf type: given, `where` filters compare entries' data too. */
  samples?: (type: GraphQLNamedType) => readonly unknown[];
  /** Whether stage comparisons may name stages inside `OR`/`NOT`/`AND` (default true). */
  stageLogic?: boolean;
}

export interface RandomRequest {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  /** Stage/locale variable values that are not enum members (`$v1` → its value): must be refused. */
  invalidVariables: { variable: string; kind: "stage" | "locale"; value: string }[];
  /** The document names an empty `stages`/`locales` list somewhere. */
  emptyScopeList: boolean;
  /** Root field families used, for the test's statistics. */
  families: string[];
  /** Response keys of root fields returning one entry (`single`, `node`). */
  singles: string[];
  /** Filter families the chosen operation's `where` arguments use (filter-arbitraries.ts), for statistics. */
  filterFamilies: string[];
}

type Gen = fc.GeneratorValue;
type Family = "list" | "single" | "connection" | "node" | "version" | "other";

const nameNode = (value: string) => ({ kind: Kind.NAME, value }) as const;
const MAX_FIELDS = 60;

/** The AST of a GraphQL type reference. */
function typeNode(type: GraphQLType): TypeNode {
  if (isNonNullType(type)) return { kind: Kind.NON_NULL_TYPE, type: typeNode(type.ofType) as NamedTypeNode | ListTypeNode };
  if (isListType(type)) return { kind: Kind.LIST_TYPE, type: typeNode(type.ofType) };
  return { kind: Kind.NAMED_TYPE, name: nameNode(getNamedType(type)!.name) };
}

const nullable = (type: GraphQLType): GraphQLType => (isNonNullType(type) ? type.ofType : type);

/**
 * Draws one request (document, variables, operation name) over `space`.
 *
 * @example
 * fc.assert(fc.property(fc.gen(), (g) => { const { query } = randomRequest(g, space); expect(validate(space.schema, parse(query))).toEqual([]); }));
 */
export function randomRequest(g: Gen, space: SchemaSpace): RandomRequest {
  const { schema } = space;
  const query = schema.getQueryType()!;
  const modelSet = new Set(space.models);
  let n = 0;
  let fields = 0;
  const fragments: FragmentDefinitionNode[] = [];
  /** Fragments that can be spread again elsewhere; `vars`: it uses operation variables. */
  const pool: { name: string; on: string; vars: boolean }[] = [];
  const building: { vars: boolean }[] = [];
  const out: RandomRequest = {
    query: "",
    variables: null,
    operationName: null,
    invalidVariables: [],
    emptyScopeList: false,
    families: [],
    singles: [],
    filterFamilies: [],
  };

  // Per operation: variable definitions and values; the decoy operation takes none.
  let varDefs: VariableDefinitionNode[] = [];
  let variables: Record<string, unknown> = {};
  let allowVars = true;

  const modelsOf = (type: GraphQLNamedType): string[] => {
    if (modelSet.has(type.name)) return [type.name];
    if (isAbstractType(type))
      return schema
        .getPossibleTypes(type)
        .map((t) => t.name)
        .filter((m) => modelSet.has(m));
    if (!isObjectType(type)) return [];
    const edges = type.getFields()["edges"];
    const edge = edges ? getNamedType(edges.type) : type;
    const node = isObjectType(edge) ? edge.getFields()["node"] : undefined;
    return node ? modelsOf(getNamedType(node.type)) : [];
  };
  const isConnectionOrEdge = (type: GraphQLNamedType) =>
    isObjectType(type) && Boolean(type.getFields()["node"] || type.getFields()["edges"]) && modelsOf(type).length > 0;
  const someIds = (models: readonly string[], count: number): string[] => {
    const all = models.flatMap((m) => space.ids[m] ?? []);
    const picked = g(() => fc.subarray(all.length ? all : ["missing"], { minLength: 1, maxLength: count }));
    // Now and then an id that exists nowhere.
    return g(() => fc.integer({ min: 0, max: 9 })) === 0 ? ["doesNotExist", ...picked] : picked;
  };

  /** A variable of `type` holding `value` (or left unset when `value` is undefined). */
  function variable(type: GraphQLType, value: unknown): ValueNode {
    const name = `v${n++}`;
    varDefs.push({ kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: nameNode(name) }, type: typeNode(type) });
    if (value !== undefined) variables[name] = value;
    for (const f of building) f.vars = true;
    return { kind: Kind.VARIABLE, name: nameNode(name) };
  }

  /** A literal of `type` for a JS value (enums, lists and input objects as graphql-js prints them). */
  function literal(value: unknown, type: GraphQLInputType): ValueNode {
    const ast = astFromValue(value, type);
    if (!ast) throw new Error(`no literal for ${JSON.stringify(value)} as ${String(type)}`);
    return ast;
  }

  /**
   * A value for an argument: a literal, a variable with a value, a variable left unset or null
   * (where the position allows), or nothing. `draw` draws the value itself.
   */
  function argValue(
    arg: GraphQLArgument,
    draw: () => unknown,
    kind: "stage" | "locale" | null,
    toLiteral: (value: unknown) => ValueNode = (value) => literal(value, arg.type),
  ): ValueNode | null {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const modes = [
      "literal",
      "literal",
      "variable",
      ...(required ? [] : ["none", "none"]),
      ...(!isNonNullType(arg.type) || arg.defaultValue !== undefined ? ["unset"] : []),
      ...(!isNonNullType(arg.type) ? ["null"] : []),
    ];
    const mode = allowVars
      ? g(() => fc.constantFrom(...modes))
      : g(() => fc.constantFrom(...modes.filter((m) => m === "literal" || m === "none")));
    if (mode === "none") return null;
    if (mode === "null") return { kind: Kind.NULL };
    if (mode === "unset") return variable(nullable(arg.type), undefined);
    // Now and then a stage or locale variable carries any text at all.
    if (mode === "variable" && kind && space.scopeValue && g(() => fc.integer({ min: 0, max: 19 })) === 0) {
      const text = g(() => space.scopeValue!);
      const node = variable(arg.type, isListType(nullable(arg.type)) ? [text] : text);
      const valid = kind === "stage" ? space.stages.includes(text) : space.locales.includes(text);
      if (!valid) out.invalidVariables.push({ variable: node.kind === Kind.VARIABLE ? node.name.value : "?", kind, value: text });
      return node;
    }
    const value = draw();
    return mode === "literal" ? toLiteral(value) : variable(arg.type, value);
  }

  const filters = space.samples
    ? filterDrawer(g, {
        schema,
        models: modelSet,
        stages: space.stages,
        samples: space.samples,
        someIds: (models, count) => someIds(models, count),
        ...(space.stageLogic === undefined ? {} : { stageLogic: space.stageLogic }),
      })
    : null;

  const scopeList = (values: readonly string[]) => {
    // Rarely empty: an explicit `[]` is a value a client can send.
    if (space.emptyScopeLists !== false && g(() => fc.integer({ min: 0, max: 29 })) === 0) {
      out.emptyScopeList = true;
      return [];
    }
    return g(() => fc.shuffledSubarray([...values], { minLength: 1 }));
  };

  /** A Hygraph id filter on `models`' entries (every Hygraph where input has these keys). */
  function idFilter(models: readonly string[]): Record<string, unknown> {
    const [a, b = a] = someIds(models, 3);
    return g(() =>
      fc.constantFrom<Record<string, unknown>>(
        { id: a },
        { id_in: [a, b] },
        { id_not: a },
        { id_not_in: [b] },
        { OR: [{ id: a }, { id: b }] },
        { NOT: [{ id: a }] },
        { AND: [{ id_not: b }, { id_in: someIds(models, 3) }] },
      ),
    );
  }

  /** Arguments of a field, by Hygraph convention (stage, locales, where, first, …) and the schema. */
  function argsOf(def: GraphQLField<unknown, unknown>, family: Family | null): ArgumentNode[] {
    const out: ArgumentNode[] = [];
    const targets = modelsOf(getNamedType(def.type));
    for (const arg of def.args) {
      const named = getNamedType(arg.type);
      let value: ValueNode | null = null;
      if (named.name === "Stage") {
        value = isListType(nullable(arg.type))
          ? argValue(arg, () => scopeList(space.stages), "stage")
          : argValue(arg, () => g(() => fc.constantFrom(...space.stages)), "stage");
      } else if (named.name === "Locale") {
        value = argValue(
          arg,
          () => (isListType(nullable(arg.type)) ? scopeList(space.locales) : g(() => fc.constantFrom(...space.locales))),
          "locale",
        );
      } else if (arg.name === "where" && isInputObjectType(named)) {
        value = whereValue(arg, named, family, def.name, targets);
      } else if (arg.name === "id" && family === "node") {
        value = literalOrVariable(arg, someIds(space.models, 1)[0]);
      } else if (arg.name === "ids") {
        value = literalOrVariable(arg, someIds(space.models, 3));
      } else if ((arg.name === "first" || arg.name === "skip") && named.name === "Int") {
        if (g(() => fc.integer({ min: 0, max: 3 })) === 0)
          value = literal(
            g(() => fc.integer({ min: arg.name === "first" ? 1 : 0, max: 3 })),
            arg.type,
          );
      } else if ((arg.name === "includeCurrent" || arg.name === "inheritLocale") && named.name === "Boolean") {
        const choice = g(() => fc.constantFrom("none", "true", "false"));
        if (choice !== "none") value = literal(choice === "true", arg.type);
      } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
        value = literal(inputValue(arg.type), arg.type);
      }
      if (value) out.push({ kind: Kind.ARGUMENT, name: nameNode(arg.name), value });
    }
    return out;
  }

  function literalOrVariable(arg: GraphQLArgument, value: unknown): ValueNode {
    return allowVars && g(() => fc.boolean()) ? variable(arg.type, value) : literal(value, arg.type);
  }

  /** `where` of a list, a single (unique input) or a `<model>Version` (id, revision, stage). */
  function whereValue(
    arg: GraphQLArgument,
    type: GraphQLInputObjectType,
    family: Family | null,
    field: string,
    targets: string[],
  ): ValueNode | null {
    const keys = type.getFields();
    if (family === "version" && keys["revision"] && keys["stage"]) {
      const model = field.charAt(0).toUpperCase() + field.slice(1, -"Version".length);
      const id = someIds([model], 1)[0]!;
      const revision = g(() => fc.integer({ min: 1, max: 3 }));
      const stage = g(() => fc.constantFrom(...space.stages));
      const mode = allowVars ? g(() => fc.constantFrom("literal", "whole", "stage")) : "literal";
      if (mode === "whole") return variable(arg.type, { id, revision, stage });
      const stageField = keys["stage"]!;
      const stageNode = mode === "stage" ? variable(stageField.type, stage) : literal(stage, stageField.type);
      return {
        kind: Kind.OBJECT,
        fields: [
          { kind: Kind.OBJECT_FIELD, name: nameNode("id"), value: { kind: Kind.STRING, value: id } },
          { kind: Kind.OBJECT_FIELD, name: nameNode("revision"), value: { kind: Kind.INT, value: String(revision) } },
          { kind: Kind.OBJECT_FIELD, name: nameNode("stage"), value: stageNode },
        ],
      };
    }
    if (family === "single") return literalOrVariable(arg, { id: someIds(targets, 1)[0] });
    if (isNonNullType(arg.type)) return literal(inputValue(arg.type), arg.type);
    // An id filter, or (mostly) one drawn through the where input type.
    const rich = filters !== null && g(() => fc.integer({ min: 0, max: 2 })) > 0;
    const node = argValue(
      arg,
      () => (rich ? filters.draw(type, targets) : idFilter(targets)),
      null,
      (value) =>
        filterLiteral(value, arg.type, allowVars ? variable : null, () => {
          const inside = g(() => fc.integer({ min: 0, max: 7 })) === 0;
          if (inside) filters?.families.add("variable inside a literal");
          return inside;
        }),
    );
    if (rich && node?.kind === Kind.VARIABLE) filters.families.add("where as a variable");
    return node;
  }

  /** A value of any input type with only its required fields (for arguments the test does not vary). */
  function inputValue(type: GraphQLInputType): unknown {
    const t = nullable(type) as GraphQLInputType;
    if (isListType(t)) return [inputValue(t.ofType)];
    if (isEnumType(t)) return t.getValues()[0]!.value;
    if (isInputObjectType(t))
      return Object.fromEntries(
        Object.values(t.getFields())
          .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
          .map((f) => [f.name, inputValue(f.type)]),
      );
    if (isScalarType(t)) return t.name === "Int" || t.name === "Float" ? 1 : t.name === "Boolean" ? true : "x";
    return null;
  }

  /** One field selection: aliased unless its name is the same everywhere (`id`, `stage`, `locale`). */
  function fieldNode(def: GraphQLField<unknown, unknown>, family: Family | null, hops: number, nesting: number): FieldNode | null {
    const named = getNamedType(def.type);
    const args = argsOf(def, family);
    const plain = args.length === 0 && ["id", "stage", "locale"].includes(def.name);
    fields++;
    let selections: SelectionNode[] | undefined;
    if (!isLeafType(named)) {
      selections = selectionOf(named, hops, nesting + 1);
      if (selections.length === 0) return null;
    }
    return {
      kind: Kind.FIELD,
      alias: plain ? undefined : nameNode(`a${n++}`),
      name: nameNode(def.name),
      arguments: args,
      selectionSet: selections ? { kind: Kind.SELECTION_SET, selections } : undefined,
    };
  }

  /** Selections on an object, interface or union type. `hops`: relations still allowed below. */
  function selectionOf(type: GraphQLNamedType, hops: number, nesting: number): SelectionNode[] {
    const typename: SelectionNode = { kind: Kind.FIELD, name: nameNode("__typename") };
    if (isAbstractType(type)) {
      const members = schema.getPossibleTypes(type);
      const out: SelectionNode[] = [typename];
      if (isInterfaceType(type)) out.push(...objectFields(type, hops, nesting, 0, 1));
      const count = g(() => fc.integer({ min: 1, max: Math.min(3, members.length) }));
      for (let i = 0; i < count; i++) {
        // Names, not type objects, are drawn: a failure's counterexample stays readable.
        const member = g(() => fc.constantFrom(...members.map((m) => m.name)));
        out.push(onType(schema.getType(member) as GraphQLObjectType, hops, nesting));
      }
      return out;
    }
    if (!isObjectType(type)) return [];
    // Every entry names its model, id, stage and locale, so the oracle can read the delivered
    // answer; other objects their id, or their type.
    const own = type.getFields();
    const plain = (name: string): SelectionNode => ({ kind: Kind.FIELD, name: nameNode(name) });
    const base: SelectionNode[] = modelSet.has(type.name)
      ? [typename, ...["id", "stage", "locale"].filter((f) => own[f]).map(plain)]
      : [own["id"] ? plain("id") : typename];
    const build = () => {
      // Objects without an id (connections, edges, components) select at least one more field.
      const least = own["id"] ? 0 : 1;
      const extra = fields >= MAX_FIELDS ? least : g(() => fc.integer({ min: least, max: nesting > 4 ? 1 : 3 }));
      return [...base, ...objectFields(type, hops, nesting, extra, extra)];
    };
    // Sometimes wrap part of it in a named fragment (built only if not reused), an inline
    // fragment, or add `... on Node`.
    const wrap = g(() => fc.integer({ min: 0, max: 5 }));
    if (wrap === 2) return [...base, fragment(type, build)];
    const selections = build();
    if (wrap === 0) return [...base, inline(type.name, selections)];
    if (wrap === 1 && type.getInterfaces().some((i) => i.name === "Node"))
      return [...selections, inline("Node", [{ kind: Kind.FIELD, name: nameNode("stage") }])];
    return selections;
  }

  /** `min`–`max` random fields of an object or interface type (relations only while `hops` > 0). */
  function objectFields(
    type: GraphQLObjectType | GraphQLInterfaceType,
    hops: number,
    nesting: number,
    min: number,
    max: number,
  ): SelectionNode[] {
    const candidates = Object.values(type.getFields()).filter((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return true;
      const entering = modelsOf(named).length > 0 && !isConnectionOrEdge(type);
      return nesting < 7 && (!entering || hops > 0);
    });
    if (candidates.length === 0) return [];
    const count = g(() => fc.integer({ min, max }));
    const out: SelectionNode[] = [];
    for (let i = 0; i < count; i++) {
      const def = type.getFields()[g(() => fc.constantFrom(...candidates.map((c) => c.name)))]!;
      const named = getNamedType(def.type);
      const entering = modelsOf(named).length > 0 && !isConnectionOrEdge(type);
      const node = fieldNode(def, null, entering ? hops - 1 : hops, nesting);
      if (node) out.push(node);
    }
    return out;
  }

  function inline(on: string, selections: SelectionNode[]): SelectionNode {
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(on) },
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    };
  }

  /** `... on Member { … }`, or a named fragment on it (new, or one already used elsewhere). */
  function onType(member: GraphQLObjectType, hops: number, nesting: number): SelectionNode {
    return g(() => fc.boolean())
      ? inline(member.name, selectionOf(member, hops, nesting))
      : fragment(member, () => selectionOf(member, hops, nesting));
  }

  function fragment(type: GraphQLObjectType, body: () => SelectionNode[]): SelectionNode {
    const reusable = pool.filter((f) => f.on === type.name && (allowVars || !f.vars));
    if (reusable.length > 0 && g(() => fc.boolean())) {
      const chosen = g(() => fc.constantFrom(...reusable));
      if (chosen.vars) for (const f of building) f.vars = true;
      return { kind: Kind.FRAGMENT_SPREAD, name: nameNode(chosen.name) };
    }
    const name = `F${n++}`;
    const state = { vars: false };
    building.push(state);
    const selections = body();
    building.pop();
    if (state.vars) for (const f of building) f.vars = true;
    fragments.push({
      kind: Kind.FRAGMENT_DEFINITION,
      name: nameNode(name),
      typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) },
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    });
    pool.push({ name, on: type.name, vars: state.vars });
    return { kind: Kind.FRAGMENT_SPREAD, name: nameNode(name) };
  }

  /** Root fields grouped by family, by Hygraph's conventions. */
  const families = new Map<Family, GraphQLField<unknown, unknown>[]>();
  for (const def of Object.values(query.getFields())) {
    const named = getNamedType(def.type);
    const targets = modelsOf(named);
    const where = def.args.find((a) => a.name === "where");
    const whereType = where ? getNamedType(where.type) : undefined;
    let family: Family = "other";
    if (def.name === "node") family = "node";
    else if (/Version$/.test(def.name) && whereType && isInputObjectType(whereType) && whereType.getFields()["revision"])
      family = "version";
    else if (targets.length && isConnectionOrEdge(named)) family = "connection";
    else if (targets.length && isListType(nullable(def.type))) family = "list";
    else if (targets.length && whereType) family = "single";
    families.set(family, [...(families.get(family) ?? []), def]);
  }
  const weights: Record<Family, number> = { list: 4, connection: 3, single: 2, node: 1, version: 2, other: 1 };

  function operation(name: string | null): DefinitionNode {
    const roots: SelectionNode[] = [];
    const count = g(() => fc.integer({ min: 1, max: 3 }));
    for (let i = 0; i < count; i++) {
      const family = g(() => fc.oneof(...[...families.keys()].map((f) => ({ weight: weights[f], arbitrary: fc.constant(f) }))));
      const def = query.getFields()[g(() => fc.constantFrom(...families.get(family)!.map((f) => f.name)))]!;
      const hops = g(() => fc.integer({ min: 0, max: 3 }));
      const node = fieldNode(def, family, hops, 0);
      if (node) {
        roots.push(node);
        out.families.push(family);
        if (family === "single" || family === "node") out.singles.push(node.alias?.value ?? node.name.value);
      }
    }
    if (roots.length === 0 || g(() => fc.integer({ min: 0, max: 9 })) === 0) roots.push({ kind: Kind.FIELD, name: nameNode("__typename") });
    return {
      kind: Kind.OPERATION_DEFINITION,
      operation: OperationTypeNode.QUERY,
      name: name ? nameNode(name) : undefined,
      variableDefinitions: varDefs,
      selectionSet: { kind: Kind.SELECTION_SET, selections: roots },
    };
  }

  const definitions: DefinitionNode[] = [];
  // Sometimes a second operation the request does not choose: it is never executed or forwarded.
  if (g(() => fc.integer({ min: 0, max: 6 })) === 0) {
    allowVars = false;
    definitions.push(operation("Other"));
    out.families = [];
    out.singles = [];
    filters?.families.clear();
    varDefs = [];
    variables = {};
    allowVars = true;
    out.operationName = "Main";
  } else if (g(() => fc.boolean())) {
    out.operationName = g(() => fc.boolean()) ? "Main" : null;
  }
  const main = operation(out.operationName ?? (definitions.length === 0 && g(() => fc.boolean()) ? null : "Main"));
  definitions.push(main);
  out.query = print({ kind: Kind.DOCUMENT, definitions: [...definitions, ...fragments] });
  out.variables = Object.keys(variables).length || g(() => fc.boolean()) ? variables : null;
  out.filterFamilies = [...(filters?.families ?? [])].sort();
  return out;
}
