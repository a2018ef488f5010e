import { builtin, crossingBelow, simulate } from "./run-model.js";
import { relCheck, textCheck, type Check, type ValidationCase } from "./types.js";

const MODEL = "depillis2005";
const SOURCE =
  "models.md §1.1 [SIM] table (N0 = sigma/f, L0 = 0; T at days 10/25/60); qualitative [P] abstract";

type Arm = "nn" | "nl" | "ln" | "ll";
/** [T0, arm, expected]: either probes T(10), T(25)[, T(60)] or "cleared" (by day 60). */
const TABLE: [number, Arm, number[] | "cleared"][] = [
  [1e4, "nn", [1.8e5, 1.3e7, 9.77e8]],
  [1e6, "nn", [5.5e7, 9.7e8, 9.77e8]],
  [1e7, "nn", [5.4e8, 9.77e8]],
  [1e4, "nl", "cleared"],
  [1e6, "nl", "cleared"],
  [1e7, "nl", [6.0e7, 8.5e8, 9.4e8]],
  [1e4, "ln", "cleared"],
  [1e6, "ln", "cleared"],
  [1e7, "ln", [1.5e8, 9.8e8]],
  [1e4, "ll", "cleared"],
  [1e6, "ll", "cleared"],
  [1e7, "ll", "cleared"],
];

export const DEPILLIS2005_CASES: ValidationCase[] = (["nn", "nl", "ln", "ll"] as Arm[]).map((arm) => ({
  id: `${MODEL}/arm-${arm}`,
  model: MODEL,
  title: `mouse arm ${arm}: tumor growth or clearance from 1e4, 1e6 and 1e7 cells`,
  source: SOURCE,
  setup: `${arm === "nn" ? "default parameters (arm nn)" : `--variant ${arm}`}; N0 = 3.155e5, L0 = 0; 0–60 days`,
  run() {
    const model = builtin(MODEL);
    const checks: Check[] = [];
    for (const [T0, a, expected] of TABLE) {
      if (a !== arm) continue;
      const sol = simulate({
        model,
        tEnd: 60,
        variant: arm === "nn" ? undefined : arm,
        init: { T: T0 },
        nOut: 6001,
      });
      if (expected === "cleared") {
        const day = crossingBelow(sol, 0, 1);
        checks.push(
          textCheck(
            `T0 = ${T0.toExponential(0)}: outcome`,
            day !== null ? `cleared (day ${day.toFixed(1)})` : "not cleared",
            "cleared",
          ),
        );
        checks[checks.length - 1] = { ...checks[checks.length - 1], pass: day !== null };
      } else {
        [10, 25, 60].slice(0, expected.length).forEach((day, i) => {
          checks.push(relCheck(`T0 = ${T0.toExponential(0)}: T(${day})`, sol.at(day)[0], expected[i], 0.05));
        });
      }
    }
    return checks;
  },
}));
