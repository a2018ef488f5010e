import { describe, expect, it } from "vitest";
import { adverseEventGuidance, agentGroup, termCategory } from "./ae-guidance.js";

describe("adverse-event guidance follows the term and the agent", () => {
  it("agents are grouped by their catalog class", () => {
    expect(agentGroup("pembrolizumab")).toBe("checkpoint");
    expect(agentGroup("ipilimumab")).toBe("checkpoint");
    expect(agentGroup("axicabtagene-ciloleucel")).toBe("immune-effector");
    expect(agentGroup("lifileucel")).toBe("immune-effector");
    expect(agentGroup("aldesleukin")).toBe("other");
    expect(agentGroup("no-such-agent")).toBe("other");
  });

  it("terms get their category", () => {
    expect(termCategory("Neutropenia")).toBe("haematologic");
    expect(termCategory("Neutrophil count decreased")).toBe("haematologic");
    expect(termCategory("Platelet count decreased")).toBe("haematologic");
    expect(termCategory("Colitis")).toBe("gastrointestinal");
    expect(termCategory("Pneumonitis")).toBe("pulmonary");
    expect(termCategory("Infusion related reaction")).toBe("infusion");
  });

  it("neutropenia grade 4 is not 'checkpoint inhibitor: discontinue permanently'", () => {
    for (const agents of [[], ["pembrolizumab"], ["axicabtagene-ciloleucel"], ["aldesleukin"]]) {
      const g = adverseEventGuidance({ term: "Neutropenia", system: "CTCAE v5", grade: 4, agents })!;
      expect(g.text, agents.join()).not.toMatch(/discontinue permanently/);
      expect(g.text).toMatch(/febrile neutropenia/);
      expect(g.basis).toMatch(/haematologic/);
    }
    // after CAR-T the cytopenia is expected: growth factor and prophylaxis; under a checkpoint inhibitor: causes first
    const cart = adverseEventGuidance({
      term: "Neutropenia",
      system: "CTCAE v5",
      grade: 4,
      agents: ["axicabtagene-ciloleucel"],
    })!;
    expect(cart.text).toMatch(/lymphodepletion/);
    expect(cart.text).not.toMatch(/checkpoint/);
    const ici = adverseEventGuidance({
      term: "Neutropenia",
      system: "CTCAE v5",
      grade: 4,
      agents: ["nivolumab"],
    })!;
    expect(ici.text).toMatch(/exclude other causes/);
    expect(ici.text).not.toMatch(/lymphodepletion/);
  });

  it("an immune-related term under a checkpoint inhibitor gets the irAE table for its grade", () => {
    const g = adverseEventGuidance({
      term: "Colitis",
      system: "CTCAE v5",
      grade: 4,
      agents: ["pembrolizumab"],
    })!;
    expect(g.text).toMatch(/^checkpoint inhibitor \(pembrolizumab\): discontinue permanently/);
    expect(g.text).toMatch(/methylprednisolone/);
    const g2 = adverseEventGuidance({
      term: "Colitis",
      system: "CTCAE v5",
      grade: 2,
      agents: ["pembrolizumab"],
    })!;
    expect(g2.text).toMatch(/: hold/);
    // without any checkpoint inhibitor, the table is not presented as an instruction for one
    const g3 = adverseEventGuidance({
      term: "Colitis",
      system: "CTCAE v5",
      grade: 4,
      agents: ["aldesleukin"],
    })!;
    expect(g3.text).toMatch(/^no checkpoint inhibitor/);
    expect(g3.text).not.toMatch(/discontinue permanently/);
  });

  it("fever after CAR-T points to CRS grading; ASTCT scales get the ASTCT guidance", () => {
    const f = adverseEventGuidance({
      term: "Fever",
      system: "CTCAE v5",
      grade: 1,
      agents: ["tisagenlecleucel"],
    })!;
    expect(f.text).toMatch(/CRS/);
    const crs = adverseEventGuidance({ term: "CRS", system: "ASTCT CRS", grade: 2, agents: [] })!;
    expect(crs.text).toMatch(/tocilizumab/);
    expect(adverseEventGuidance({ term: "Colitis", system: "CTCAE v5", grade: 5 })).toBeNull();
  });
});
