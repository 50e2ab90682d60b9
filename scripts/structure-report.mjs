#!/usr/bin/env node
// The structure of src/ as a new maintainer reads it: files and lines, import cycles (type-only
// imports included, and marked), imports that run back up the layering of docs/architecture.md,
// and the longest functions. `node scripts/structure-report.mjs [--json]`; it only reads.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");

/**
 * The layers of src/, lowest first (docs/architecture.md#layers). A module may import from its
 * own layer and from the layers below it; an import from a lower layer to a higher one "runs back
 * up". The first pattern that matches a path (relative to src/) places the module.
 *
 * @type {ReadonlyArray<{ name: string; patterns: readonly string[] }>}
 */
export const LAYERS = [
  { name: "platform", patterns: ["platform/", "errors.ts", "env.ts"] },
  { name: "protocols", patterns: ["graphql/", "http/", "origin/"] },
  { name: "configuration", patterns: ["projects/", "policies/"] },
  { name: "schema", patterns: ["schema/"] },
  { name: "permissions", patterns: ["permissions/"] },
  { name: "state", patterns: ["auth/", "authority/", "stats/", "cache/", "invalidation/"] },
  { name: "wiring", patterns: ["config/"] },
  { name: "pipeline", patterns: ["pipeline/"] },
  { name: "surfaces", patterns: ["admin/", "webhooks/", "middleware/", "console/", "explorer/", "explain/"] },
  { name: "entry", patterns: ["app.ts", "index.ts"] },
];

/** @param {string} path a module path relative to src/ @returns {number} its layer's index, or -1 */
export function layerOf(path) {
  return LAYERS.findIndex((layer) =>
    layer.patterns.some((pattern) => (pattern.endsWith("/") ? path.startsWith(pattern) : path === pattern)),
  );
}

/** @param {string} dir @returns {string[]} every .ts file below `dir`, sorted */
function tsFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/**
 * @typedef {{ from: string; to: string; typeOnly: boolean }} Edge
 * @typedef {{ name: string; file: string; line: number; lines: number }} FunctionSize
 */

/** @param {string} from absolute path of the importing file @param {string} specifier @returns {string | null} */
function resolveImport(from, specifier) {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ""));
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * The imports of one file: `import`, `export … from` and `import()`; type-only when written
 * `import type` / `export type` or when every named binding is `type`.
 *
 * @param {string} file @param {ts.SourceFile} source @returns {Edge[]}
 */
function importsOf(file, source) {
  /** @type {Edge[]} */
  const edges = [];
  /** @param {string} specifier @param {boolean} typeOnly */
  const add = (specifier, typeOnly) => {
    const target = resolveImport(file, specifier);
    if (target) edges.push({ from: file, to: target, typeOnly });
  };
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const allTypes = !!clause && !clause.name && !!named && named.length > 0 && named.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || allTypes));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((element) => element.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) add(argument.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** @param {ts.Node} node @param {ts.SourceFile} source @returns {string} a readable name for a function node */
function functionName(node, source) {
  /** @param {ts.Node | undefined} n */
  const text = (n) => (n ? n.getText(source) : "");
  const owner = () => {
    const parent = node.parent;
    return parent && (ts.isClassDeclaration(parent) || ts.isClassExpression(parent)) && parent.name ? `${parent.name.text}.` : "";
  };
  if (ts.isFunctionDeclaration(node)) return node.name ? node.name.text : "default";
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) return `${owner()}${text(node.name)}`;
  if (ts.isConstructorDeclaration(node)) return `${owner()}constructor`;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return text(parent.name);
  if (parent && ts.isPropertyAssignment(parent)) return text(parent.name);
  if (parent && ts.isPropertyDeclaration(parent)) return `${owner()}${text(parent.name)}`;
  if (parent && ts.isCallExpression(parent)) return `(argument of ${text(parent.expression).slice(0, 40)})`;
  return "(anonymous)";
}

/** @param {string} file @param {ts.SourceFile} source @returns {FunctionSize[]} */
function functionsOf(file, source) {
  /** @type {FunctionSize[]} */
  const out = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ name: functionName(node, source), file, line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * The strongly connected components of the graph with more than one member (or a self-import):
 * Tarjan's algorithm.
 *
 * @param {string[]} nodes @param {Map<string, Edge[]>} out @returns {string[][]}
 */
function cyclicComponents(nodes, out) {
  let index = 0;
  /** @type {Map<string, number>} */
  const indices = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const components = [];
  /** @param {string} v */
  const connect = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const { to } of out.get(v) ?? []) {
      if (!indices.has(to)) {
        connect(to);
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(to))));
      } else if (onStack.has(to)) low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (indices.get(to))));
    }
    if (low.get(v) === indices.get(v)) {
      /** @type {string[]} */
      const component = [];
      let w;
      do {
        w = /** @type {string} */ (stack.pop());
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (out.get(v) ?? []).some((e) => e.to === v)) components.push(component.sort());
    }
  };
  for (const v of nodes) if (!indices.has(v)) connect(v);
  return components;
}

