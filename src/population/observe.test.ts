import { describe, expect, it } from "vitest";
import { observeCourse, occultLesions, residualMass, NEW_LESION_MM } from "./observe.js";
import type { GroupCourse } from "./simulate-patient.js";
import { lesionCells, sampleVirtualPatient, type VirtualPatient } from "./virtual-patient.js";

const inputs = { modules: [], doses: [], set: {}, local: [], notes: [], lastDoseDay: 0 };

/** A course in which the systemic group's volume and viable cells follow `ratio` (local group empty). */
function course(vp: VirtualPatient, ratios: number[]): GroupCourse {
  const v0 = vp.lesions.reduce((s, l) => s + (Math.PI / 6) * l.diameterMm ** 3, 0);
  return {
    days: Float64Array.from(ratios, (_, i) => i * 42),
    volumeS: Float64Array.from(ratios, (r) => v0 * r),
    volumeL: new Float64Array(ratios.length),
    viableS: Float64Array.from(ratios, (r) => v0 * vp.parameters.rho * r),
    viableL: new Float64Array(ratios.length),
    local: new Set(),
    inputs,
    final: {},
  };
}

describe("the observation layer", () => {
  it("names the locally treated target lesions still in place (absent when none is; none after a resection)", () => {
    const vp = sampleVirtualPatient("melanoma", 3);
    const target = vp.lesions.find((l) => l.role === "target")!;
    const plain = course(vp, [1, 1, 1]);
    expect(observeCourse(vp, plain, 1).local).toBeUndefined();
    const injected = { ...plain, local: new Set([target.id]) };
    expect(observeCourse(vp, injected, 1).local).toEqual([target.id]);
    const resected = { ...injected, inputs: { ...inputs, local: ["surgery"] } } as unknown as GroupCourse;
    expect(observeCourse(vp, resected, 1).local).toBeUndefined();
  });

  it("reads unchanged lesions with the between-reader noise of Yoon 2016 (SD 8.6 % per reading, ≥ 10 mm)", () => {
    const logs: number[] = [];
    for (let s = 1; s <= 300; s++) {
      const vp = sampleVirtualPatient("melanoma", s);
      const c = observeCourse(vp, course(vp, [1, 1, 1, 1, 1]), s * 7);
      for (const scan of c.scans)
        for (const m of scan.lesions) {
          const l = vp.lesions.find((x) => x.id === m.lesionId);
          if (m.role === "target" && l && !l.nodal && l.w > 0)
            logs.push(Math.log(m.diameterMm! / l.diameterMm));
        }
    }
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
    expect(logs.length).toBeGreaterThan(1000);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    // rounding to 0.1 mm adds a little; the 95 % band of an SD estimate from > 1000 readings is about ±5 %
    expect(sd).toBeGreaterThan(0.08);
    expect(sd).toBeLessThan(0.095);
  });

  it("reports resolved lesions as 0 mm, residual masses as scars, nodes at a normal short axis, and no new lesion while disease shrinks", () => {
    let scars = 0;
    let resolved = 0;
    for (let s = 1; s <= 40; s++) {
      const vp = sampleVirtualPatient("melanoma", s);
      const c = observeCourse(vp, course(vp, [1, 0.1, 1e-6, 1e-9]), 1);
      const last = c.scans[c.scans.length - 1];
      for (const m of last.lesions.filter((x) => x.role === "target")) {
        const l = vp.lesions.find((x) => x.id === m.lesionId)!;
        const scar = residualMass(l, last.day);
        if (m.nodal && l.scar === 0) expect(m.diameterMm!).toBeLessThan(10);
        else if (m.nodal) continue;
        else if (l.scar === 0 || l.diameterMm * scar ** (1 / 3) < 3) {
          expect(m.diameterMm).toBe(0);
          resolved++;
        } else {
          // d0 · scar^(1/3) within reader noise (4 SD), and at least the 5 mm of "too small to measure"
          const expected = Math.max(5, l.diameterMm * scar ** (1 / 3));
          expect(Math.abs(Math.log(m.diameterMm! / expected))).toBeLessThan(0.5);
          scars++;
        }
      }
      expect(last.lesions.some((m) => m.role === "new")).toBe(false);
    }
    expect(resolved).toBeGreaterThan(0);
    expect(scars).toBeGreaterThan(0);
  });

  it("shrinks a residual mass with the patient's half-life: a lesion held at its scar reads smaller later, and resolves", () => {
    // lesions that keep a residual mass: each has the patient's half-life, within the prior's range
    const kept = [];
    for (let s = 1; s <= 60; s++)
      for (const l of sampleVirtualPatient("melanoma", s).lesions)
        if (l.scar > 0) {
          expect(l.scarHalfLife).toBeGreaterThanOrEqual(180);
          expect(l.scarHalfLife).toBeLessThanOrEqual(3650);
          kept.push(l);
        }
    expect(kept.length).toBeGreaterThan(10);
    const l = kept[0];
    const T = l.scarHalfLife!;
    expect(residualMass(l, 0)).toBe(l.scar);
    expect(residualMass(l, T) / l.scar).toBeCloseTo(0.5, 12);
    expect(residualMass(l, 3 * T) / l.scar).toBeCloseTo(0.125, 12);
    // a lesion without a half-life keeps its residual mass
    expect(residualMass({ scar: 0.05 }, 5000)).toBe(0.05);
    // the cancer gone from day 42 on: readings fall with the residual mass until it is under 3 mm (0 mm)
    let vp: VirtualPatient | undefined;
    for (let s = 1; s < 400 && !vp; s++) {
      const v = sampleVirtualPatient("melanoma", s);
      if (v.lesions.every((x) => x.role !== "target" || (!x.nodal && x.scar > 0))) vp = v;
    }
    expect(vp).toBeDefined();
    const half = vp!.lesions.find((x) => x.scar > 0)!.scarHalfLife!;
    const v0 = vp!.lesions.reduce((s, x) => s + (Math.PI / 6) * x.diameterMm ** 3, 0);
    const days = [0, 42, 42 + half, 42 + 20 * half];
    const c: GroupCourse = {
      ...course(vp!, [1, 1e-30, 1e-30, 1e-30]),
      days: Float64Array.from(days),
      volumeS: Float64Array.from([v0, v0 * 1e-30, v0 * 1e-30, v0 * 1e-30]),
    };
    const trueSum = observeCourse(vp!, c, 3).trueSumMm;
    // one half-life: diameters × 2^(−1/3) (while above 3 mm; below they read 0)
    expect(trueSum[2] / trueSum[1]).toBeCloseTo(2 ** (-1 / 3), 6);
    // twenty half-lives: the residual mass is a millionth of what it was, every target lesion under 3 mm
    const last = observeCourse(vp!, c, 3).scans[3];
    for (const m of last.lesions.filter((x) => x.role === "target")) expect(m.diameterMm).toBe(0);
  });

  it("turns occult metastases into new lesions once they reach 10 mm, and they stay reported", () => {
    // a patient with occult lesions: growth by 1000× makes the largest detectable
    let vp: VirtualPatient | undefined;
    for (let s = 1; s < 200 && !vp; s++) {
      const v = sampleVirtualPatient("melanoma", s);
      if (occultLesions(v).length >= 2) vp = v;
    }
    expect(vp).toBeDefined();
    const occult = occultLesions(vp!);
    const detect = lesionCells(NEW_LESION_MM, vp!.parameters.rho);
    expect(Math.max(...occult.map((o) => o.cells))).toBeLessThan(detect);
    const c = observeCourse(vp!, course(vp!, [1, 1, 1e4, 1e4]), 3);
    expect(c.scans[1].lesions.some((m) => m.role === "new")).toBe(false);
    const n2 = c.scans[2].lesions.filter((m) => m.role === "new").length;
    expect(n2).toBeGreaterThan(0);
    expect(c.scans[3].lesions.filter((m) => m.role === "new").length).toBe(n2);
  });
});
