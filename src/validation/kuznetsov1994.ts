import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { luFactor, luSolve } from "../engine/lu.js";
import { SHARED_PERF } from "../test-support/depillis-reference.js";
import { builtin, simulate } from "./run-model.js";
import { absCheck, maxCheck, relCheck, type Check, type ValidationCase } from "./types.js";

const MODEL = "kuznetsov1994";
const DATA = path.resolve(SHARED_PERF, "../research/data/kuznetsov1994");
const SOURCE_MD = "shared/research/data/kuznetsov1994/SOURCE.md (LSODA at 1e-11 and DOP853 agree to 3e-10)";
const S_OVER_D = 1.3e4 / 0.0412;

/** Newton's method on f(y) = 0 with the model's analytic Jacobian. */
function equilibrium(guess: [number, number]): Float64Array {
  const sys = builtin(MODEL).system();
  const y = Float64Array.from(guess);
  const f = new Float64Array(2);
  const J = new Float64Array(4);
  const piv = new Int32Array(2);
  for (let it = 0; it < 100; it++) {
    sys.rhs(0, y, f);
    sys.jacobian!(0, y, J);
    if (!luFactor(J, 2, piv)) break;
    luSolve(J, 2, piv, f);
    y[0] -= f[0];
    y[1] -= f[1];
    if (Math.abs(f[0]) < 1e-10 * Math.abs(y[0]) && Math.abs(f[1]) < 1e-10 * Math.abs(y[1])) break;
  }
  return y;
}

/** Eigenvalues of the 2×2 Jacobian at y: [re1, im1, re2, im2]. */
function eigenvalues(y: Float64Array): [number, number, number, number] {
  const J = new Float64Array(4);
  builtin(MODEL).system().jacobian!(0, y, J);
  const tr = J[0] + J[3];
  const det = J[0] * J[3] - J[1] * J[2];
  const disc = (tr * tr) / 4 - det;
  if (disc >= 0) return [tr / 2 + Math.sqrt(disc), 0, tr / 2 - Math.sqrt(disc), 0];
  return [tr / 2, Math.sqrt(-disc), tr / 2, -Math.sqrt(-disc)];
}

const finalT = (T0: number, E0 = S_OVER_D, days = 2000) =>
  simulate({
    model: builtin(MODEL),
    tEnd: days,
    init: { E: E0, T: T0 },
    times: [days],
    rtol: 1e-9,
    atol: 1e-6,
  }).values[1];

