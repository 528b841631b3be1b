// Row conditions for `rule` expectations: comparisons of the featurizer's arithmetic expressions (expression.ts)
// joined by `and`, `or`, `not` and parentheses, e.g. `Displacement > 0 or Cylinders == 0`.
//   condition  := conjunction ("or" conjunction)*
//   conjunction := negation ("and" negation)*
//   negation   := "not" negation | "(" condition ")" | expr OP expr        OP: < <= > >= == !=
// A comparison with a missing value is false (as in SQL, where it is unknown and the row fails the rule).
import { unreachable } from "../../../result.js";
import { err, ok, type Result } from "../../errors.js";
import { expressionColumns, parseExpression } from "../../features/expression.js";
import type { Expr } from "../../features/featurizer-spec.js";

type Comparison = "<" | "<=" | ">" | ">=" | "==" | "!=";

export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { compare: Comparison; left: Expr; right: Expr };

const COMPARISONS: Comparison[] = ["<=", ">=", "==", "!=", "<", ">"];

/** The positions in `text` outside backticks and parentheses (the parentheses themselves excluded), in order. */
function* topLevelPositions(text: string): Generator<number> {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "`") quoted = !quoted;
    if (quoted) continue;
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (depth === 0) yield i;
  }
}

/** Splits `text` at top-level (outside parentheses and backticks) occurrences of the word `word`. */
function splitTopLevel(text: string, word: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const pattern = new RegExp(`^\\s${word}\\s`, "i");
  for (const i of topLevelPositions(text)) {
    if (i < start || !pattern.test(text.slice(i))) continue;
    parts.push(text.slice(start, i));
    start = i + word.length + 2;
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

function wrappedInParentheses(text: string): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    if (depth === 0 && i < text.length - 1) return false;
  }
  return true;
}

function findComparison(text: string): { at: number; op: Comparison } | undefined {
  for (const i of topLevelPositions(text)) {
    const op = COMPARISONS.find((candidate) => text.startsWith(candidate, i));
    if (op) return { at: i, op };
  }
  return undefined;
}

export function parseCondition(source: string): Result<Condition, { message: string }> {
  const text = source.trim();
  if (text === "") return err({ message: "the rule is empty" });
  const disjuncts = splitTopLevel(text, "or");
  if (disjuncts.length > 1) {
    const parts = disjuncts.map(parseCondition);
    const bad = parts.find((part) => !part.ok);
    return bad ?? ok({ or: parts.map((part) => (part as { value: Condition }).value) });
  }
  const conjuncts = splitTopLevel(text, "and");
  if (conjuncts.length > 1) {
    const parts = conjuncts.map(parseCondition);
    const bad = parts.find((part) => !part.ok);
    return bad ?? ok({ and: parts.map((part) => (part as { value: Condition }).value) });
  }
  if (/^not\s/i.test(text)) {
    const inner = parseCondition(text.slice(4));
    return inner.ok ? ok({ not: inner.value }) : inner;
  }
  if (wrappedInParentheses(text) && findComparison(text.slice(1, -1)) !== undefined)
    return parseCondition(text.slice(1, -1));
  const comparison = findComparison(text);
  if (comparison === undefined)
    return err({ message: `"${text}" is not a comparison (use <, <=, >, >=, == or !=)` });
  const left = parseExpression(text.slice(0, comparison.at));
  if (!left.ok) return err({ message: `left of ${comparison.op} in "${text}": ${left.error.message}` });
  const right = parseExpression(text.slice(comparison.at + comparison.op.length));
  if (!right.ok) return err({ message: `right of ${comparison.op} in "${text}": ${right.error.message}` });
  return ok({ compare: comparison.op, left: left.value, right: right.value });
}

export function conditionColumns(condition: Condition, into: Set<string> = new Set()): Set<string> {
  if ("and" in condition) for (const part of condition.and) conditionColumns(part, into);
  else if ("or" in condition) for (const part of condition.or) conditionColumns(part, into);
  else if ("not" in condition) conditionColumns(condition.not, into);
  else
    for (const column of [...expressionColumns(condition.left), ...expressionColumns(condition.right)])
      into.add(column);
  return into;
}

function evaluateExpr(expr: Expr, value: (column: string) => number): number {
  if ("const" in expr) return expr.const;
  if ("column" in expr) return value(expr.column);
  if ("op" in expr) {
    const a = evaluateExpr(expr.args[0], value);
    const b = evaluateExpr(expr.args[1], value);
    switch (expr.op) {
      case "add":
        return a + b;
      case "sub":
        return a - b;
      case "mul":
        return a * b;
      case "div":
        return a / b;
      default:
        return unreachable(expr.op);
    }
  }
  const x = evaluateExpr(expr.arg, value);
  switch (expr.fn) {
    case "log1p":
      return Math.log1p(x);
    case "log":
      return Math.log(x);
    case "sqrt":
      return Math.sqrt(x);
    case "abs":
      return Math.abs(x);
    case "neg":
      return -x;
    default:
      return unreachable(expr.fn);
  }
}

function compare(op: Comparison, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    default:
      return unreachable(op);
  }
}

export function holds(condition: Condition, value: (column: string) => number): boolean {
  if ("and" in condition) return condition.and.every((part) => holds(part, value));
  if ("or" in condition) return condition.or.some((part) => holds(part, value));
  if ("not" in condition) return !holds(condition.not, value);
  return compare(
    condition.compare,
    evaluateExpr(condition.left, value),
    evaluateExpr(condition.right, value),
  );
}
