import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileProtocol } from "./compile-protocol.js";
import { mostellerBsa, resolvePatient, virtualPatients } from "./patient.js";
import { parseProtocol } from "./protocol-file.js";
import { simulateProtocol } from "./simulate-protocol.js";

const patient = resolvePatient("p9-weak");
const EXAMPLES = path.resolve(import.meta.dirname, "../../examples/protocols");
const protocol = (steps: string) =>
  parseProtocol(`name: t\nphases:\n  - name: a\n    start_day: 2\n    steps:\n${steps}`, "t.yaml");

describe("compiling protocols for a patient", () => {
  it("body-surface area by Mosteller", () => {
    expect(mostellerBsa(175, 70)).toBeCloseTo(Math.sqrt((175 * 70) / 3600), 12);
    expect(mostellerBsa(180, 80)).toBeCloseTo(2.0, 12);
  });

  it("has the virtual patients of the de Pillis parameter sets", () => {
    expect(virtualPatients().map((p) => p.id)).toEqual([
      "p9-weak",
      "p9-strong",
      "p9-large",
      "p10-strong",
      "p10-large",
    ]);
    expect(() => resolvePatient("nobody")).toThrow(/unknown patient 'nobody'/);
  });

  it("converts doses: per kg by weight, per m² by BSA, antibodies to plasma concentration", () => {
    const c = compileProtocol(
      protocol(
        "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [0] }\n" +
          "      - { agent: rituximab, dose: { value: 375, unit: mg/m2 }, route: iv, days: [1] }\n" +
          "      - { agent: nk-cells-allogeneic, dose: { value: 1.0e7, unit: cells/kg }, route: iv, days: [1] }\n" +
          "      - { agent: aldesleukin, dose: { value: 600000, unit: IU/kg }, route: iv, days: [3] }\n",
      ),
      patient,
    );
    const bsa = mostellerBsa(175, 70);
    expect(c.bsa).toBeCloseTo(bsa, 12);
    expect(c.modules).toEqual(["adcc", "checkpoint", "nk_transfer"]);
    const [icb, mab, nk, il2] = c.inputs;
    expect(icb.day).toBe(2); // phase start 2 + day 0
    expect(icb.doses[0]).toMatchObject({ kind: "bolus", state: "Aicb", at: 2 });
    expect((icb.doses[0] as { amount: number }).amount).toBeCloseTo(200 / 6, 12);
    expect((mab.doses[0] as { amount: number }).amount).toBeCloseTo((375 * bsa) / 6, 9);
    expect((nk.doses[0] as { amount: number }).amount).toBe(7e8);
    expect((il2.doses[0] as { amount: number }).amount).toBeCloseTo((600000 * 70) / 3, 6);
    expect(c.set).toEqual({ k_rej: 0.3 });
  });

  it("radiotherapy becomes linear-quadratic jumps; unmodelled agents are named in the notes", () => {
    const c = compileProtocol(
      protocol(
        "      - { agent: radiotherapy, dose: { value: 2, unit: Gy }, route: external-beam, days: [0, 1] }\n" +
          "      - { agent: blinatumomab, dose: { value: 28, unit: ug }, route: iv, days: [0] }\n",
      ),
      patient,
    );
    const rt = c.inputs.find((x) => x.agent === "radiotherapy")!.doses;
    expect(rt[0]).toMatchObject({ kind: "scale", state: "T" });
    expect((rt[0] as { factor: number }).factor).toBeCloseTo(Math.exp(-0.3 * 2 - 0.03 * 4), 12);
    expect(rt.slice(1).map((d) => d.state)).toEqual(["N", "L", "C"]);
    expect(c.notes.join("\n")).toMatch(/blinatumomab is not represented in the core model/);
  });
});

describe("simulating protocols", () => {
  it("lymphodepletion then TIL + IL-2 eliminates a large tumor that pembrolizumab alone does not", () => {
    const large = resolvePatient("p9-large");
    const til = parseProtocol(
      readFileSync(path.join(EXAMPLES, "chemo-then-til-il2.yaml"), "utf8"),
      "til.yaml",
    );
    const icb = parseProtocol(
      readFileSync(path.join(EXAMPLES, "pembrolizumab-q3w.yaml"), "utf8"),
      "icb.yaml",
    );
    const a = simulateProtocol(compileProtocol(til, large), { days: 100 }).outcome;
    const b = simulateProtocol(compileProtocol(icb, large), { days: 100 }).outcome;
    expect(a.eliminated).toBe(true);
    expect(a.daysUndetectable).toBeGreaterThan(80);
    expect(b.eliminated).toBe(false);
    expect(b.progressionDay).not.toBeNull();
    expect(b.finalBurden).toBeGreaterThan(9e8);
  });

  it("the same TIL without IL-2 support fails on a large tumor: tumor cells inactivate CD8+ cells (q·L·T)", () => {
    const large = resolvePatient("p9-large");
    const til = parseProtocol(
      "name: til\nphases:\n  - name: a\n    start_day: 0\n    steps:\n" +
        "      - { agent: chemotherapy-debulking, dose: { value: 60, unit: mg/m2 }, route: iv, days: [0] }\n" +
        "      - { agent: lifileucel, dose: { value: 3.0e10, unit: cells }, route: iv, days: [7] }\n",
      "t.yaml",
    );
    expect(simulateProtocol(compileProtocol(til, large), { days: 100 }).outcome.eliminated).toBe(false);
  });
});
