import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentNames, canonicalAgentNames, nameKey, nearAgentIds, resolveAgentName } from "./agent-names.js";
import { therapyCatalog } from "./catalog.js";
import type { Protocol } from "./protocol-schema.js";
import { validateProtocol } from "./validate-protocol.js";

const cat = therapyCatalog();

describe("agent names", () => {
  it("reads ids, names in any case or spacing, brands and aliases as the catalog id", () => {
    const cases: [string, string][] = [
      ["pembrolizumab", "pembrolizumab"],
      ["Pembrolizumab", "pembrolizumab"],
      ["Keytruda", "pembrolizumab"],
      ["KEYTRUDA®", "pembrolizumab"],
      ["T-VEC", "talimogene-laherparepvec"],
      ["talimogene laherparepvec", "talimogene-laherparepvec"],
      ["Axi-Cel", "axicabtagene-ciloleucel"],
      ["tisa cel", "tisagenlecleucel"],
      ["HD IL-2", "aldesleukin"],
      ["Proleukin", "aldesleukin"],
      ["DTIC", "dacarbazine"],
      ["Bendeka", "bendamustine"],
      ["Treanda", "bendamustine"],
      ["nab paclitaxel", "nab-paclitaxel"],
    ];
    for (const [written, id] of cases) {
      const m = resolveAgentName(written, cat);
      expect(m.kind === "id" || m.kind === "name" ? m.id : m.kind, written).toBe(id);
    }
    expect(resolveAgentName("pembrolizumab", cat).kind).toBe("id");
    expect(resolveAgentName("no-such-drug", cat).kind).toBe("unknown");
    expect(resolveAgentName("", cat).kind).toBe("unknown");
    expect(resolveAgentName("---", cat).kind).toBe("unknown");
  });

  it("no two agents of the shipped catalog share a name, brand or alias", () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const agent of cat.agents.values())
      for (const n of agentNames(agent)) {
        const k = nameKey(n);
        const o = owner.get(k);
        if (o && o !== agent.id) clashes.push(`${n}: ${o} and ${agent.id}`);
        owner.set(k, agent.id);
      }
    expect(clashes).toEqual([]);
  });

  it("every id survives any case and separators (property)", () => {
    const ids = [...cat.agents.keys()];
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.constantFrom("-", " ", "_", ""),
        (id, upper, sep) => {
          const written = [...id.replace(/-/g, sep)]
            .map((c, i) => (upper[i % 40] ? c.toUpperCase() : c))
            .join("");
          const m = resolveAgentName(written, cat);
          return (m.kind === "id" || m.kind === "name") && m.id === id;
        },
      ),
    );
  });

  it("never throws on arbitrary text (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const m = resolveAgentName(s, cat);
        nearAgentIds(s, cat);
        return ["id", "name", "ambiguous", "unknown"].includes(m.kind);
      }),
    );
  });

  it("rewrites a protocol's agents to catalog ids and lists each rename; unknown names stay", () => {
    const protocol: Protocol = {
      name: "x",
      phases: [
        {
          name: "t",
          start_day: 0,
          steps: [
            { agent: "Keytruda", dose: { value: 200, unit: "mg" }, route: "iv", days: [0] },
            { agent: "pembrolizumab", dose: { value: 200, unit: "mg" }, route: "iv", days: [21] },
            { agent: "unobtainium", dose: { value: 1, unit: "mg" }, route: "iv", days: [42] },
          ],
        },
      ],
    };
    const { protocol: out, renamed } = canonicalAgentNames(protocol, cat);
    expect(out.phases[0].steps.map((s) => s.agent)).toEqual([
      "pembrolizumab",
      "pembrolizumab",
      "unobtainium",
    ]);
    expect(renamed).toEqual([{ path: "phases[0].steps[0].agent", from: "Keytruda", to: "pembrolizumab" }]);
    expect(protocol.phases[0].steps[0].agent).toBe("Keytruda"); // the input is not changed
  });

  it("a clinic protocol stays strict: a brand is an error that names the id", () => {
    const problems = validateProtocol(
      {
        name: "x",
        phases: [
          {
            name: "t",
            start_day: 0,
            steps: [{ agent: "Yervoy", dose: { value: 3, unit: "mg/kg" }, route: "iv", days: [0] }],
          },
        ],
      },
      cat,
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: "error",
        message: "unknown agent 'Yervoy' (did you mean ipilimumab?)",
      }),
    );
  });
});
