import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCase } from "./case-file.js";
import type { CaseRecord } from "./case-schema.js";
import { evaluateCase, progressions } from "./evaluate.js";
import { agentFitsCase, caseTumorTypes } from "./tumor-types.js";
import { therapyCatalog } from "../therapy/catalog.js";

const EX = path.resolve(import.meta.dirname, "../../examples/cases");
const melanoma = () => loadCase(path.join(EX, "melanoma-progressing-synthetic.json"));
const nsclc = () => loadCase(path.join(EX, "nsclc-synthetic.json"));
const verdict = (c: CaseRecord, modality: string) =>
  evaluateCase(c, "2026-11-20").eligibility.find((e) => e.modality === modality)!;
const rules = (c: CaseRecord, modality: string) => verdict(c, modality).reasons.map((r) => r.rule);
const manual = { kind: "manual" as const };

describe("eligibility from the treatment history and the tumor type (issue 14 §3)", () => {
  it("progression on nivolumab is a caution for checkpoint inhibitors, naming the agent, its class and the record", () => {
    const c = melanoma();
    expect(progressions(c).map((p) => p.agent.id)).toEqual(["nivolumab"]);
    const icb = verdict(c, "checkpoint-inhibitor");
    expect(icb.verdict).toBe("caution");
    const r = icb.reasons.find((x) => x.rule === "progressed-on-pd1")!;
    expect(r.reason).toMatch(/nivolumab \(anti-PD-1\)/);
    expect(r.source).toMatch(
      /treatment history: nivolumab 2025-09-01–2026-06-30, stopped: progression \(manual\)/,
    );
    // the class gate does not spill over to unrelated modalities
    expect(rules(c, "til")).not.toContain("progressed-on-pd1");
    // chemotherapy that responded is no progression
    expect(progressions(nsclc())).toEqual([]);
  });

  it("progression on high-dose IL-2 excludes IL-2; best response PD counts as progression", () => {
    const c = melanoma();
    c.treatments.push({ kind: "medication", name: "Proleukin", bestResponse: "PD", source: manual });
    expect(verdict(c, "cytokine")).toMatchObject({ verdict: "not-recommended" });
    expect(rules(c, "cytokine")).toContain("progressed-on-il2");
  });

  it("tumor-type gates: oncolytic virus, IL-2 and TIL fit melanoma; not NSCLC", () => {
    const m = melanoma();
    expect(caseTumorTypes(m)).toEqual(["melanoma"]);
    for (const mod of ["oncolytic-virus", "cytokine", "til"])
      expect(rules(m, mod).filter((r) => r.endsWith("tumor-type"))).toEqual([]);
    const n = nsclc();
    expect(caseTumorTypes(n)).toEqual(["nsclc"]);
    expect(verdict(n, "oncolytic-virus")).toMatchObject({ verdict: "caution" });
    expect(rules(n, "oncolytic-virus")).toContain("virus-tumor-type");
    expect(verdict(n, "cytokine").verdict).toBe("not-recommended");
    expect(rules(n, "cytokine")).toContain("il2-tumor-type");
    expect(verdict(n, "til").verdict).toBe("not-recommended");
    expect(rules(n, "til")).toContain("til-tumor-type");
  });

  it("CAR-T and bispecific engagers need a target antigen and a tumor type of their labels", () => {
    const n = nsclc();
    expect(rules(n, "car-t")).toEqual(expect.arrayContaining(["cart-no-antigen", "cart-tumor-type"]));
    expect(rules(n, "bispecific")).toEqual(
      expect.arrayContaining(["bispecific-no-antigen", "bispecific-tumor-type"]),
    );
    const lbcl = nsclc();
    lbcl.cancers[0] = {
      ...lbcl.cancers[0],
      code: { system: "http://snomed.info/sct", code: "109969005", display: "Diffuse large B-cell lymphoma" },
    };
    expect(verdict(lbcl, "car-t").verdict).toBe("not-recommended"); // no antigen yet
    lbcl.biomarkers.push({ name: "CD19", value: "positive", code: { display: "CD19" }, source: manual });
    expect(verdict(lbcl, "car-t").reasons).toEqual([]);
    expect(verdict(lbcl, "bispecific").reasons).toEqual([]);
  });

  it("an agent fits the case by its label's tumor types or a tumor-agnostic biomarker", () => {
    const a = (id: string) => therapyCatalog().agents.get(id)!;
    expect(agentFitsCase(a("talimogene-laherparepvec"), melanoma())).toBe(true);
    expect(agentFitsCase(a("talimogene-laherparepvec"), nsclc())).toBe(false);
    expect(agentFitsCase(a("pembrolizumab"), nsclc())).toBe(true);
    expect(agentFitsCase(a("aldesleukin"), nsclc())).toBe(false);
    const prostate = nsclc();
    prostate.cancers[0] = { ...prostate.cancers[0], code: { display: "Adenocarcinoma of prostate" } };
    expect(agentFitsCase(a("pembrolizumab"), prostate)).toBe(false);
    prostate.biomarkers.push({
      name: "MSI",
      value: "MSI-H",
      code: { display: "microsatellite instability" },
      source: manual,
    });
    expect(agentFitsCase(a("pembrolizumab"), prostate)).toBe(true);
    expect(agentFitsCase(a("nivolumab"), prostate)).toBe(false); // its MSI-H label is colorectal only
  });

  it("a melanoma of the eye is uveal melanoma, not the cutaneous melanoma of the population and the labels", () => {
    const a = (id: string) => therapyCatalog().agents.get(id)!;
    const uveal = melanoma();
    uveal.cancers[0] = { ...uveal.cancers[0], code: { display: "Uveal melanoma" } };
    expect(caseTumorTypes(uveal)).toEqual(["uveal-melanoma"]);
    const choroid = melanoma();
    choroid.cancers[0] = {
      ...choroid.cancers[0],
      code: { display: "Malignant melanoma" },
      bodySite: { display: "Choroid" },
    };
    expect(caseTumorTypes(choroid)).toEqual(["uveal-melanoma"]);
    expect(agentFitsCase(a("tebentafusp"), uveal)).toBe(true);
    expect(agentFitsCase(a("tebentafusp"), melanoma())).toBe(false); // its label is uveal melanoma only
    expect(agentFitsCase(a("talimogene-laherparepvec"), uveal)).toBe(false);
    const mucosal = melanoma();
    mucosal.cancers[0] = { ...mucosal.cancers[0], code: { display: "Mucosal melanoma of the nasal cavity" } };
    expect(caseTumorTypes(mucosal)).toEqual(["melanoma"]);
  });

  it("a sensitizing EGFR mutation or an ALK rearrangement is a caution for checkpoint inhibitors; wild type or unreadable is not", () => {
    const withMarker = (name: string, value: string) => {
      const c = nsclc();
      c.biomarkers.push({ name, code: {}, value, date: "2026-11-01", source: manual });
      return c;
    };
    expect(rules(nsclc(), "checkpoint-inhibitor")).not.toContain("icb-driver-positive");
    for (const [name, value] of [
      ["EGFR mutation", "exon 19 deletion"],
      ["EGFR", "L858R"],
      ["ALK rearrangement (FISH)", "EML4-ALK fusion"],
    ] as const) {
      const icb = verdict(withMarker(name, value), "checkpoint-inhibitor");
      expect(icb.verdict).toBe("caution");
      const r = icb.reasons.find((x) => x.rule === "icb-driver-positive")!;
      expect(r.reason).toMatch(/3\.6 % against 23\.3 %/);
      expect(r.source).toMatch(/Gainor JF/);
      // the caution is the checkpoint inhibitors' only
      expect(rules(withMarker(name, value), "chemotherapy")).not.toContain("icb-driver-positive");
    }
    for (const [name, value] of [
      ["EGFR mutation", "wild type"],
      ["ALK", "negative"],
      ["EGFR", "pending"],
      ["KRAS", "G12C"],
    ] as const)
      expect(rules(withMarker(name, value), "checkpoint-inhibitor")).not.toContain("icb-driver-positive");
    // the latest result counts: a later wild-type re-test lifts the caution
    const c = withMarker("EGFR", "L858R");
    c.biomarkers.push({ name: "EGFR", code: {}, value: "not detected", date: "2026-11-15", source: manual });
    expect(rules(c, "checkpoint-inhibitor")).not.toContain("icb-driver-positive");
  });
});
