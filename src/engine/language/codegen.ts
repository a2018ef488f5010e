import type { Expr } from "./expression.js";

/**
 * Emits a JavaScript expression for an AST. Only numbers, the identifiers returned by `ident` (which maps
 * the language's names to generated locals), operators and Math functions reach the generated code.
 */
export function emit(e: Expr, ident: (name: string) => string): string {
  switch (e.kind) {
    case "num":
      return literal(e.value);
    case "name":
      return ident(e.name);
    case "neg":
      return `(-${emit(e.arg, ident)})`;
    case "cond":
      return `(${emit(e.test, ident)} >= 0 ? ${emit(e.then, ident)} : ${emit(e.otherwise, ident)})`;
    case "bin": {
      if (e.op === "^") return emitPower(e.left, e.right, ident);
      return `(${emit(e.left, ident)} ${e.op} ${emit(e.right, ident)})`;
    }
    case "call": {
      const a = e.args.map((x) => emit(x, ident));
      switch (e.fn) {
        case "exp":
          return `Math.exp(${a[0]})`;
        case "log":
        case "ln":
          return `Math.log(${a[0]})`;
        case "log10":
          return `Math.log10(${a[0]})`;
        case "sqrt":
          return `Math.sqrt(${a[0]})`;
        case "abs":
          return `Math.abs(${a[0]})`;
        case "sign":
          return `Math.sign(${a[0]})`;
        case "min":
          return `Math.min(${a[0]}, ${a[1]})`;
        case "max":
          return `Math.max(${a[0]}, ${a[1]})`;
        case "pow":
          return emitPower(e.args[0], e.args[1], ident);
        case "hill":
          return `((${a[0]} ** ${a[2]}) / ((${a[1]} ** ${a[2]}) + (${a[0]} ** ${a[2]})))`;
      }
    }
  }
}

function literal(v: number): string {
  if (Number.isNaN(v)) return "(0 / 0)";
  if (v === Infinity) return "(1 / 0)";
  if (v === -Infinity) return "(-1 / 0)";
  const s = String(v);
  return v < 0 || Object.is(v, -0) ? `(${s})` : s;
}

function emitPower(base: Expr, exponent: Expr, ident: (name: string) => string): string {
  const b = emit(base, ident);
  if (exponent.kind === "num") {
    const k = exponent.value;
    const simple = base.kind === "name" || base.kind === "num";
    if (k === 1) return b;
    if (k === 0.5) return `Math.sqrt(${b})`;
    if (k === -1) return `(1 / ${b})`;
    if (simple && k === 2) return `(${b} * ${b})`;
    if (simple && k === 3) return `(${b} * ${b} * ${b})`;
    if (simple && k === -2) return `(1 / (${b} * ${b}))`;
  }
  return `Math.pow(${b}, ${emit(exponent, ident)})`;
}
