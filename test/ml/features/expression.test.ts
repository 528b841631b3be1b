import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  describeExpressionError,
  expressionColumns,
  parseExpression,
} from "../../../src/ml/features/expression.js";

function parse(source: string) {
  const result = parseExpression(source);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function errorOf(source: string) {
  const result = parseExpression(source);
  if (result.ok) throw new Error(`"${source}" parsed`);
  return result.error;
}

test("products and ratios of columns", () => {
  assert.equal(parse("rm * lstat"), { op: "mul", args: [{ column: "rm" }, { column: "lstat" }] });
  assert.equal(parse("tax / rm"), { op: "div", args: [{ column: "tax" }, { column: "rm" }] });
});

test("precedence, associativity and parentheses", () => {
  assert.equal(parse("a + b * c"), {
    op: "add",
    args: [{ column: "a" }, { op: "mul", args: [{ column: "b" }, { column: "c" }] }],
  });
  assert.equal(parse("a - b - c"), {
    op: "sub",
    args: [{ op: "sub", args: [{ column: "a" }, { column: "b" }] }, { column: "c" }],
  });
  assert.equal(parse("(a + b) * c"), {
    op: "mul",
    args: [{ op: "add", args: [{ column: "a" }, { column: "b" }] }, { column: "c" }],
  });
});

test("numbers, unary minus, functions and quoted column names", () => {
  assert.equal(parse("-2.5e1"), { const: -25 });
  assert.equal(parse("-x"), { fn: "neg", arg: { column: "x" } });
  assert.equal(parse("log1p(crim) / `odd name`"), {
    op: "div",
    args: [{ fn: "log1p", arg: { column: "crim" } }, { column: "odd name" }],
  });
  assert.equal(expressionColumns(parse("a * b + sqrt(a) - 1")), ["a", "b"]);
});

test("errors say what is wrong and where", () => {
  const cases: [string, RegExp, number][] = [
    ["rm *", /ends too early/, 4],
    ["rm * * lstat", /expected a column, a number or "\(" but found "\*"/, 5],
    ["(rm + lstat", /"\(" at column 1 is never closed/, 0],
    ["rm + lstat)", /"\)" without a matching "\("/, 10],
    ["rm lstat", /expected an operator \(\+ - \* \/\) before "lstat"/, 3],
    ["exp(rm)", /unknown function "exp" \(known: log1p, log, sqrt, abs\)/, 0],
    ["rm % 2", /unexpected character "%"/, 3],
    ["   ", /empty/, 0],
    ["`open", /unclosed backtick/, 0],
  ];
  for (const [source, pattern, position] of cases) {
    const error = errorOf(source);
    assert.match(error.message, pattern, source);
    assert.is(error.position, position, source);
  }
  assert.is(
    describeExpressionError("rm *", errorOf("rm *")),
    "the expression ends too early (column 5)\n    rm *\n        ^",
  );
});

test.run();