/**
 * The elementary cycles inside one component (at most `limit`), each as its edges, starting at
 * its smallest member so that a cycle is listed once.
 *
 * @param {string[]} component @param {Map<string, Edge[]>} out @param {number} limit @returns {Edge[][]}
 */
function cyclesIn(component, out, limit = 20) {
  const members = new Set(component);
  /** @type {Edge[][]} */
  const cycles = [];
  for (const start of component) {
    /** @param {string} node @param {Edge[]} path @param {Set<string>} seen */
    const walk = (node, path, seen) => {
      for (const edge of out.get(node) ?? []) {
        if (cycles.length >= limit || !members.has(edge.to) || edge.to < start) continue;
        if (edge.to === start) cycles.push([...path, edge]);
        else if (!seen.has(edge.to)) walk(edge.to, [...path, edge], new Set([...seen, edge.to]));
      }
    };
    walk(start, [], new Set([start]));
  }
  return cycles;
}

/** Everything the report says, as data. */
export function structure() {
  const files = tsFiles(src);
  /** @type {Edge[]} */
  const edges = [];
  /** @type {FunctionSize[]} */
  const functions = [];
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    lines += text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    edges.push(...importsOf(file, source));
    functions.push(...functionsOf(file, source));
  }
  const rel = (/** @type {string} */ path) => relative(src, path);
  // One edge per pair of files; a pair imported both ways (type and value) counts as a value import.
  /** @type {Map<string, Edge>} */
  const unique = new Map();
  for (const edge of edges) {
    const key = `${edge.from}\0${edge.to}`;
    const known = unique.get(key);
    if (!known || (known.typeOnly && !edge.typeOnly)) unique.set(key, edge);
  }
  /** @type {Map<string, Edge[]>} */
  const out = new Map();
  for (const edge of unique.values()) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  const cycles = cyclicComponents(files, out).flatMap((component) => cyclesIn(component, out));
  const backUp = [...unique.values()]
    .map((edge) => ({ edge, from: layerOf(rel(edge.from)), to: layerOf(rel(edge.to)) }))
    .filter(({ from, to }) => from !== -1 && to !== -1 && to > from);
  const unplaced = files.map(rel).filter((path) => layerOf(path) === -1);
  functions.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  return {
    files: files.length,
    lines,
    cycles: cycles.map((cycle) => ({
      typeOnly: cycle.some((edge) => edge.typeOnly),
      path: cycle.map((edge) => ({ from: rel(edge.from), to: rel(edge.to), typeOnly: edge.typeOnly })),
    })),
    backUp: backUp.map(({ edge, from, to }) => ({
      from: rel(edge.from),
      to: rel(edge.to),
      typeOnly: edge.typeOnly,
      layers: `${LAYERS[from]?.name} → ${LAYERS[to]?.name}`,
    })),
    unplaced,
    longest: functions.slice(0, 10).map((f) => ({ name: f.name, at: `${rel(f.file)}:${f.line}`, lines: f.lines })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = structure();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`src/: ${report.files} files, ${report.lines} lines`);
    console.log(`\nimport cycles: ${report.cycles.length} (a cycle with a type-only import does not exist at run time)`);
    for (const cycle of report.cycles) {
      const path = cycle.path.map((edge) => `${edge.from} ${edge.typeOnly ? "-type->" : "->"} `).join("") + cycle.path[0]?.from;
      console.log(`  ${cycle.typeOnly ? "[type-only]" : "[runtime]  "} ${path}`);
    }
    console.log(`\nimports running back up (layers: ${LAYERS.map((l) => l.name).join(" < ")}): ${report.backUp.length}`);
    for (const edge of report.backUp) console.log(`  ${edge.from} ${edge.typeOnly ? "-type->" : "->"} ${edge.to}  (${edge.layers})`);
    if (report.unplaced.length) console.log(`\nmodules in no layer: ${report.unplaced.join(", ")}`);
    console.log("\nlongest functions:");
    for (const f of report.longest) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.at}`);
  }
}
