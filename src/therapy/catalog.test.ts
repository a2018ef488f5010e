import { cpSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ModelError } from "../engine/language/index.js";
import { loadModelByName } from "../models/catalog.js";
import { CATALOG_DIR, loadCatalog, therapyCatalog } from "./catalog.js";

describe("therapy catalog", () => {
  const cat = therapyCatalog();

  it("has the modalities, routes and FDA-approved agents of clinical.md §4", () => {
    for (const m of [
      "oncolytic-virus",
      "checkpoint-inhibitor",
      "cytokine",
      "cancer-vaccine",
      "nk-cell-therapy",
      "donor-killer-cells",
      "car-t",
      "til",
      "tcr-t",
      "bispecific",
      "monoclonal-antibody",
      "chemotherapy",
      "radiotherapy",
      "surgery",
    ]) {
      expect(cat.modalities.has(m), m).toBe(true);
    }
    for (const r of ["iv", "sc", "intratumoral", "intrathecal", "oral"])
      expect(cat.routes.has(r), r).toBe(true);
    for (const a of [
      "pembrolizumab",
      "nivolumab",
      "atezolizumab",
      "ipilimumab",
      "nivolumab-relatlimab",
      "aldesleukin",
      "talimogene-laherparepvec",
      "sipuleucel-t",
      "lifileucel",
      "afamitresgene-autoleucel",
      "axicabtagene-ciloleucel",
      "blinatumomab",
      "rituximab",
    ]) {
      expect(cat.agents.get(a)?.approval, a).toBe("fda");
    }
    expect(cat.agents.get("pembrolizumab")!.doses[0]).toMatchObject({ unit: "mg", usual: 200, max: 400 });
    expect(cat.agents.get("aldesleukin")!.max_doses_per_course).toBe(28);
  });

  it("every agent drives a state of the core model with the modules it needs", () => {
    for (const agent of cat.agents.values()) {
      if (agent.model.conversion === "none") continue;
      const modality = cat.modalities.get(agent.modality)!;
      const modules = [...(modality.module ? [modality.module] : []), ...(agent.model.modules ?? [])];
      const { model } = loadModelByName("immunoplan-core", {
        modules: [...modules, "nk_transfer", "adcc", "car_t", "vaccine", "virus", "checkpoint"],
      });
      expect(model.stateNames, `${agent.id} → ${agent.model.state}`).toContain(agent.model.state);
      for (const k of Object.keys(agent.model.set ?? {}))
        expect(model.parameterNames, `${agent.id} sets ${k}`).toContain(k);
    }
  });

  it("every rule has a source and a severity", () => {
    expect(cat.rules.map((r) => r.id)).toEqual([
      "virus-before-activation",
      "lymphodepletion-before-cell-therapy",
      "killer-cells-at-minimal-burden",
      "one-agent-per-class",
      "label-dosing-interval",
    ]);
    for (const r of cat.rules) expect(r.source.length).toBeGreaterThan(10);
  });

  it("a broken catalog is reported with file, line and path, every problem at once", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-catalog-"));
    cpSync(CATALOG_DIR, dir, { recursive: true });
    const agents = readFileSync(path.join(dir, "agents.yaml"), "utf8")
      .replace(
        'modality: checkpoint-inhibitor\n  class: anti-PD-1\n  targets: [PD-1]\n  approval: fda\n  indications: "melanoma; NSCLC; HNSCC',
        'modality: teleportation\n  class: anti-PD-1\n  targets: [PD-1]\n  approval: fda\n  indications: "melanoma; NSCLC; HNSCC',
      )
      .replace("usual: 200, max: 400", "usual: 200, max: 100");
    writeFileSync(path.join(dir, "agents.yaml"), agents);
    try {
      loadCatalog(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      const text = (e as ModelError).message;
      expect(text).toMatch(/agents\.yaml:\d+:\d+: \[0\]\.doses\[0\]\.max: max must be ≥ usual/);
      expect((e as ModelError).issues.length).toBeGreaterThanOrEqual(1);
    }
  });
});