export const KUZNETSOV1994_CASES: ValidationCase[] = [
  {
    id: `${MODEL}/trajectory`,
    model: MODEL,
    title: "trajectory of E and T, days 0–100 (BioModels initial state)",
    source: `${SOURCE_MD}; kuznetsov1994_reference_trajectory.csv`,
    setup: "E0 = 3.2e5, T0 = 5e6; outputs every day",
    run() {
      const file = path.join(DATA, "kuznetsov1994_reference_trajectory.csv");
      if (!existsSync(file))
        return [
          {
            quantity: "reference data",
            published: file,
            ours: "not found",
            tolerance: "present",
            pass: false,
          },
        ];
      const rows = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",").map(Number));
      const sol = simulate({
        model: builtin(MODEL),
        tEnd: 100,
        times: rows.map((r) => r[0]),
        rtol: 1e-10,
        atol: 1e-6,
      });
      let worst = 0;
      rows.forEach((r, i) => {
        worst = Math.max(
          worst,
          Math.abs(sol.values[2 * i] - r[1]) / r[1],
          Math.abs(sol.values[2 * i + 1] - r[2]) / r[2],
        );
      });
      const T = sol.column(1);
      const peak = Math.max(...T);
      return [
        maxCheck("max rel. difference, E and T, 101 days", worst, 1e-6, "reference CSV"),
        relCheck("tumor peak", peak, 9.777e7, 5e-4),
        relCheck("T(89)", sol.values[2 * 89 + 1], 9.906e5, 5e-4),
        relCheck("E(100)", sol.values[200], 1.218e6, 5e-4),
        relCheck("T(100)", sol.values[201], 1.305e6, 5e-4),
      ];
    },
  },
  {
    id: `${MODEL}/equilibria`,
    model: MODEL,
    title: "equilibria: dormant (stable focus), saddle, escape (stable node)",
    source:
      "models.md §3.3 [SIM] (paper's non-dimensional values; E0 = T0 = 1e6 scaling) and SOURCE.md (dimensional)",
    setup: "Newton's method on the model's right-hand side with its analytic Jacobian",
    run() {
      const dormant = equilibrium([1.6e6, 8e6]);
      const saddle = equilibrium([7.6e5, 2.7e8]);
      const escape = equilibrium([1.7e5, 4.5e8]);
      const [re, im] = eigenvalues(dormant);
      const sEig = eigenvalues(saddle);
      const eEig = eigenvalues(escape);
      const tau = 1 / (1.101e-7 * 1e6); // days per non-dimensional time unit
      const checks: Check[] = [
        relCheck("dormant T*", dormant[1], 8.186e6, 1e-3),
        relCheck("dormant E*", dormant[0], 1.608e6, 1e-3),
        relCheck("saddle T", saddle[1], 2.68e8, 2e-3),
        relCheck("saddle E", saddle[0], 7.598e5, 3e-3),
        relCheck("escape T", escape[1], 4.47e8, 1e-3),
        relCheck("escape E", escape[0], 1.73e5, 3e-3),
        relCheck("dormant: oscillation period (days)", (2 * Math.PI) / im, 99, 0.01),
        relCheck("dormant: damping rate × τ", -re * tau, 0.0501, 0.02),
        {
          quantity: "saddle: one positive, one negative eigenvalue",
          published: "0.3248, −1.3565 (×1/τ)",
          ours: `${(sEig[0] * tau).toFixed(4)}, ${(sEig[2] * tau).toFixed(4)}`,
          tolerance: "signs, ±1 %",
          pass:
            sEig[0] > 0 &&
            sEig[2] < 0 &&
            Math.abs(sEig[0] * tau - 0.3248) < 0.01 * 0.3248 &&
            Math.abs(sEig[2] * tau + 1.3565) < 0.01 * 1.3565,
        },
        {
          quantity: "escape: stable node",
          published: "−0.4527, −1.6931 (×1/τ)",
          ours: `${(eEig[0] * tau).toFixed(4)}, ${(eEig[2] * tau).toFixed(4)}`,
          tolerance: "±1 %",
          pass:
            eEig[1] === 0 &&
            Math.abs(eEig[0] * tau + 0.4527) < 0.01 * 0.4527 &&
            Math.abs(eEig[2] * tau + 1.6931) < 0.01 * 1.6931,
        },
      ];
      return checks;
    },
  },
  {
    id: `${MODEL}/escape-threshold`,
    model: MODEL,
    title: "escape threshold from the resting immune state E0 = s/d",
    source:
      "models.md §3.3 [SIM]: y0* = 63.73 (T0* = 6.373e7 cells); dimensional check T0 ≤ 5e7 → 8.186e6, ≥ 1e8 → 4.470e8",
    setup: "bisection on T0 with E0 = s/d = 3.155e5; outcome after 2000 days",
    run() {
      let lo = 5e7;
      let hi = 1e8;
      for (let k = 0; k < 30; k++) {
        const mid = Math.sqrt(lo * hi);
        if (finalT(mid) < 1e8) lo = mid;
        else hi = mid;
      }
      return [
        relCheck("threshold T0*", Math.sqrt(lo * hi), 6.373e7, 0.01),
        relCheck("T(2000) from T0 = 5e7", finalT(5e7), 8.186e6, 1e-3),
        relCheck("T(2000) from T0 = 1e8", finalT(1e8), 4.47e8, 1e-3),
        relCheck("T(3000) from the BioModels state", finalT(5e6, 3.2e5, 3000), 8.186e6, 1e-3),
      ];
    },
  },
  {
    id: `${MODEL}/threshold-vs-effectors`,
    model: MODEL,
    title: "the escape threshold moves with the initial effector level",
    source:
      "models.md §3.3 [SIM] grid: x0 = 0.1 → y0* in (10, 12.6); x0 = 0.5 → (126, 158); x0 = 1.5 → all y0 ≤ 500 dormant",
    setup: "E0 = x0·1e6, T0 = y0·1e6; escape = T(2000) ≥ 1e8",
    run() {
      const escapes = (x0: number, y0: number) => finalT(y0 * 1e6, x0 * 1e6) >= 1e8;
      const bracket = (x0: number, a: number, b: number) => !escapes(x0, a) && escapes(x0, b);
      return [
        {
          quantity: "x0 = 0.1: dormant at y0 = 10, escape at 12.6",
          published: "threshold in (10, 12.6)",
          ours: bracket(0.1, 10, 12.6) ? "in (10, 12.6)" : "outside",
          tolerance: "bracket",
          pass: bracket(0.1, 10, 12.6),
        },
        {
          quantity: "x0 = 0.5: dormant at y0 = 126, escape at 158",
          published: "threshold in (126, 158)",
          ours: bracket(0.5, 126, 158) ? "in (126, 158)" : "outside",
          tolerance: "bracket",
          pass: bracket(0.5, 126, 158),
        },
        {
          quantity: "x0 = 1.5: y0 = 500 goes dormant",
          published: "dormant",
          ours: escapes(1.5, 500) ? "escape" : "dormant",
          tolerance: "same",
          pass: !escapes(1.5, 500),
        },
        absCheck("check: τ = 1/(n·1e6) in days", 1 / (1.101e-7 * 1e6), 9.083, 0.001, " d"),
      ];
    },
  },
];
