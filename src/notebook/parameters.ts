// Papermill-style parameters for TypeScript notebooks: the code cell tagged `parameters` declares each parameter
// with `let` and its default; a run's values are injected as a new cell right after it (tagged
// `injected-parameters`, as papermill does) that assigns them, so the executed notebook shows what it ran with.
// Only declared parameters can be set, with a value of the default's JSON type.
import { err, ok, type Result, unreachable } from "../result.js";

export interface ParameterCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[]; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface ParameterizableNotebook {
  cells: ParameterCell[];
  [key: string]: unknown;
}

export type ParameterValue = string | number | boolean | null | ParameterValue[];

export type ParameterError =
  | { kind: "no-parameters-cell"; notebook: string }
  | { kind: "unknown-parameter"; notebook: string; name: string; known: string[] }
  | { kind: "not-let"; notebook: string; name: string; line: number }
  | { kind: "wrong-type"; notebook: string; name: string; expected: string; got: string };

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

interface Declaration {
  keyword: string;
  name: string;
  /** 1-based line in the parameters cell. */
  line: number;
  defaultType: string | undefined;
}

const DECLARATION =
  /^\s*(let|const|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*=\s*(.+?);?\s*(?:\/\/.*)?$/;

/** The parameters the notebook's `parameters` cell declares, in order. */
export function declaredParameters(notebook: ParameterizableNotebook): string[] {
  const cell = parametersCell(notebook);
  return cell === undefined ? [] : declarations(cell).map((declaration) => declaration.name);
}

/** A copy of the notebook with `values` injected after its parameters cell. */
export function injectParameters(
  notebook: ParameterizableNotebook,
  values: Record<string, ParameterValue>,
  name: string,
): Result<ParameterizableNotebook, ParameterError> {
  const index = notebook.cells.findIndex(isParametersCell);
  const cell = notebook.cells[index];
  if (cell === undefined) return err({ kind: "no-parameters-cell", notebook: name });
  const declared = new Map(declarations(cell).map((declaration) => [declaration.name, declaration]));
  const lines: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const declaration = declared.get(key);
    if (declaration === undefined)
      return err({ kind: "unknown-parameter", notebook: name, name: key, known: [...declared.keys()] });
    if (declaration.keyword !== "let")
      return err({ kind: "not-let", notebook: name, name: key, line: declaration.line });
    const got = jsonType(value);
    if (declaration.defaultType !== undefined && declaration.defaultType !== got)
      return err({ kind: "wrong-type", notebook: name, name: key, expected: declaration.defaultType, got });
    lines.push(`${key} = ${JSON.stringify(value)};`);
  }
  const injected: ParameterCell = {
    cell_type: "code",
    execution_count: null,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    source: [
      "// Parameters of this run\n",
      ...lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)),
    ],
  };
  const cells = [...notebook.cells];
  cells.splice(index + 1, 0, injected);
  return ok({ ...notebook, cells });
}

/** A command-line value: JSON where it parses as JSON (numbers, true, null, "quoted", [..]), else the text. */
export function parseParameterValue(text: string): ParameterValue {
  try {
    return JSON.parse(text) as ParameterValue;
  } catch {
    return text;
  }
}

export function formatParameterError(error: ParameterError): string {
  switch (error.kind) {
    case "no-parameters-cell":
      return `${error.notebook}: no code cell tagged "${PARAMETERS_TAG}" to take parameters`;
    case "unknown-parameter":
      return `${error.notebook}: no parameter "${error.name}" (the parameters cell declares: ${error.known.join(", ") || "none"})`;
    case "not-let":
      return `${error.notebook}: parameters cell line ${error.line}: "${error.name}" must be declared with let to be overridden`;
    case "wrong-type":
      return `${error.notebook}: parameter "${error.name}" is a ${error.expected} (its default's type), got a ${error.got}`;
    default:
      return unreachable(error);
  }
}

function isParametersCell(cell: ParameterCell): boolean {
  return cell.cell_type === "code" && (cell.metadata?.tags ?? []).includes(PARAMETERS_TAG);
}

function parametersCell(notebook: ParameterizableNotebook): ParameterCell | undefined {
  return notebook.cells.find(isParametersCell);
}

function declarations(cell: ParameterCell): Declaration[] {
  const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  return source.split("\n").flatMap((text, i) => {
    const match = text.match(DECLARATION);
    if (!match) return [];
    const [, keyword = "", name = "", annotation, initializer = ""] = match;
    return [{ keyword, name, line: i + 1, defaultType: annotation ? undefined : literalType(initializer) }];
  });
}

/** The JSON type of a literal default; undefined (anything goes) for an expression. */
function literalType(initializer: string): string | undefined {
  try {
    return jsonType(JSON.parse(initializer) as ParameterValue);
  } catch {
    return undefined;
  }
}

function jsonType(value: ParameterValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
