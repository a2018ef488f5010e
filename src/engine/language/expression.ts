/**
 * The model language's expressions: numbers, names, + - * / ^, unary minus, parentheses and calls of a
 * fixed set of functions. Parsed by precedence climbing into a small AST; errors carry the column.
 */

export type Expr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "neg"; readonly arg: Expr }
  | {
      readonly kind: "bin";
      readonly op: "+" | "-" | "*" | "/" | "^";
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: "call"; readonly fn: FunctionName; readonly args: readonly Expr[] }
  /** test ≥ 0 ? then : otherwise — produced only by differentiation of min, max and abs. */
  | { readonly kind: "cond"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr };

/** Functions of the language and their arity. `sign` is internal (derivative of abs). */
export const FUNCTIONS = {
  exp: 1,
  log: 1,
  ln: 1,
  log10: 1,
  sqrt: 1,
  abs: 1,
  min: 2,
  max: 2,
  pow: 2,
  hill: 3,
  sign: 1,
} as const;
export type FunctionName = keyof typeof FUNCTIONS;
const USER_FUNCTIONS = new Set<string>([
  "exp",
  "log",
  "ln",
  "log10",
  "sqrt",
  "abs",
  "min",
  "max",
  "pow",
  "hill",
]);

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  /** 1-based column in the expression text. */
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

