import { builtin, minOf, simulate } from "./run-model.js";
import { absCheck, maxCheck, relCheck, type ValidationCase } from "./types.js";

function peak(values: Float64Array, times: Float64Array): { value: number; t: number } {
  let value = -Infinity;
  let t = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > value) {
      value = values[i];
      t = times[i];
    }
  }
  return { value, t };
}

export const CART_CASES: ValidationCase[] = [
  {
    id: "kimmel2021/car-t-kinetics",
    model: "kimmel2021",
    title: "CAR-T expansion and contraction after lymphodepletion (Table 1 values)",
    source:
      "models.md §7.1 [SIM] (clinical Moffitt medians 27.5 / 9.1 / 2.1 / 0.1 cells/µL at days 7 / 14 / 28 / 90 [P])",
    setup: "N0 = 6, C0 = 0.36 cells/µL, B0 = 94.86 mL, r_B = 0.01; 0–90 days",
    run() {
      const model = builtin("kimmel2021");
      const sol = simulate({ model, tEnd: 90, nOut: 9001 });
      const C = sol.column(1);
      const p = peak(C, sol.times);
      return [
        relCheck("CAR-T peak (cells/µL)", p.value, 30.1, 0.005),
        absCheck("day of the peak", p.t, 7.0, 0.05, " d"),
        relCheck("C(14)", sol.at(14)[1], 8.98, 0.005),
        relCheck("C(28)", sol.at(28)[1], 2.49, 0.005),
        relCheck("C(90)", sol.at(90)[1], 0.338, 0.005),
        relCheck("N(28)", sol.at(28)[0], 473, 0.005),
        maxCheck("r_B = 0.01: tumor minimum (mL)", minOf(sol, 2).value, 1e-12, "7.5e-14 (extinct)"),
      ];
    },
  },
  {
    id: "kimmel2021/relapse",
    model: "kimmel2021",
    title: "medium and fast tumors reach a nadir and relapse",
    source: "models.md §7.1 [SIM]",
    setup: "r_B = 0.105 (0–365 days) and r_B = 0.19 (0–200 days); other values of Table 1",
    run() {
      const model = builtin("kimmel2021");
      const slow = simulate({ model, tEnd: 365, set: { rB: 0.105 }, nOut: 36501 });
      const fast = simulate({ model, tEnd: 200, set: { rB: 0.19 }, nOut: 20001 });
      const ns = minOf(slow, 2);
      const nf = minOf(fast, 2);
      return [
        relCheck("r_B = 0.105: nadir (mL)", ns.value, 2.3e-9, 0.05),
        absCheck("r_B = 0.105: day of the nadir", ns.t, 84, 0.5, " d"),
        relCheck("r_B = 0.105: B(365) (mL)", slow.final[2], 486, 0.005),
        relCheck("r_B = 0.19: nadir (mL)", nf.value, 1.1e-6, 0.05),
        absCheck("r_B = 0.19: day of the nadir", nf.t, 63, 0.5, " d"),
      ];
    },
  },
  {
    id: "barros2021/hdlm2-memory",
    model: "barros2021",
    title: "HDLM-2: CAR-T on day 45 eliminate the tumor; memory cells reject a rechallenge on day 250",
    source: "models.md §7.2 [SIM] of BIOMD0000001019; the memory-protection result the paper reports",
    setup: "T0 = 2e6; 2e6 CAR-T cells on day 45; 1e6 tumor cells on day 250 (the model's doses)",
    run() {
      const model = builtin("barros2021");
      const sol = simulate({ model, tEnd: 300, doses: [...model.spec.doses], nOut: 3001 });
      return [
        relCheck("T(45)", sol.at(45)[2], 2.54e7, 0.005),
        maxCheck("T(60)", sol.at(60)[2], 1e-11, "< 1e-11 (eliminated)"),
        relCheck("C_M(249)", sol.at(249)[1], 1.19e6, 0.005),
        relCheck("C_T(260)", sol.at(260)[0], 4.8e5, 0.01),
        maxCheck("T(300) after the rechallenge", sol.at(300)[2], 1, "rejected"),
      ];
    },
  },
  {
    id: "stein2019/cellular-kinetics",
    model: "stein2019",
    title: "tisagenlecleucel expansion and bi-exponential decline",
    source:
      "Stein 2019 abstract [P]: doubling time 0.78 d, initial decline half-life 4.3 d, terminal half-life 220 d; models.md §7.3 [SIM] X(28), X(90), X(365)",
    setup: "typical-patient values; 0–365 days",
    run() {
      const model = builtin("stein2019");
      const sol = simulate({ model, tEnd: 365, times: [9.3, 28, 90, 365], events: true });
      const X = model.observe(sol.times, sol.values)[0];
      const p = model.defaultParameters();
      const rho = Math.log(p[model.parameterIndex("foldx")]) / p[model.parameterIndex("Tmax")];
      return [
        relCheck("doubling time ln2/ρ (d)", Math.LN2 / rho, 0.78, 0.01),
        relCheck("initial half-life ln2/α (d)", Math.LN2 / p[model.parameterIndex("alpha")], 4.3, 0.01),
        relCheck("terminal half-life ln2/β (d)", Math.LN2 / p[model.parameterIndex("beta")], 220, 0.02),
        relCheck("X(Tmax) = Cmax", X[0], 24000, 1e-6),
        relCheck("X(28)", X[1], 1374, 0.001),
        relCheck("X(90)", X[2], 146.5, 0.001),
        relCheck("X(365)", X[3], 60.7, 0.002),
      ];
    },
  },
  {
    id: "leontriana2021/relapse",
    model: "leontriana2021",
    title: "B-ALL: CAR-T expansion, leukemia nadir and deterministic relapse without persistence",
    source: "models.md §7.4 [SIM] of BIOMD0000001011",
    setup: "C0 = 1e7, L0 = 5e10, B0 = 2.5e10; 0–200 days",
    run() {
      const model = builtin("leontriana2021");
      const sol = simulate({ model, tEnd: 200, nOut: 20001, atol: 1e-6 });
      const p = peak(sol.column(0), sol.times);
      const nadir = minOf(sol, 1);
      return [
        relCheck("CAR-T peak", p.value, 1.64e10, 0.005),
        absCheck("day of the peak", p.t, 12.2, 0.05, " d"),
        relCheck("leukemia nadir", nadir.value, 4.1e5, 0.01),
        absCheck("day of the nadir", nadir.t, 57, 0.5, " d"),
        relCheck("L(200) after relapse", sol.final[1], 3.0e7, 0.01),
      ];
    },
  },
];
