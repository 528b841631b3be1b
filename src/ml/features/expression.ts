// Parses derived-column expressions from params.yaml (e.g. `rm * lstat`, `tax / rm`, `log1p(crim) - 2`) into the
// featurizer's Expr AST. Grammar (usual precedence, left-associative):
//   expr    := term (("+" | "-") term)*
//   term    := unary (("*" | "/") unary)*
//   unary   := "-" unary | primary
//   primary := number | column | function "(" expr ")" | "(" expr ")"
// A column is a name ([A-Za-z_][A-Za-z0-9_.]*) or any text in backticks. Errors carry the 0-based position.
import { unreachable } from "../../result.js";
import { err, ok, type Result } from "../errors.js";
import type { Expr } from "./featurizer-spec.js";

export const FUNCTIONS = ["log1p", "log", "sqrt", "abs"] as const;
type FunctionName = (typeof FUNCTIONS)[number];

export interface ExpressionError {
  message: string;
  position: number;
}

type Token =
  | { type: "number"; value: number; position: number; text: string }
  | { type: "name"; value: string; position: number; text: string }
  | { type: "symbol"; value: "+" | "-" | "*" | "/" | "(" | ")"; position: number; text: string }
  | { type: "end"; position: number; text: string };

const NUMBER = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.]*/;

function tokenize(source: string): Result<Token[], ExpressionError> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ type: "number", value: Number(number[0]), position: i, text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ type: "name", value: name[0], position: i, text: name[0] });
      i += name[0].length;
      continue;
    }
    if (char === "`") {
      const end = source.indexOf("`", i + 1);
      if (end < 0) return err({ message: "unclosed backtick", position: i });
      if (end === i + 1) return err({ message: "empty column name in backticks", position: i });
      tokens.push({
        type: "name",
        value: source.slice(i + 1, end),
        position: i,
        text: source.slice(i, end + 1),
      });
      i = end + 1;
      continue;
    }
    if ("+-*/()".includes(char)) {
      tokens.push({ type: "symbol", value: char as "+", position: i, text: char });
      i++;
      continue;
    }
    return err({ message: `unexpected character "${char}"`, position: i });
  }
  tokens.push({ type: "end", position: source.length, text: "end of expression" });
  return ok(tokens);
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.sum();
    const next = this.peek();
    if (next.type !== "end") {
      throw next.type === "symbol" && next.value === ")"
        ? expressionError('")" without a matching "("', next.position)
        : expressionError(`expected an operator (+ - * /) before "${next.text}"`, next.position);
    }
    return expr;
  }

  private sum(): Expr {
    let left = this.product();
    for (let next = this.peek(); isSymbol(next, "+", "-"); next = this.peek()) {
      this.index++;
      left = { op: next.value === "+" ? "add" : "sub", args: [left, this.product()] };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    for (let next = this.peek(); isSymbol(next, "*", "/"); next = this.peek()) {
      this.index++;
      left = { op: next.value === "*" ? "mul" : "div", args: [left, this.unary()] };
    }
    return left;
  }

  private unary(): Expr {
    const next = this.peek();
    if (isSymbol(next, "-")) {
      this.index++;
      const operand = this.unary();
      return "const" in operand ? { const: -operand.const } : { fn: "neg", arg: operand };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    this.index++;
    switch (token.type) {
      case "number":
        return { const: token.value };
      case "name": {
        if (!isSymbol(this.peek(), "(")) return { column: token.value };
        if (!(FUNCTIONS as readonly string[]).includes(token.value))
          throw expressionError(
            `unknown function "${token.value}" (known: ${FUNCTIONS.join(", ")})`,
            token.position,
          );
        this.index++;
        const arg = this.sum();
        this.expectClose(token.position + token.value.length);
        return { fn: token.value as FunctionName, arg };
      }
      case "symbol":
        if (token.value === "(") {
          const inner = this.sum();
          this.expectClose(token.position);
          return inner;
        }
        throw expressionError(
          `expected a column, a number or "(" but found "${token.value}"`,
          token.position,
        );
      case "end":
        throw expressionError("the expression ends too early", token.position);
      default:
        return unreachable(token);
    }
  }

  private expectClose(openedAt: number): void {
    const next = this.peek();
    if (isSymbol(next, ")")) {
      this.index++;
      return;
    }
    throw next.type === "end"
      ? expressionError(`"(" at column ${openedAt + 1} is never closed`, openedAt)
      : expressionError(`expected ")" but found "${next.text}"`, next.position);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
}

function isSymbol(token: Token, ...values: string[]): token is Extract<Token, { type: "symbol" }> {
  return token.type === "symbol" && values.includes(token.value);
}

class ExpressionSyntaxError extends Error {
  constructor(readonly detail: ExpressionError) {
    super(detail.message);
  }
}

function expressionError(message: string, position: number): ExpressionSyntaxError {
  return new ExpressionSyntaxError({ message, position });
}

export function parseExpression(source: string): Result<Expr, ExpressionError> {
  if (source.trim() === "") return err({ message: "the expression is empty", position: 0 });
  const tokens = tokenize(source);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(tokens.value).parse());
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return err(error.detail);
    throw error;
  }
}

/** The message with the source and a caret under the position, for params errors. */
export function describeExpressionError(source: string, error: ExpressionError): string {
  return `${error.message} (column ${error.position + 1})\n    ${source}\n    ${" ".repeat(error.position)}^`;
}

/** The columns an expression reads, in first-use order. */
export function expressionColumns(expr: Expr): string[] {
  const names: string[] = [];
  const visit = (node: Expr): void => {
    if ("column" in node) {
      if (!names.includes(node.column)) names.push(node.column);
    } else if ("op" in node) node.args.forEach(visit);
    else if ("fn" in node) visit(node.arg);
  };
  visit(expr);
  return names;
}
