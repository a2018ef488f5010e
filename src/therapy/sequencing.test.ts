// What the core model predicts for the clinics' two timing rules (docs/sequencing-core-model.md reports these numbers).
// These tests pin the model's current predictions so that a model change that alters them is noticed and the
// document updated; they do not encode the clinics' rules, and no parameter was tuned to make a rule come true.
import { describe, expect, it } from "vitest";
import { compileProtocol } from "./compile-protocol.js";
import { resolvePatient } from "./patient.js";
import { parseProtocol } from "./protocol-file.js";
import { simulateProtocol, type ProtocolRun } from "./simulate-protocol.js";

const mk = (steps: string) =>
  parseProtocol(`name: x\nphases:\n  - name: a\n    start_day: 0\n    steps:\n${steps}`, "x.yaml");
const virus = (d: number[]) =>
  `      - { agent: oncolytic-virus-investigational, dose: { value: 1.0e9, unit: PFU }, route: intratumoral, days: [${d}] }\n`;
const il2 = (d: number[]) =>
  `      - { agent: aldesleukin, dose: { value: 600000, unit: IU/kg }, route: iv, days: [${d}] }\n`;
const icb = (d: number[]) =>
  `      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [${d}] }\n`;
const til = (d: number) =>
  `      - { agent: lifileucel, dose: { value: 3.0e10, unit: cells }, route: iv, days: [${d}] }\n`;
const IL2_COURSE = (start: number) => [0, 0.33, 0.67, 1, 1.33, 1.67].map((x) => start + x);

function run(patientId: string, steps: string, set: Record<string, number> = {}): ProtocolRun {
  const p = resolvePatient(patientId);
  return simulateProtocol(compileProtocol(mk(steps), { ...p, set: { ...(p.set ?? {}), ...set } }), {
    days: 60,
  });
}

/** Tumor cells lysed by the virus over the run: ∫ δ_v · Tv dt. */
function lysedByVirus(r: ProtocolRun): number {
  const n = r.model.dimension;
  const iv = r.model.stateIndex("Tv");
  const delta = r.parameters[r.model.parameterIndex("delta_v")];
  let sum = 0;
  for (let i = 1; i < r.solution.times.length; i++)
    sum += delta * r.solution.values[i * n + iv] * (r.solution.times[i] - r.solution.times[i - 1]);
  return sum;
}

const T30 = (r: ProtocolRun) => r.solution.values[120 * r.model.dimension];

describe("sequencing: immune activation before or after the oncolytic virus", () => {
  for (const pid of ["p9-weak", "p9-large"]) {
    it(`${pid}: with the core model's (assumed) virus parameters the order changes the outcome by less than 5 %`, () => {
      const after = run(pid, virus([0, 2, 4]) + il2(IL2_COURSE(7)));
      const before = run(pid, il2(IL2_COURSE(0)) + virus([7, 9, 11]));
      const rel = Math.abs(T30(after) - T30(before)) / T30(before);
      expect(rel).toBeLessThan(0.05);
      expect(after.outcome.eliminated || before.outcome.eliminated).toBe(false);
      // early IL-2 leaves no trace by day 7 (IL-2 decays at 10/day): the virus lyses as many cells either way
      expect(Math.abs(lysedByVirus(after) - lysedByVirus(before)) / lysedByVirus(before)).toBeLessThan(0.05);
    });
  }

  it("p9-strong: checkpoint blockade before the virus lets the immune system clear the tumor before the virus acts", () => {
    const after = run("p9-strong", virus([0, 2, 4]) + icb([7]), { tolerance: 2 });
    const before = run("p9-strong", icb([0]) + virus([7, 9, 11]), { tolerance: 2 });
    expect(before.outcome.eliminatedDay!).toBeLessThan(after.outcome.eliminatedDay!);
    expect(lysedByVirus(before)).toBe(0);
    expect(lysedByVirus(after)).toBeGreaterThan(1e3);
  });
});

describe("sequencing: immunotherapy after debulking or at full burden", () => {
  const lymphodepletion =
    "      - { agent: cyclophosphamide, dose: { value: 60, unit: mg/kg }, route: iv, days: [0, 1] }\n" +
    "      - { agent: fludarabine, dose: { value: 25, unit: mg/m2 }, route: iv, days: [2, 3, 4, 5, 6] }\n";

  it("p9-large (2e7 cells): TIL + IL-2 at full burden fails; after debulking chemotherapy it eliminates the tumor", () => {
    const full = run("p9-large", til(0) + il2(IL2_COURSE(0.5)));
    const debulked = run("p9-large", lymphodepletion + til(8) + il2(IL2_COURSE(8.5)));
    expect(full.outcome.eliminated).toBe(false);
    expect(full.outcome.finalBurden).toBeGreaterThan(9e8);
    expect(debulked.outcome.eliminated).toBe(true);
  });

  it("p9-weak (1e6 cells, already minimal): TIL + IL-2 clears it without debulking, and sooner", () => {
    const full = run("p9-weak", til(0) + il2(IL2_COURSE(0.5)));
    const debulked = run("p9-weak", lymphodepletion + til(8) + il2(IL2_COURSE(8.5)));
    expect(full.outcome.eliminated).toBe(true);
    expect(debulked.outcome.eliminated).toBe(true);
    expect(full.outcome.eliminatedDay!).toBeLessThan(debulked.outcome.eliminatedDay!);
  });
});
