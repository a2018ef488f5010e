import type { Expr, FunctionName } from "./expression.js";

/**
 * Symbolic algebra for the model language: simplifying constructors (constant folding, 0 and 1 rules)
 * and differentiation. Used to build analytic Jacobians at compile time.
 */

export const ZERO: Expr = { kind: "num", value: 0 };
export const ONE: Expr = { kind: "num", value: 1 };
export const num = (value: number): Expr => ({ kind: "num", value });

const isNum = (e: Expr, v?: number): e is { kind: "num"; value: number } =>
  e.kind === "num" && (v === undefined || e.value === v);

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (isNum(a) && isNum(b)) return num(a.value + b.value);
  if (b.kind === "neg") return sub(a, b.arg);
  return { kind: "bin", op: "+", left: a, right: b };
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (isNum(a) && isNum(b)) return num(a.value - b.value);
  if (b.kind === "neg") return add(a, b.arg);
  return { kind: "bin", op: "-", left: a, right: b };
}

export function neg(a: Expr): Expr {
  if (isNum(a)) return num(-a.value);
  if (a.kind === "neg") return a.arg;
  return { kind: "neg", arg: a };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a, 0) || isNum(b, 0)) return ZERO;
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  if (isNum(a) && isNum(b)) return num(a.value * b.value);
  if (a.kind === "neg") return neg(mul(a.arg, b));
  if (b.kind === "neg") return neg(mul(a, b.arg));
  // keep numeric factors in front
  if (isNum(b)) return { kind: "bin", op: "*", left: b, right: a };
  return { kind: "bin", op: "*", left: a, right: b };
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return ZERO;
  if (isNum(b, 1)) return a;
  if (isNum(a) && isNum(b) && b.value !== 0) return num(a.value / b.value);
  if (a.kind === "neg") return neg(div(a.arg, b));
  return { kind: "bin", op: "/", left: a, right: b };
}

export function pow(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return ONE;
  if (isNum(b, 1)) return a;
  if (isNum(a) && isNum(b)) {
    const v = Math.pow(a.value, b.value);
    if (Number.isFinite(v)) return num(v);
  }
  return { kind: "bin", op: "^", left: a, right: b };
}

export function call(fn: FunctionName, ...args: Expr[]): Expr {
  return { kind: "call", fn, args };
}

/** Replaces hill(x, K, n) by x^n / (K^n + x^n), so the rest of the compiler never sees it. */
export function expandMacros(e: Expr): Expr {
  switch (e.kind) {
    case "num":
    case "name":
      return e;
    case "neg":
      return { kind: "neg", arg: expandMacros(e.arg) };
    case "bin":
      return { kind: "bin", op: e.op, left: expandMacros(e.left), right: expandMacros(e.right) };
    case "cond":
      return {
        kind: "cond",
        test: expandMacros(e.test),
        then: expandMacros(e.then),
        otherwise: expandMacros(e.otherwise),
      };
    case "call": {
      const args = e.args.map(expandMacros);
      if (e.fn === "hill") {
        const [x, K, n] = args;
        const xn: Expr = { kind: "bin", op: "^", left: x, right: n };
        const Kn: Expr = { kind: "bin", op: "^", left: K, right: n };
        return { kind: "bin", op: "/", left: xn, right: { kind: "bin", op: "+", left: Kn, right: xn } };
      }
      return { kind: "call", fn: e.fn, args };
    }
  }
}

/**
 * d e / d x. `dName(name)` gives the derivative of a name with respect to x: 1 for x itself, the (already
 * computed) derivative for an intermediate quantity, and 0 for constants.
 */
export function differentiate(e: Expr, dName: (name: string) => Expr): Expr {
  const d = (x: Expr): Expr => differentiate(x, dName);
  switch (e.kind) {
    case "num":
      return ZERO;
    case "name":
      return dName(e.name);
    case "neg":
      return neg(d(e.arg));
    case "cond":
      return { kind: "cond", test: e.test, then: d(e.then), otherwise: d(e.otherwise) };
    case "bin": {
      const { left: u, right: v } = e;
      const du = d(u);
      const dv = d(v);
      switch (e.op) {
        case "+":
          return add(du, dv);
        case "-":
          return sub(du, dv);
        case "*":
          return add(mul(du, v), mul(u, dv));
        case "/":
          // (du − (u/v)·dv) / v: no v², which underflows for tiny v (and is slower)
          if (isNum(dv, 0)) return div(du, v);
          return div(sub(du, mul(e, dv)), v);
        case "^": {
          // d(u^v) = v·u^(v−1)·du + u^v·ln(u)·dv
          let r: Expr = ZERO;
          if (!isNum(du, 0)) {
            const vm1 = isNum(v) ? num(v.value - 1) : sub(v, ONE);
            r = mul(mul(v, pow(u, vm1)), du);
          }
          if (!isNum(dv, 0)) r = add(r, mul(mul(pow(u, v), call("ln", u)), dv));
          return r;
        }
      }
      break;
    }
    case "call": {
      const a = e.args;
      switch (e.fn) {
        case "exp":
          return mul(e, d(a[0]));
        case "log":
        case "ln":
          return div(d(a[0]), a[0]);
        case "log10":
          return div(d(a[0]), mul(num(Math.LN10), a[0]));
        case "sqrt":
          return div(d(a[0]), mul(num(2), e));
        case "abs":
          return mul(call("sign", a[0]), d(a[0]));
        case "sign":
          return ZERO;
        case "min":
          // a ≤ b ? da : db
          return condition(sub(a[1], a[0]), d(a[0]), d(a[1]));
        case "max":
          return condition(sub(a[0], a[1]), d(a[0]), d(a[1]));
        case "pow":
          return differentiate({ kind: "bin", op: "^", left: a[0], right: a[1] }, dName);
        case "hill":
          return differentiate(expandMacros(e), dName);
      }
    }
  }
  throw new Error("unreachable");
}

function condition(test: Expr, then: Expr, otherwise: Expr): Expr {
  if (isNum(then, 0) && isNum(otherwise, 0)) return ZERO;
  return { kind: "cond", test, then, otherwise };
}

export function isZero(e: Expr): boolean {
  return isNum(e, 0);
}

/** Whether e mentions the name. */
export function mentions(e: Expr, name: string): boolean {
  switch (e.kind) {
    case "num":
      return false;
    case "name":
      return e.name === name;
    case "neg":
      return mentions(e.arg, name);
    case "bin":
      return mentions(e.left, name) || mentions(e.right, name);
    case "call":
      return e.args.some((a) => mentions(a, name));
    case "cond":
      return mentions(e.test, name) || mentions(e.then, name) || mentions(e.otherwise, name);
  }
}
