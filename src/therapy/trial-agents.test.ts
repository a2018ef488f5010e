/**
 * Agents added (2026-12-02) so that published immunotherapy trials' arms load: anti-PD-1 antibodies of other labels
 * (tislelizumab, toripalimab, sintilimab, camrelizumab, dostarlimab, retifanlimab) and tremelimumab act through the
 * clinical model's PD-1 and CTLA-4 modules with their own label clearance where one was read; oxaliplatin and
 * polatuzumab vedotin act as chemotherapy of a named class; the CD20 × CD3 engagers act through module
 * `bispecific` (in large B-cell lymphoma only); tebentafusp, epacadostat and bempegaldesleukin are in the catalog
 * without a modelled effect (an arm of them is simulated as if they were not given, and the trial reader says so).
 */
import { describe, expect, it } from "vitest";
import { therapyCatalog } from "./catalog.js";
import { agentsWithoutEffect, compileClinical } from "./compile-clinical.js";
import type { Protocol } from "./protocol-schema.js";
import { validateProtocol } from "./validate-protocol.js";

const patient = { id: "p", weight_kg: 80, height_cm: 175, gfr_ml_min: 100 };
const protocol = (agent: string, value: number, unit: string, days: number[]): Protocol => ({
  name: agent,
  phases: [
    { name: "t", start_day: 0, steps: [{ agent, dose: { value, unit: unit as never }, route: "iv", days }] },
  ],
});

/** Terminal half-life (days) of a two-compartment model: the slower eigenvalue of its rate matrix. */
function terminalHalfLife(cl: number, v1: number, q: number, v2: number): number {
  const k10 = cl / v1;
  const k12 = q / v1;
  const k21 = q / v2;
  const s = k10 + k12 + k21;
  const beta = (s - Math.sqrt(s * s - 4 * k10 * k21)) / 2;
  return Math.log(2) / beta;
}

describe("checkpoint inhibitors of published trials", () => {
  const cat = therapyCatalog();
  // label (SmPC) clearance in L/day and terminal half-life in days, [C] in the catalog's sources
  const LABEL: Record<string, { cl: number; halfLife: number }> = {
    tislelizumab: { cl: 0.153, halfLife: 23.8 },
    dostarlimab: { cl: 0.179, halfLife: 23.5 },
    retifanlimab: { cl: 0.314, halfLife: 16.6 }, // 14.6 after the first dose, 18.7 at steady state
    tremelimumab: { cl: 0.309, halfLife: 14.2 },
  };

  it("act through the PD-1 or CTLA-4 module, with the label clearance where one was read and a half-life within 30 % of the label's", () => {
    for (const id of [
      "tislelizumab",
      "toripalimab",
      "sintilimab",
      "camrelizumab",
      "dostarlimab",
      "retifanlimab",
    ]) {
      const a = cat.agents.get(id)!;
      expect(a.class, id).toBe("anti-PD-1");
      expect(a.clinical?.input, id).toBe("pd1");
      const d = a.doses[0];
      const c = compileClinical(protocol(id, d.usual, d.unit, [0]), patient);
      expect(c.modules, id).toEqual(["pd1"]);
      expect(c.doses.length, id).toBe(1);
    }
    const treme = compileClinical(protocol("tremelimumab", 75, "mg", [0, 21]), patient);
    expect(treme.modules).toEqual(["ctla4"]);
    for (const [id, label] of Object.entries(LABEL)) {
      const pk = cat.agents.get(id)!.clinical!.pk!;
      expect(pk.CL_L_day, id).toBe(label.cl);
      const t = terminalHalfLife(pk.CL_L_day, pk.V1_L, pk.Q_L_day, pk.V2_L);
      expect(Math.abs(t / label.halfLife - 1), `${id}: ${t.toFixed(1)} days`).toBeLessThan(0.3);
    }
  });

  it("two doses within the label's interval are flagged; the label schedule is not", () => {
    const early = validateProtocol(protocol("tislelizumab", 200, "mg", [0, 14]));
    expect(early.some((p) => /Tevimbra: 200 mg every 3 weeks/.test(p.message))).toBe(true);
    const label = validateProtocol(protocol("tislelizumab", 200, "mg", [0, 21, 42]));
    expect(label.some((p) => /dosing interval/.test(p.message))).toBe(false);
    // dostarlimab's 1000 mg doses are 6 weeks apart: 4 weeks is too soon
    const dostar = validateProtocol(protocol("dostarlimab", 1000, "mg", [0, 28]));
    expect(dostar.some((p) => /Jemperli/.test(p.message))).toBe(true);
  });
});

