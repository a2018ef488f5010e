// Kuznetsov 1994 (BIOMD0000000762) against the reference trajectory and checks in
// shared/research/data/kuznetsov1994/SOURCE.md.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { solve } from "../engine/index.js";
import { SHARED_PERF } from "../test-support/depillis-reference.js";
import { loadModelByName } from "./catalog.js";

const DATA = path.resolve(SHARED_PERF, "../research/data/kuznetsov1994");
const { model } = loadModelByName("kuznetsov1994");

function readTrajectory(): { t: number[]; E: number[]; T: number[] } {
  const lines = readFileSync(path.join(DATA, "kuznetsov1994_reference_trajectory.csv"), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((h) => h.trim());
  const it = header.findIndex((h) => /^t/i.test(h));
  const iE = header.findIndex((h) => /^E/.test(h));
  const iT = header.findIndex((h, i) => i !== it && /^T/.test(h));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  return { t: rows.map((r) => r[it]), E: rows.map((r) => r[iE]), T: rows.map((r) => r[iT]) };
}

describe("Kuznetsov 1994", () => {
  it("matches the reference trajectory (days 0–100) within 1e-6 relative", () => {
    const ref = readTrajectory();
    const sol = solve(model.problem({ tEnd: ref.t[ref.t.length - 1] }), {
      rtol: 1e-10,
      atol: 1e-6,
      times: ref.t,
    });
    for (let i = 0; i < ref.t.length; i++) {
      expect(Math.abs(sol.values[2 * i] - ref.E[i]) / ref.E[i]).toBeLessThan(1e-6);
      expect(Math.abs(sol.values[2 * i + 1] - ref.T[i]) / ref.T[i]).toBeLessThan(1e-6);
    }
  });

  it("reproduces the SOURCE.md checks: peak 9.777e7, 9.906e5 at day 89, E and T at day 100", () => {
    const sol = solve(model.problem({ tEnd: 100 }), { rtol: 1e-10, atol: 1e-6, nOut: 100_001 });
    const T = sol.column(1);
    const peak = Math.max(...T);
    expect(peak / 9.777e7).toBeCloseTo(1, 3);
    expect(sol.at(89)[1] / 9.906e5).toBeCloseTo(1, 3);
    expect(sol.final[0] / 1.218e6).toBeCloseTo(1, 3);
    expect(sol.final[1] / 1.305e6).toBeCloseTo(1, 3);
  });

  it("settles into the dormant equilibrium T* = 8.186e6, E* = 1.608e6 (3000 days)", () => {
    const sol = solve(model.problem({ tEnd: 3000 }), { rtol: 1e-9, atol: 1e-6, times: [3000] });
    expect(sol.values[1] / 8.186e6).toBeCloseTo(1, 3);
    expect(sol.values[0] / 1.608e6).toBeCloseTo(1, 3);
  });

  it("escape threshold: from E0 = s/d, T0 = 5e7 goes dormant and T0 = 1e8 escapes to 4.470e8", () => {
    const E0 = 1.3e4 / 0.0412;
    const end = (T0: number) =>
      solve(model.problem({ tEnd: 2000, y0: [E0, T0] }), { rtol: 1e-9, atol: 1e-6, times: [2000] }).values[1];
    expect(end(5e7) / 8.186e6).toBeCloseTo(1, 3);
    expect(end(1e8) / 4.47e8).toBeCloseTo(1, 3);
  });
});
