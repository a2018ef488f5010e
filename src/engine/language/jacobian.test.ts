import { describe, expect, it } from "vitest";
import { compileModel } from "./index.js";

/** Chained assignments (each used by later ones and by several equations), max/log/cond, powers and time. */
const CHAINED = `name: chained
description: a model whose Jacobian goes through chains of assignments
time_unit: day
sources: ["test"]
states:
  A: { initial: 2e9, unit: cell }
  B: { initial: 3e8, unit: cell }
  E: { initial: 1e7, unit: cell }
  P: { initial: 0.4, unit: "1" }
parameters:
  kg: { value: 0.01, unit: 1/day, description: growth, source: "[K] made up" }
  K: { value: 1e12, unit: cell, description: plateau, source: "[K] made up" }
  f: { value: 1e9, unit: cell, description: floor, source: "[K] made up" }
  km: { value: 0.9, unit: 1/day, description: kill, source: "[K] made up" }
  h: { value: 1.2, unit: "1", description: half, source: "[K] made up" }
assignments:
  N: A + B
  grow: kg*log(max(K/max(N, f), 1))
  ratio: E/(N + 1)
  occ: P^1.5/(0.3 + P^1.5)
  kill: km*(1 - 0.6*(1 - occ))*ratio/(h + ratio)
  sin_like: t/(1 + t)
  pulse: 1 + 0.5*sin_like
equations:
  A: grow*A - kill*A
  B: grow*B - 0.5*kill*B*pulse
  E: 1e6*N/(N + 1e9) - 0.05*E - 0.1*occ*E
  P: -0.2*P + 0.01*kill
`;

describe("the generated Jacobian", () => {
  it("agrees with central differences of the right-hand side, column by column", () => {
    const { model } = compileModel(CHAINED, "m.yaml");
    const sys = model.system();
    const n = model.dimension;
    const points = [
      [2e9, 3e8, 1e7, 0.4],
      [5e8, 1e9, 3e8, 0.05], // N below the floor f: the max() branch
      [4e10, 2e10, 1e9, 0.9],
    ];
    for (const [pi, point] of points.entries()) {
      const t = 3 + pi;
      const y = Float64Array.from(point);
      const J = new Float64Array(n * n);
      sys.jacobian!(t, y, J);
      const fp = new Float64Array(n);
      const fm = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const h = 1e-6 * Math.abs(y[j]);
        const yp = y.slice();
        const ym = y.slice();
        yp[j] += h;
        ym[j] -= h;
        sys.rhs(t, yp, fp);
        sys.rhs(t, ym, fm);
        for (let i = 0; i < n; i++) {
          const fd = (fp[i] - fm[i]) / (2 * h);
          const scale = Math.abs(fd) + (1e-9 * Math.max(...Array.from(fp, Math.abs))) / Math.abs(y[j]);
          expect(Math.abs(J[i * n + j] - fd)).toBeLessThanOrEqual(1e-5 * scale);
        }
      }
      // every entry outside the declared pattern is 0
      const inPattern = new Set(sys.jacobianPattern!);
      for (let k = 0; k < n * n; k++) if (!inPattern.has(k)) expect(J[k]).toBe(0);
    }
  });

  it("gives ∂f/∂t of a model that uses t through a chain of assignments", () => {
    const { model } = compileModel(CHAINED, "m.yaml");
    const sys = model.system();
    const y = Float64Array.from([2e9, 3e8, 1e7, 0.4]);
    const d = new Float64Array(4);
    sys.timeDerivative!(2, y, d);
    const fp = new Float64Array(4);
    const fm = new Float64Array(4);
    sys.rhs(2 + 1e-5, y, fp);
    sys.rhs(2 - 1e-5, y, fm);
    for (let i = 0; i < 4; i++) {
      const fd = (fp[i] - fm[i]) / 2e-5;
      expect(Math.abs(d[i] - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-12);
    }
    expect(d[1]).not.toBe(0);
  });
});