type Token =
  | { type: "num"; value: number; pos: number; text: string }
  | { type: "name"; value: string; pos: number }
  | { type: "op"; value: string; pos: number }
  | { type: "end"; pos: number };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    if ((ch >= "0" && ch <= "9") || (ch === "." && /\d/.test(src[i + 1] ?? ""))) {
      const m = NUMBER.exec(src.slice(i));
      if (!m) throw new ExpressionError(`malformed number`, i + 1);
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw new ExpressionError(`number ${m[0]} is out of range`, i + 1);
      tokens.push({ type: "num", value, pos: i, text: m[0] });
      i += m[0].length;
      if (i < src.length && NAME_START.test(src[i])) {
        throw new ExpressionError(`unexpected '${src[i]}' after the number ${m[0]}`, i + 1);
      }
      continue;
    }
    if (NAME_START.test(ch)) {
      let j = i + 1;
      while (j < src.length && NAME_PART.test(src[j])) j++;
      tokens.push({ type: "name", value: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (src.startsWith("**", i)) {
      tokens.push({ type: "op", value: "^", pos: i });
      i += 2;
      continue;
    }
    if (src.startsWith("<=", i) || src.startsWith(">=", i)) {
      tokens.push({ type: "op", value: src.slice(i, i + 2), pos: i });
      i += 2;
      continue;
    }
    if ("+-*/^(),<>".includes(ch)) {
      tokens.push({ type: "op", value: ch, pos: i });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected character '${ch}'`, i + 1);
  }
  tokens.push({ type: "end", pos: src.length });
  return tokens;
}

/** Nesting limit: deeper expressions are refused instead of overflowing the stack. */
const MAX_DEPTH = 200;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === "op" && t.value === value;
  }

  private describe(t: Token): string {
    return t.type === "end" ? "end of expression" : t.type === "num" ? `number ${t.text}` : `'${t.value}'`;
  }

  parseExpression(): Expr {
    if (++this.depth > MAX_DEPTH)
      throw new ExpressionError("expression is nested too deeply", this.peek().pos + 1);
    let left = this.parseTerm();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.tokens[this.i++] as { value: "+" | "-" }).value;
      left = { kind: "bin", op, left, right: this.parseTerm() };
    }
    this.depth--;
    return left;
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = (this.tokens[this.i++] as { value: "*" | "/" }).value;
      left = { kind: "bin", op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp("-")) {
      this.i++;
      if (++this.depth > MAX_DEPTH)
        throw new ExpressionError("expression is nested too deeply", this.peek().pos + 1);
      const arg = this.parseUnary();
      this.depth--;
      return { kind: "neg", arg };
    }
    if (this.isOp("+")) {
      this.i++;
      return this.parseUnary();
    }
    return this.parsePower();
  }

  /** ^ binds tighter than unary minus on its left and is right-associative: -a^b^c = -(a^(b^c)). */
  private parsePower(): Expr {
    const base = this.parsePrimary();
    if (this.isOp("^")) {
      this.i++;
      if (++this.depth > MAX_DEPTH)
        throw new ExpressionError("expression is nested too deeply", this.peek().pos + 1);
      const exponent = this.parseUnary();
      this.depth--;
      return { kind: "bin", op: "^", left: base, right: exponent };
    }
    return base;
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.type === "num") {
      this.i++;
      return { kind: "num", value: t.value };
    }
    if (t.type === "name") {
      this.i++;
      if (this.isOp("(")) {
        if (!USER_FUNCTIONS.has(t.value))
          throw new ExpressionError(`unknown function '${t.value}'`, t.pos + 1);
        const fn = t.value as FunctionName;
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(")")) {
          for (;;) {
            args.push(this.parseExpression());
            if (this.isOp(",")) {
              this.i++;
              continue;
            }
            break;
          }
        }
        if (!this.isOp(")"))
          throw new ExpressionError(
            `expected ',' or ')' but found ${this.describe(this.peek())}`,
            this.peek().pos + 1,
          );
        this.i++;
        const arity = FUNCTIONS[fn];
        if (args.length !== arity) {
          throw new ExpressionError(
            `${fn}() takes ${arity} argument${arity > 1 ? "s" : ""}, got ${args.length}`,
            t.pos + 1,
          );
        }
        return { kind: "call", fn, args };
      }
      return { kind: "name", name: t.value };
    }
    if (t.type === "op" && t.value === "(") {
      this.i++;
      const inner = this.parseExpression();
      if (!this.isOp(")"))
        throw new ExpressionError(
          `expected ')' but found ${this.describe(this.peek())}`,
          this.peek().pos + 1,
        );
      this.i++;
      return inner;
    }
    throw new ExpressionError(`expected a number, name or '(' but found ${this.describe(t)}`, t.pos + 1);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.type !== "end") throw new ExpressionError(`unexpected ${this.describe(t)}`, t.pos + 1);
  }

  atComparison(): string | null {
    const t = this.peek();
    return t.type === "op" && ["<", ">", "<=", ">="].includes(t.value) ? t.value : null;
  }

  skip(): void {
    this.i++;
  }
}

/** Parses one expression (the whole string). Throws ExpressionError with a 1-based column. */
export function parseExpression(src: string): Expr {
  if (src.trim() === "") throw new ExpressionError("empty expression", 1);
  const p = new Parser(tokenize(src));
  const e = p.parseExpression();
  p.expectEnd();
  return e;
}

/** A condition `left < right` (or >, <=, >=) as g = left − right with the crossing direction. */
export interface Condition {
  readonly g: Expr;
  /** −1: fires when g goes from > 0 to ≤ 0 ("<"); +1: from < 0 to ≥ 0 (">"). */
  readonly direction: -1 | 1;
}

export function parseCondition(src: string): Condition {
  if (src.trim() === "") throw new ExpressionError("empty condition", 1);
  const p = new Parser(tokenize(src));
  const left = p.parseExpression();
  const op = p.atComparison();
  if (!op) throw new ExpressionError("a condition needs a comparison: <, >, <= or >=", src.length + 1);
  p.skip();
  const right = p.parseExpression();
  p.expectEnd();
  const g: Expr = { kind: "bin", op: "-", left, right };
  return { g, direction: op.startsWith("<") ? -1 : 1 };
}

/** Every name an expression uses (not function names). */
export function namesIn(e: Expr, into: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case "name":
      into.add(e.name);
      break;
    case "neg":
      namesIn(e.arg, into);
      break;
    case "bin":
      namesIn(e.left, into);
      namesIn(e.right, into);
      break;
    case "call":
      for (const a of e.args) namesIn(a, into);
      break;
    case "cond":
      namesIn(e.test, into);
      namesIn(e.then, into);
      namesIn(e.otherwise, into);
      break;
  }
  return into;
}