describe("chemotherapy and agents without a modelled effect", () => {
  it("oxaliplatin is a platinum and polatuzumab vedotin an antimicrotubule chemotherapy in equivalents of their reference doses", () => {
    const ox = compileClinical(protocol("oxaliplatin", 85, "mg/m2", [0, 14]), patient);
    expect(ox.modules).toEqual(["chemo"]);
    expect(ox.doses.every((d) => d.kind === "bolus" && Math.abs(d.amount - 85 / 130) < 1e-12)).toBe(true);
    expect(therapyCatalog().agents.get("oxaliplatin")!.clinical?.mechanism).toBe("platinum");
    const pola = compileClinical(protocol("polatuzumab-vedotin", 1.8, "mg/kg", [0]), patient);
    expect(pola.modules).toEqual(["chemo"]);
    expect(pola.doses.length).toBe(1);
    expect(therapyCatalog().agents.get("polatuzumab-vedotin")!.clinical?.mechanism).toBe("vinca");
  });

  it("the CD20 × CD3 engagers load their exposure in label-dose-intensity equivalents with their own half-life", () => {
    for (const [id, value, amount, halfLife] of [
      ["glofitamab", 30, 21, 7.6],
      ["epcoritamab", 48, 14, 23],
      ["mosunetuzumab", 30, 21, 16],
    ] as const) {
      const c = compileClinical(protocol(id, value, "mg", [0]), patient);
      expect(c.modules, id).toEqual(["bispecific"]);
      expect(c.doses[0].kind === "bolus" && c.doses[0].state, id).toBe("Xcd3");
      expect(c.doses[0].kind === "bolus" ? c.doses[0].amount : 0, id).toBeCloseTo(amount, 5);
      expect(Math.log(2) / c.set.kXcd3, id).toBeCloseTo(halfLife, 0);
    }
  });

  it("loncastuximab tesirine is an alkylating chemotherapy, tafasitamab an ADCC antibody like rituximab (added 2026-12-03)", () => {
    const lonca = compileClinical(protocol("loncastuximab-tesirine", 0.15, "mg/kg", [0, 21]), patient);
    expect(lonca.modules).toEqual(["chemo"]);
    expect(lonca.doses.every((d) => d.kind === "bolus" && Math.abs(d.amount - 1) < 1e-12)).toBe(true);
    expect(therapyCatalog().agents.get("loncastuximab-tesirine")!.clinical?.mechanism).toBe("alkylating");
    const tafa = compileClinical(protocol("tafasitamab", 12, "mg/kg", [0]), patient);
    const ritux = compileClinical(protocol("rituximab", 375, "mg/m2", [0]), patient);
    expect(tafa.modules).toEqual(ritux.modules);
    expect(tafa.modules.length).toBeGreaterThan(0);
  });

  it("tebentafusp, epacadostat, bempegaldesleukin and lenalidomide are simulated as not given, and say so", () => {
    for (const [id, value, unit] of [
      ["tebentafusp", 68, "ug"],
      ["epacadostat", 200, "mg"],
      ["bempegaldesleukin", 0.006, "mg/kg"],
      ["lenalidomide", 25, "mg"],
    ] as const) {
      const p = protocol(id, value, unit, [0]);
      expect(
        agentsWithoutEffect(p).map((o) => o.agent.id),
        id,
      ).toEqual([id]);
      expect(therapyCatalog().agents.get(id)!.model_note, id).toMatch(/^Not represented: .* not given/);
      expect(compileClinical(p, patient).modules, id).toEqual([]);
    }
  });
});

describe("agents added 2026-12-05 so that more published arms load", () => {
  const routed = (p: Protocol, route: string): Protocol => ({
    ...p,
    phases: p.phases.map((ph) => ({
      ...ph,
      steps: ph.steps.map((st) => ({ ...st, route: route as never })),
    })),
  });

  it("lazertinib acts through the third-generation EGFR pathway like osimertinib, one equivalent per label dose", () => {
    const laz = compileClinical(protocol("lazertinib", 240, "mg", [0, 1, 2]), patient);
    const osi = compileClinical(protocol("osimertinib", 80, "mg", [0, 1, 2]), patient);
    expect(laz.modules).toEqual(osi.modules);
    expect(laz.doses.map((d) => ({ ...d, label: "" }))).toEqual(osi.doses.map((d) => ({ ...d, label: "" })));
    expect(validateProtocol(routed(protocol("lazertinib", 240, "mg", [0]), "oral"))).toEqual([]);
  });

  it("amivantamab, capivasertib, ipatasertib, entrectinib and radium-223 load without a modelled effect", () => {
    for (const [id, value, unit, route] of [
      ["amivantamab", 1050, "mg", "iv"],
      ["capivasertib", 800, "mg", "oral"],
      ["ipatasertib", 400, "mg", "oral"],
      ["entrectinib", 600, "mg", "oral"],
      ["radium-223-dichloride", 55, "kBq/kg", "iv"],
    ] as const) {
      const p = routed(protocol(id, value, unit, [0]), route);
      expect(validateProtocol(p), id).toEqual([]);
      expect(
        agentsWithoutEffect(p).map((o) => o.agent.id),
        id,
      ).toEqual([id]);
      expect(therapyCatalog().agents.get(id)!.model_note, id).toMatch(
        /^Not represented as a treatment effect: /,
      );
      expect(compileClinical(p, patient).modules, id).toEqual([]);
    }
  });
});
