import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emit } from "./codegen.js";
import { ExpressionError, parseCondition, parseExpression, type Expr } from "./expression.js";
import { differentiate, expandMacros, ONE, ZERO } from "./symbolic.js";

/** Evaluates an expression through the code generator, with x bound to a value. */
function evaluate(e: Expr, x: number): number {
  const src = `return ${emit(expandMacros(e), (n) => (n === "x" ? "x" : "undefined_name"))};`;
  return new Function("x", src)(x) as number;
}
const value = (src: string, x = 2): number => evaluate(parseExpression(src), x);

describe("expressions", () => {
  it("follows the usual precedence and associativity", () => {
    expect(value("1 + 2 * 3")).toBe(7);
    expect(value("(1 + 2) * 3")).toBe(9);
    expect(value("2 ^ 3 ^ 2")).toBe(512);
    expect(value("-x ^ 2")).toBe(-4);
    expect(value("-2 - -3")).toBe(1);
    expect(value("8 / 4 / 2")).toBe(1);
    expect(value("1e-9 * 1e9")).toBeCloseTo(1, 15);
    expect(value("x**3")).toBe(8);
    expect(value(".5 + 1.")).toBe(1.5);
  });

  it("knows the functions of the language, including hill", () => {
    expect(value("exp(0) + ln(1) + log(1) + log10(100) + sqrt(16) + abs(-3)")).toBe(1 + 0 + 0 + 2 + 4 + 3);
    expect(value("min(x, 1) + max(x, 1) + pow(x, 3)")).toBe(1 + 2 + 8);
    expect(value("hill(x, 2, 3)")).toBeCloseTo(0.5, 15);
  });

  it("reports errors with their column", () => {
    const err = (src: string): ExpressionError => {
      try {
        parseExpression(src);
      } catch (e) {
        return e as ExpressionError;
      }
      throw new Error("no error");
    };
    expect(err("a + * b").column).toBe(5);
    expect(err("a + (b").message).toMatch(/expected '\)'/);
    expect(err("foo(a)").message).toMatch(/unknown function 'foo'/);
    expect(err("exp(a, b)").message).toMatch(/exp\(\) takes 1 argument, got 2/);
    expect(err("a $ b").column).toBe(3);
    expect(err("2x").message).toMatch(/after the number/);
    expect(err("").message).toMatch(/empty/);
    expect(err("1e999").message).toMatch(/out of range/);
    expect(err("(".repeat(5000) + "1" + ")".repeat(5000)).message).toMatch(/nested too deeply/);
  });

  it("parses conditions into g = left − right with a direction", () => {
    const c = parseCondition("T < 1");
    expect(c.direction).toBe(-1);
    const g = parseCondition("x >= 5");
    expect(g.direction).toBe(1);
    expect(evaluate(g.g, 7)).toBe(2);
    expect(() => parseCondition("x + 1")).toThrow(/comparison/);
  });

  it("never crashes or hangs on arbitrary input: a tree or an ExpressionError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (src) => {
        try {
          parseExpression(src);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 2000 },
    );
    const alphabet = fc.constantFrom(..."x1.e+-*/^(),< exp hill min pow sqrt".split(""));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        try {
          parseExpression(chars.join(""));
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** Random smooth expressions in x (positive domain) for differentiation checks. */
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant<Expr>({ kind: "name", name: "x" }),
    fc.double({ min: 0.5, max: 3, noNaN: true }).map<Expr>((v) => ({ kind: "num", value: v })),
    fc
      .tuple(fc.constantFrom("+", "-", "*") as fc.Arbitrary<"+" | "-" | "*">, tie("e"), tie("e"))
      .map<Expr>(([op, l, r]) => ({ kind: "bin", op, left: l, right: r })),
    fc.tuple(tie("e"), tie("e")).map<Expr>(([l, r]) => ({
      kind: "bin",
      op: "/",
      left: l,
      right: {
        kind: "bin",
        op: "+",
        left: { kind: "num", value: 2 },
        right: { kind: "call", fn: "exp", args: [r] },
      },
    })),
    tie("e").map<Expr>((a) => ({
      kind: "call",
      fn: "sqrt",
      args: [
        {
          kind: "bin",
          op: "+",
          left: { kind: "num", value: 1 },
          right: { kind: "bin", op: "*", left: a, right: a },
        },
      ],
    })),
    tie("e").map<Expr>((a) => ({
      kind: "call",
      fn: "hill",
      args: [
        { kind: "call", fn: "abs", args: [a] },
        { kind: "num", value: 1.5 },
        { kind: "num", value: 2 },
      ],
    })),
    tie("e").map<Expr>((a) => ({
      kind: "bin",
      op: "^",
      left: {
        kind: "call",
        fn: "exp",
        args: [{ kind: "bin", op: "*", left: { kind: "num", value: 0.1 }, right: a }],
      },
      right: { kind: "num", value: 2.09 },
    })),
    tie("e").map<Expr>((a) => ({ kind: "neg", arg: a })),
  ),
})).e;

describe("symbolic differentiation", () => {
  it("agrees with central finite differences on random expressions", () => {
    fc.assert(
      fc.property(exprArb, fc.double({ min: 0.3, max: 2, noNaN: true }), (e, x) => {
        const d = differentiate(expandMacros(e), (n) => (n === "x" ? ONE : ZERO));
        const exact = evaluate(d, x);
        const h = 1e-5 * Math.max(1, Math.abs(x));
        const fd = (evaluate(e, x + h) - evaluate(e, x - h)) / (2 * h);
        if (!Number.isFinite(exact) || !Number.isFinite(fd) || Math.abs(fd) > 1e8) return;
        expect(Math.abs(exact - fd)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
      }),
      { numRuns: 500 },
    );
  });

  it("differentiates min, max and abs piecewise", () => {
    const dx = (src: string, x: number) =>
      evaluate(
        differentiate(parseExpression(src), (n) => (n === "x" ? ONE : ZERO)),
        x,
      );
    expect(dx("max(x, 0)", 2)).toBe(1);
    expect(dx("max(x, 0)", -2)).toBe(0);
    expect(dx("min(x^2, 1)", 0.5)).toBe(1);
    expect(dx("min(x^2, 1)", 3)).toBe(0);
    expect(dx("abs(x)", -3)).toBe(-1);
    expect(dx("x^2.5", 4)).toBeCloseTo(2.5 * 8, 12);
    expect(dx("2^x", 3)).toBeCloseTo(8 * Math.LN2, 12);
    expect(dx("log10(x)", 10)).toBeCloseTo(1 / (10 * Math.LN10), 15);
  });
});
