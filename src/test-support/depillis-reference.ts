// The de Pillis 2006 patient-9 reference problem of ../shared/perf (hand-written, mirrors perf/model.h),
// used to test the engine independently of the model language.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { Dose, OdeSystem } from "../engine/index.js";

const P = {
  a: 4.31e-1,
  b: 1.02e-9,
  c: 6.41e-11,
  d: 2.34,
  e: 2.08e-7,
  l: 2.09,
  f: 4.12e-2,
  g: 1.25e-2,
  h: 2.02e7,
  j: 2.49e-2,
  k: 3.66e7,
  m: 2.04e-1,
  q: 1.42e-6,
  p: 3.42e-6,
  s: 8.39e-2,
  r1: 1.1e-7,
  r2: 6.5e-11,
  u: 3e-10,
  KT: 9e-1,
  KN: 6e-1,
  KL: 6e-1,
  KC: 6e-1,
  alpha: 7.5e8,
  beta: 1.2e-2,
  gamma: 9e-1,
  pI: 1.25e-1,
  gI: 2e7,
  muI: 1e1,
};

export const Y0 = [1e6, 1e3, 10, 6e8, 0, 0];
const kt = new Float64Array(3);
function kill(T: number, L: number): void {
  if (L <= 0) {
    kt[0] = 0;
    kt[1] = 0;
    kt[2] = 0;
    return;
  }
  if (T <= 0) {
    kt[0] = P.d * T;
    kt[1] = P.d;
    kt[2] = 0;
    return;
  }
  const x = L / T,
    R = Math.pow(x, P.l),
    den = P.s + R,
    D = (P.d * R) / den;
  const w = (P.d * P.s * P.l) / (den * den);
  kt[0] = D * T;
  kt[1] = D - w * R;
  kt[2] = (w * R) / x;
}

export const depillisSystem: OdeSystem = {
  dimension: 6,
  stateNames: ["T", "N", "L", "C", "M", "I"],
  rhs(_t, y, dy) {
    const [T, N, L, C, M, I] = y;
    kill(T, L);
    const G = kt[0];
    const E = 1 - Math.exp(-M),
      G2 = G * G;
    dy[0] = P.a * T * (1 - P.b * T) - P.c * N * T - G - P.KT * E * T;
    dy[1] = P.e * C - P.f * N + ((P.g * T * T) / (P.h + T * T)) * N - P.p * N * T - P.KN * E * N;
    dy[2] =
      -P.m * L +
      ((P.j * G2) / (P.k + G2)) * L -
      P.q * L * T +
      (P.r1 * N + P.r2 * C) * T -
      P.u * N * L * L -
      P.KL * E * L +
      (P.pI * L * I) / (P.gI + I);
    dy[3] = P.alpha - P.beta * C - P.KC * E * C;
    dy[4] = -P.gamma * M;
    dy[5] = -P.muI * I;
  },
  jacobian(_t, y, J) {
    const [T, N, L, C, M, I] = y;
    kill(T, L);
    const G = kt[0],
      GT = kt[1],
      GL = kt[2];
    const eM = Math.exp(-M),
      E = 1 - eM,
      G2 = G * G,
      kG = P.k + G2;
    const rec = (P.j * G2) / kG,
      drec = ((P.j * 2 * G * P.k) / (kG * kG)) * L,
      hT = P.h + T * T;
    J.fill(0);
    J[0] = P.a * (1 - 2 * P.b * T) - P.c * N - GT - P.KT * E;
    J[1] = -P.c * T;
    J[2] = -GL;
    J[4] = -P.KT * eM * T;
    J[6] = (P.g * N * 2 * P.h * T) / (hT * hT) - P.p * N;
    J[7] = -P.f + (P.g * T * T) / hT - P.p * T - P.KN * E;
    J[9] = P.e;
    J[10] = -P.KN * eM * N;
    J[12] = drec * GT - P.q * L + P.r1 * N + P.r2 * C;
    J[13] = P.r1 * T - P.u * L * L;
    J[14] = -P.m + rec + drec * GL - P.q * T - 2 * P.u * N * L - P.KL * E + (P.pI * I) / (P.gI + I);
    J[15] = P.r2 * T;
    J[16] = -P.KL * eM * L;
    J[17] = (P.pI * L * P.gI) / ((P.gI + I) * (P.gI + I));
    J[21] = -P.beta - P.KC * E;
    J[22] = -P.KC * eM * C;
    J[28] = -P.gamma;
    J[35] = -P.muI;
  },
};

export type ScenarioName = "none" | "chemo" | "chemo_til";
export const SCENARIOS: ScenarioName[] = ["none", "chemo", "chemo_til"];

export function scenarioDoses(name: ScenarioName): Dose[] {
  const doses: Dose[] = [];
  if (name === "none") return doses;
  for (let k = 0; k <= 10; k++) doses.push({ kind: "bolus", index: 4, amount: 2, at: 9 * k });
  if (name === "chemo_til") {
    doses.push({ kind: "bolus", index: 2, amount: 1e9, at: 7 });
    doses.push({ kind: "infusion", index: 5, rate: 5e6, from: 8, to: 13 });
  }
  return doses;
}

export const REFERENCE_TIMES = Float64Array.from({ length: 1001 }, (_, i) => (i * 100) / 1000);

const here = path.dirname(fileURLToPath(import.meta.url));
/** Directory of the shared peer-solver material (../shared/perf beside the repository). */
export const SHARED_PERF = path.resolve(here, "../../../shared/perf");

/** Reads ../shared/perf/reference/<name>.csv: 1001 rows of t,T,N,L,C,M,I. */
export function readReference(name: ScenarioName): { t: Float64Array; values: Float64Array } {
  const text = readFileSync(path.join(SHARED_PERF, "reference", `${name}.csv`), "utf8");
  const rows = text.trim().split("\n").slice(1);
  const t = new Float64Array(rows.length);
  const values = new Float64Array(rows.length * 6);
  rows.forEach((row, i) => {
    const cols = row.split(",").map(Number);
    t[i] = cols[0];
    for (let k = 0; k < 6; k++) values[i * 6 + k] = cols[k + 1];
  });
  return { t, values };
}

/** Max relative error on T (index 0) where the reference T ≥ 1 cell. */
export function maxRelErrT(values: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < ref.length / 6; i++) {
    const r = ref[i * 6];
    if (r >= 1) worst = Math.max(worst, Math.abs(values[i * 6] - r) / r);
  }
  return worst;
}
