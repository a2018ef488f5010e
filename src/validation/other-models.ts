import { builtin, simulate } from "./run-model.js";
import type { DoseSpec } from "../engine/language/index.js";
import { digitsCheck, fmt, relCheck, type Check, type ValidationCase } from "./types.js";

export const OTHER_MODEL_CASES: ValidationCase[] = [
  {
    id: "wodarz2001/antiviral-immunity",
    model: "wodarz2001",
    title: "a fast-spreading virus keeps the tumor low; virus-specific CTL undermine the therapy",
    source:
      "models.md §5.1 [SIM]; qualitative result of the paper: adding anti-viral immunity increases the final tumor burden",
    setup: "x0 = 0.01, y0 = 1e-4; without CTL (SBML values) and with the variant antiviral_ctl; t = 400",
    run() {
      const model = builtin("wodarz2001");
      const plain = simulate({ model, tEnd: 400, times: [400], atol: 1e-14 });
      const ctl = simulate({ model, tEnd: 400, times: [400], variant: "antiviral_ctl", atol: 1e-14 });
      return [
        relCheck("no CTL: x(400)", plain.values[0], 0.0055, 0.01),
        relCheck("no CTL: y(400)", plain.values[1], 0.217, 0.005),
        relCheck("with CTL: x(400)", ctl.values[0], 11.8, 0.005),
        relCheck("with CTL: y(400) = b/c_v", ctl.values[1], 0.1, 0.001),
        relCheck("with CTL: total tumor", ctl.values[0] + ctl.values[1], 11.9, 0.005),
      ];
    },
  },
  {
    id: "hoffman2018/adcc-dose-response",
    model: "hoffman2018",
    title: "ADCC: killing rises with antibody dose and saturates",
    source: "models.md §9.1 [SIM] of BIOMD0000000802: fraction of targets left S at t = 1, 5, 10",
    setup: "A0 = 0, 10, 100, 1e3, 1e4, 1e5; R0 = 0, S0 = 1, C0 = 0 (non-dimensional time)",
    run() {
      const model = builtin("hoffman2018");
      const table: [number, string[]][] = [
        [0, ["1", "1", "1"]],
        [10, ["0.994", "0.943", "0.882"]],
        [100, ["0.943", "0.606", "0.342"]],
        [1e3, ["0.724", "0.122", "0.013"]],
        [1e4, ["0.549", "0.044", "0.0019"]],
        [1e5, ["0.519", "0.037", "0.0014"]],
      ];
      const checks: Check[] = [];
      for (const [A0, expected] of table) {
        const sol = simulate({ model, tEnd: 10, init: { A: A0 }, times: [1, 5, 10], atol: 1e-14 });
        [1, 5, 10].forEach((t, i) =>
          checks.push(digitsCheck(`A0 = ${A0}: S(${t})`, sol.values[i * 4 + 2], expected[i])),
        );
      }
      return checks;
    },
  },
  {
    id: "nikolopoulou2018/no-drug",
    model: "nikolopoulou2018",
    title: "without the inhibitor the checkpoint holds T cells down: strong inhibition at steady state",
    source:
      "models.md §6.1 [SIM] (no drug, t = 400 d); paper abstract [P]: the immune system may control the tumour, anti-PD-1 alone may not eradicate it",
    setup: "C0 = 0.3968, T0 = 0.006, A0 = 0; 0–400 days",
    run() {
      const model = builtin("nikolopoulou2018");
      const sol = simulate({ model, tEnd: 400, times: [400], atol: 1e-14 });
      const [F] = model.observe(sol.times, sol.values);
      return [
        relCheck("C(400)", sol.values[0], 0.6415, 0.001),
        relCheck("T(400)", sol.values[1], 0.00196, 0.005),
        relCheck("F(Q) at day 400", F[0], 0.0156, 0.005),
      ];
    },
  },
  {
    id: "claret2009/analytic",
    model: "claret2009",
    title: "TGI model against its closed form for constant exposure",
    source: "Claret 2009 model (models.md §6.4): y = y0·exp(K_L t − K_D0 E (1 − e^(−λt))/λ)",
    setup: "y0 = 200 mm, E = 1 and E = 3; weeks 4, 12, 26, 52",
    run() {
      const model = builtin("claret2009");
      const checks: Check[] = [];
      for (const E of [1, 3]) {
        const times = [4, 12, 26, 52];
        const sol = simulate({ model, tEnd: 52, init: { E }, times });
        times.forEach((t, i) => {
          const exact = 200 * Math.exp(0.021 * t - (0.025 * E * (1 - Math.exp(-0.053 * t))) / 0.053);
          checks.push(relCheck(`E = ${E}: y(${t} wk)`, sol.values[i * 2], exact, 1e-8));
        });
      }
      return checks;
    },
  },
  {
    id: "tgi-biexponential/analytic",
    model: "tgi-biexponential",
    title: "bi-exponential TGI model against its closed form",
    source: "TS(t) = TS0 (e^(−K_S t) + e^(K_G t) − 1) (Stein 2008 form; Claret 2018, models.md §6.4)",
    setup: "TS0 = 50 mm, K_S = 0.1, K_G = 0.01 per week; weeks 6, 12, 25, 52",
    run() {
      const model = builtin("tgi-biexponential");
      const times = [6, 12, 25, 52];
      const sol = simulate({ model, tEnd: 52, times });
      const [TS] = model.observe(sol.times, sol.values);
      return times.map((t, i) =>
        relCheck(`TS(${t} wk)`, TS[i], 50 * (Math.exp(-0.1 * t) + Math.exp(0.01 * t) - 1), 1e-8),
      );
    },
  },
  {
    id: "jenner2021/booster-lag",
    model: "jenner2021",
    title: "an aggressive tumor does best with the VSV booster 1 day after the VV primer",
    source:
      "Jenner 2021 abstract [P]: aggressive (fast-growing) tumors — a single VV followed by VSV 1 day later; the burden is compared 15 days after the VSV injection, as in the authors' Commands_VSV_lag.m [C]",
    setup:
      "baseline (4T1) parameters, 1e5 cells at the start (Immunoplan choice); VV 1e2 on day 0, VSV 1e3 on day 1 or day 15; burden 15 days after VSV; not the 200-patient cohort",
    run() {
      const model = builtin("jenner2021");
      const burdenAfter = (lag: number | null): number => {
        const tB = lag ?? 1;
        const doses: DoseSpec[] =
          lag === null
            ? []
            : [
                { kind: "bolus", state: "DepP", amount: 100 / 7, at: 0 },
                { kind: "bolus", state: "DepB", amount: 1000 / 7, at: lag },
              ];
        const sol = simulate({
          model,
          tEnd: tB + 15,
          set: { tB: lag ?? 1e6 },
          doses,
          events: true,
          times: [tB + 15],
        });
        return model.observe(sol.times, sol.values, model.defaultParameters())[0][0];
      };
      const none = burdenAfter(null);
      const lag1 = burdenAfter(1);
      const lag15 = burdenAfter(15);
      return [
        {
          quantity: "burden at day 16: VV + VSV (lag 1) vs no virus",
          published: "lower with virus",
          ours: `${fmt(lag1)} vs ${fmt(none)}`,
          tolerance: "lower",
          pass: lag1 < none,
        },
        {
          quantity: "burden 15 days after VSV: lag 1 vs lag 15",
          published: "lag 1 better (aggressive tumors)",
          ours: `${fmt(lag1)} vs ${fmt(lag15)}`,
          tolerance: "lower",
          pass: lag1 < lag15,
        },
      ];
    },
  },
];
