import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solve } from "../solve.js";
import { compileModel, ModelError, parseDoses, parseModel, type ModelIssue } from "./index.js";

const GOOD = `name: decay
description: first-order decay with a source
time_unit: day
sources: ["textbook"]
states:
  X: { initial: 2, unit: cell, nonnegative: true }
parameters:
  k: { value: 0.5, unit: 1/day, description: rate, source: "[K] made up" }
  s: { value: 1, unit: cell/day, description: source, source: "[K] made up" }
assignments:
  loss: k*X
equations:
  X: s - loss
`;

function issuesOf(text: string): ModelIssue[] {
  try {
    parseModel(text, "m.yaml");
  } catch (e) {
    if (e instanceof ModelError) return e.issues.filter((i) => i.severity === "error");
    throw e;
  }
  return [];
}

describe("model files", () => {
  it("compiles a valid model that solves correctly (X → s/k)", () => {
    const { model, warnings } = compileModel(GOOD, "m.yaml");
    expect(warnings).toEqual([]);
    expect(model.stateNames).toEqual(["X"]);
    const sol = solve(model.problem({ tEnd: 4 }), { rtol: 1e-10, atol: 1e-12, times: [4] });
    // X(t) = s/k + (X0 − s/k) e^{−kt}
    expect(sol.values[0]).toBeCloseTo(2, 9);
    const sol2 = solve(model.problem({ tEnd: 4, y0: [0] }), { rtol: 1e-10, atol: 1e-12, times: [4] });
    expect(sol2.values[0]).toBeCloseTo(2 - 2 * Math.exp(-2), 9);
  });

  it("JSON model files are read too", () => {
    const json = JSON.stringify({
      name: "j",
      states: { X: { initial: 1 } },
      parameters: { k: { value: 1, source: "x" } },
      equations: { X: "-k*X" },
    });
    const { model } = compileModel(json, "m.json");
    const sol = solve(model.problem({ tEnd: 1 }), { rtol: 1e-10, atol: 1e-12, times: [1] });
    expect(sol.values[0]).toBeCloseTo(Math.exp(-1), 9);
  });

  it("names the file, field, line and column of an unknown name", () => {
    const [i] = issuesOf(GOOD.replace("X: s - loss", "X: s - los"));
    expect(i.path).toBe("equations.X");
    expect(i.message).toMatch(/unknown name 'los'/);
    expect(i.line).toBe(13);
    expect(i.column).toBe(10);
    expect(i.file).toBe("m.yaml");
  });

  it("reports a state without an equation, a duplicate name and a syntax error together", () => {
    const text = GOOD.replace("states:\n", "states:\n  Y: { initial: 0 }\n")
      .replace("  loss: k*X", "  k: X\n  loss: k*X*(")
      .replace("X: s - loss", "X: s - loss");
    const issues = issuesOf(text);
    const messages = issues.map((i) => `${i.path}: ${i.message}`).join("\n");
    expect(messages).toMatch(/states\.Y: state 'Y' has no equation/);
    expect(messages).toMatch(/assignments\.k: duplicate name 'k': already a parameter/);
    expect(messages).toMatch(/assignments\.loss: syntax error at column 6/);
  });

  it("reports doses to unknown states and negative counts", () => {
    const text =
      GOOD +
      `doses:\n  - { state: Z, amount: 1, at: 0 }\n  - { state: X, amount: 1, at: 0, every: 2, count: -3 }\n`;
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual(["doses[0].state", "doses[1].count"]);
    expect(issues[0].message).toMatch(/unknown state 'Z'/);
    expect(issues[1].message).toMatch(/whole number ≥ 1, not -3/);
    expect(issues[1].line).toBe(16);
  });

  it("reports YAML syntax errors with their line", () => {
    const issues = issuesOf("name: x\nstates: {X: {initial: 1}\nequations: {}\n");
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].line).toBeDefined();
  });

  it("rejects reserved names, equations for non-states, assignment order and missing fields", () => {
    expect(issuesOf(GOOD.replace("  s: {", "  t: {"))[0].message).toMatch(/reserved/);
    expect(issuesOf(GOOD + "  Q: 1\n")[0].message).toMatch(/equation for 'Q', which is not a state/);
    expect(issuesOf(GOOD.replace("  loss: k*X", "  a: b\n  b: 1\n  loss: k*X"))[0].message).toMatch(
      /'b' is used before it is assigned/,
    );
    expect(issuesOf(GOOD.replace("initial: 2, ", ""))[0].message).toMatch(/is required/);
    expect(issuesOf(GOOD.replace("value: 0.5", "value: fast"))[0].message).toMatch(/must be a finite number/);
    expect(issuesOf("- just\n- a list\n")[0].message).toMatch(/must be a mapping/);
  });

  it("warns about unknown units and fields instead of failing", () => {
    const { warnings } = parseModel(
      GOOD.replace("unit: cell,", "unit: blorp,").replace(
        "nonnegative: true",
        "nonnegative: true, colour: red",
      ),
      "m.yaml",
    );
    expect(warnings.map((w) => w.message).join("\n")).toMatch(/unknown unit 'blorp'/);
    expect(warnings.map((w) => w.message).join("\n")).toMatch(/unknown field 'colour'/);
  });

  it("expands repeated doses and reads dose files", () => {
    const { model } = compileModel(GOOD, "m.yaml");
    const doses = parseDoses(
      "- { state: X, amount: 1, at: 1, every: 2, count: 3 }\n- { state: X, rate: 2, from: 0, to: 1 }\n",
      "d.yaml",
      model.stateNames,
    );
    const engineDoses = model.doses(doses);
    expect(
      engineDoses.filter((d) => d.kind === "bolus").map((d) => (d.kind === "bolus" ? d.at : -1)),
    ).toEqual([1, 3, 5]);
    const until = model.doses(
      parseDoses(
        "doses:\n  - { state: X, amount: 1, at: 0, every: 7, until: 21 }\n",
        "d.yaml",
        model.stateNames,
      ),
    );
    expect(until.length).toBe(4);
    expect(() => parseDoses("- { state: Y, amount: 1, at: 0 }\n", "d.yaml", model.stateNames)).toThrow(
      /d\.yaml:1:\d+: \[0\]\.state: dose to unknown state 'Y'/,
    );
  });

  it("compiles events from the model file", () => {
    const { model } = compileModel(
      GOOD + `events:\n  - { name: low, when: "X < 1.5", set: { X: 0 } }\n`,
      "m.yaml",
    );
    const sol = solve(model.problem({ tEnd: 10, y0: [2], parameters: Float64Array.from([0.5, 0]) }), {
      rtol: 1e-10,
      atol: 1e-12,
    });
    expect(sol.events[0].name).toBe("low");
    expect(sol.events[0].t).toBeCloseTo(2 * Math.log(2 / 1.5), 8);
  });

  it("changing the parameter vector changes the system without recompiling", () => {
    const { model } = compileModel(GOOD, "m.yaml");
    const p = model.defaultParameters();
    const sys = model.system(p);
    const dy = new Float64Array(1);
    sys.rhs(0, Float64Array.from([2]), dy);
    expect(dy[0]).toBe(0);
    p[0] = 1;
    sys.rhs(0, Float64Array.from([2]), dy);
    expect(dy[0]).toBe(-1);
  });

  it("generated code contains only the language's names mapped to locals (no injection)", () => {
    const { model } = compileModel(
      GOOD.replace("X: s - loss", "X: s - loss + constructor*0").replace(
        "  s: {",
        "  constructor: { value: 1, source: x }\n  s: {",
      ),
      "m.yaml",
    );
    expect(model.source).not.toMatch(/constructor/);
    expect(model.source).not.toMatch(/loss/);
  });

  it("never crashes on arbitrary text: a model or a ModelError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          compileModel(text, "fuzz.yaml");
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("never crashes on mutated valid models", () => {
    const lines = GOOD.split("\n");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(60), fc.string({ maxLength: 6 }), fc.nat(4)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const copy = [...lines];
          for (const [li, col, ins, del] of edits) {
            const l = copy[li];
            copy[li] = l.slice(0, col) + ins + l.slice(col + del);
          }
          try {
            const { model } = compileModel(copy.join("\n"), "fuzz.yaml");
            const sys = model.system();
            const dy = new Float64Array(model.dimension);
            sys.rhs(0, model.defaultInitialState(), dy);
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("dose files: arbitrary text and structures give doses or a ModelError, never a crash", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        ),
        (text) => {
          try {
            const doses = parseDoses(text, "fuzz.yaml", ["X", "Y"]);
            for (const d of doses) expect(["X", "Y"]).toContain(d.state);
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("never crashes on arbitrary JSON-like structures", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        try {
          compileModel(
            JSON.stringify({ name: "x", states: v, equations: v, parameters: v, doses: v, events: v }),
            "fuzz.json",
          );
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
