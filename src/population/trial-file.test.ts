import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refractoryClass } from "./eligibility.js";
import { ModelError, formatIssue } from "../engine/language/model-error.js";
import { loadTrial, mergeDays, parsePath, parseTrial } from "./trial-file.js";
import { chemoClassOf } from "./trial-refractory.js";

const dir = mkdtempSync(path.join(tmpdir(), "trial-file-"));
writeFileSync(
  path.join(dir, "pembro.yaml"),
  `name: pembrolizumab q3w
phases:
  - name: treatment
    start_day: 0
    steps:
      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: { every: 21, count: 8 } }
`,
);
writeFileSync(
  path.join(dir, "typo.yaml"),
  `name: typo
phases:
  - name: treatment
    start_day: 0
    steps:
      - { agent: pembrolizumabb, dose: { value: 200, unit: mg }, route: iv, days: [0] }
`,
);

const GOOD = `name: KEYNOTE-006
source: "Robert C, et al. N Engl J Med 2015;372:2521-32"
population:
  cancer: melanoma
  stage: { IIIC: 0.03, M1a: 0.10, M1b: 0.20, M1c: 0.67 }
  prior_lines: [0, 1]
  refractory_to: []
  pdl1: any
  ecog: [0, 1]
  ldh_elevated: 0.35
  injectable: false
arms:
  - name: pembrolizumab q3w
    protocol: pembro.yaml
    patients: 277
  - name: pembrolizumab 10 mg/kg q2w
    protocol:
      name: pembrolizumab 10 mg/kg q2w
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: pembrolizumab, dose: { value: 10, unit: mg/kg }, route: iv, days: { every: 14, count: 8 } }
    patients: 279
assessment:
  criteria: recist1.1
  first_week: 12
  every_weeks: 6
  until_week: 48
  every_weeks_after: 12
  follow_up_weeks: 104
  confirm: true
published:
  - { arm: pembrolizumab q3w, endpoint: ORR, value: 0.329, ci: [0.274, 0.388] }
  - { arm: pembrolizumab q3w, endpoint: PFS_6mo, value: 0.464 }
  - { arm: pembrolizumab q3w, endpoint: PFS_HR, value: 0.58, versus: pembrolizumab 10 mg/kg q2w }
  - { arm: [pembrolizumab q3w, pembrolizumab 10 mg/kg q2w], endpoint: ORR, value: 0.42, ci: [0.381, 0.465], certainty: C }
`;
const file = path.join(dir, "trial.yaml");
/** The 1-based line of GOOD holding `text`. */
const lineOf = (text: string) => GOOD.split("\n").findIndex((l) => l.includes(text)) + 1;

/** The first error of a bad trial file, formatted as the CLI prints it. */
function firstError(text: string): string {
  try {
    parseTrial(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    return formatIssue((e as ModelError).issues.find((i) => i.severity === "error")!);
  }
  throw new Error("no error");
}

describe("trial file", () => {
  it("reads the issue's example: population, arms with file and inline protocols, published end points", () => {
    const t = parseTrial(GOOD, file);
    expect(t.document.population.cancer).toBe("melanoma");
    expect(t.arms.map((a) => [a.name, a.patients, a.protocol.name])).toEqual([
      ["pembrolizumab q3w", 277, "pembrolizumab q3w"],
      ["pembrolizumab 10 mg/kg q2w", 279, "pembrolizumab 10 mg/kg q2w"],
    ]);
    expect(t.arms[0].protocolFile).toBe(path.join(dir, "pembro.yaml"));
    expect(t.published).toHaveLength(4);
    expect(t.document.assessment.confirm).toBe(true);
  });

  it("a label maximum exceeded (pembrolizumab 10 mg/kg) is a warning naming the line, not an error", () => {
    const t = parseTrial(GOOD, file);
    const w = t.warnings.find((i) => /label maximum/.test(i.message))!;
    expect(w.severity).toBe("warning");
    expect(w.path).toBe("arms[1].protocol.phases[0].steps[0].dose.value");
    expect(w.line).toBe(lineOf("value: 10, unit: mg/kg"));
  });

  it("JSON works as well as YAML", () => {
    const t = parseTrial(JSON.stringify({ ...parseTrial(GOOD, file).document }), path.join(dir, "t.json"));
    expect(t.arms).toHaveLength(2);
  });

  /** The message pattern of an error at the line of GOOD that holds `text`. */
  const at = (text: string, rest: string) => new RegExp(`trial\\.yaml:${lineOf(text)}:\\d+: ${rest}`);
  const cases: [string, (s: string) => string, RegExp][] = [
    [
      "an unknown agent (inline protocol)",
      (s) => s.replace("agent: pembrolizumab, dose: { value: 10", "agent: pembrolizumav, dose: { value: 10"),
      at(
        "value: 10, unit: mg/kg",
        String.raw`arms\[1\]\.protocol\.phases\[0\]\.steps\[0\]\.agent: unknown agent 'pembrolizumav'`,
      ),
    ],
    [
      "a value of the wrong kind inside an inline protocol (named where it is, not as 'not a file or a protocol')",
      (s) =>
        s.replace(
          "        - name: treatment\n          start_day: 0",
          "        - name: treatment\n          kind: palliative\n          start_day: 0",
        ),
      new RegExp(
        `trial\\.yaml:${lineOf("        - name: treatment") + 1}:\\d+: ` +
          String.raw`arms\[1\]\.protocol\.phases\[0\]\.kind: Invalid option`,
      ),
    ],
    [
      "an unknown agent (protocol file)",
      (s) => s.replace("protocol: pembro.yaml", "protocol: typo.yaml"),
      /typo\.yaml:6:\d+: phases\[0\]\.steps\[0\]\.agent: unknown agent 'pembrolizumabb'.*arm 'pembrolizumab q3w'/,
    ],
    [
      "an unknown cancer type",
      (s) => s.replace("cancer: melanoma", "cancer: glioma"),
      at("cancer: melanoma", String.raw`population\.cancer: unknown cancer type "glioma"`),
    ],
    [
      "an unknown endpoint",
      (s) => s.replace("endpoint: PFS_6mo", "endpoint: PFS6"),
      at("endpoint: PFS_6mo", String.raw`published\[1\]\.endpoint: unknown endpoint 'PFS6'`),
    ],
    [
      "an arm without a protocol",
      (s) => s.replace("    protocol: pembro.yaml\n", ""),
      at("- name: pembrolizumab q3w", String.raw`arms\[0\]\.protocol: is required`),
    ],
    [
      "a CI that does not contain its value",
      (s) => s.replace("value: 0.329, ci: [0.274, 0.388]", "value: 0.329, ci: [0.35, 0.388]"),
      at("value: 0.329", String.raw`published\[0\]\.ci: \[0\.35, 0\.388\] does not contain the value 0\.329`),
    ],
    [
      "a missing protocol file",
      (s) => s.replace("protocol: pembro.yaml", "protocol: nowhere.yaml"),
      at("protocol: pembro.yaml", String.raw`arms\[0\]\.protocol: protocol file '.*nowhere\.yaml' not found`),
    ],
    [
      "a published arm that is not in the file",
      (s) => s.replace("{ arm: pembrolizumab q3w, endpoint: PFS_6mo", "{ arm: pembro, endpoint: PFS_6mo"),
      /published\[1\]\.arm: no arm named 'pembro'/,
    ],
    [
      "a proportion given in percent",
      (s) => s.replace("value: 0.464", "value: 46.4"),
      /published\[1\]\.value: PFS_6mo is a proportion/,
    ],
    [
      "a hazard ratio without its reference arm",
      (s) => s.replace(", versus: pembrolizumab 10 mg/kg q2w", ""),
      /published\[2\]\.versus: is required for PFS_HR/,
    ],
    [
      "stage fractions that do not sum to 1",
      (s) => s.replace("M1c: 0.67", "M1c: 0.27"),
      /population\.stage: fractions sum to 0\.6/,
    ],
    [
      "an unknown refractory class",
      (s) => s.replace("refractory_to: []", "refractory_to: [anti-PD-9]"),
      /population\.refractory_to\[0\]: unknown agent or class 'anti-PD-9'/,
    ],
    [
      "an unknown criteria",
      (s) => s.replace("criteria: recist1.1", "criteria: who"),
      at("criteria: recist1.1", String.raw`assessment\.criteria`),
    ],
    ["a YAML syntax error", (s) => s.replace("patients: 277", "patients: [277"), /trial\.yaml:\d+:\d+: /],
  ];
  for (const [what, edit, message] of cases)
    it(`reports ${what} on one line with file, line and field`, () => {
      const line = firstError(edit(GOOD));
      expect(line).toMatch(message);
      expect(line).not.toContain("\n");
    });

  it("duration of response: median_DOR_months and DOR_<n>mo are end points; a DOR landmark is a proportion", () => {
    const text = GOOD.replace(
      "  - { arm: pembrolizumab q3w, endpoint: ORR, value: 0.329, ci: [0.274, 0.388] }",
      "  - { arm: pembrolizumab q3w, endpoint: ORR, value: 0.329, ci: [0.274, 0.388] }\n" +
        "  - { arm: pembrolizumab q3w, endpoint: median_DOR_months, value: 18.2, ci: [12.1, null] }\n" +
        "  - { arm: pembrolizumab q3w, endpoint: DOR_12mo, value: 0.7 }",
    );
    expect(parseTrial(text, file).published.map((p) => p.endpoint)).toContain("DOR_12mo");
    expect(() => parseTrial(text.replace("value: 0.7 }", "value: 70 }"), file)).toThrow(
      /DOR_12mo is a proportion between 0 and 1, not 70/,
    );
  });

  it("a median not reached: not_reached, or value null / NR / not reached, medians only, no upper limit", () => {
    const line = (entry: string) =>
      GOOD.replace(
        "  - { arm: pembrolizumab q3w, endpoint: ORR, value: 0.329, ci: [0.274, 0.388] }",
        `  - { arm: pembrolizumab q3w, endpoint: ORR, value: 0.329, ci: [0.274, 0.388] }\n  - ${entry}`,
      );
    for (const v of ["value: NR", "value: null", "value: not reached", "not_reached: true"]) {
      const t = parseTrial(
        line(`{ arm: pembrolizumab q3w, endpoint: median_DOR_months, ${v}, ci: [16.6, null] }`),
        file,
      );
      const p = t.published.find((x) => x.endpoint === "median_DOR_months")!;
      expect({ v, not_reached: p.not_reached, value: p.value }).toEqual({
        v,
        not_reached: true,
        value: 16.6,
      });
    }
    expect(() => parseTrial(line("{ arm: pembrolizumab q3w, endpoint: ORR, value: NR }"), file)).toThrow(
      /published\[1\]\.value: 'not reached' applies to medians only, not to ORR/,
    );
    expect(() =>
      parseTrial(
        line("{ arm: pembrolizumab q3w, endpoint: median_OS_months, value: NR, ci: [20, 30] }"),
        file,
      ),
    ).toThrow(/a median not reached has no upper limit: write the interval as \[20, null\]/);
    // any other text is still the schema's error on the field
    expect(() =>
      parseTrial(line("{ arm: pembrolizumab q3w, endpoint: median_OS_months, value: soon }"), file),
    ).toThrow(/published\[1\]\.value/);
  });

  it("unknown fields are warnings (typos), not errors", () => {
    const t = parseTrial(GOOD.replace("  confirm: true", "  confirm: true\n  confirmm: true"), file);
    expect(t.warnings.some((w) => w.path === "assessment.confirmm" && w.severity === "warning")).toBe(true);
  });

  it("a class of chemotherapy in refractory_to is read as chemotherapy, with a warning", () => {
    const t = parseTrial(GOOD.replace("refractory_to: []", "refractory_to: [platinum]"), file);
    const w = t.warnings.find((i) => i.path === "population.refractory_to[0]");
    expect(w?.message).toMatch(/'platinum' \(a class of chemotherapy\) is read as chemotherapy/);
    expect(refractoryClass("platinum")).toBe("chemotherapy");
    expect(refractoryClass("taxane")).toBe("chemotherapy");
    expect(refractoryClass("platinums")).toBeNull();
  });

  it("a class of chemotherapy written as a phrase is read as the class (platinum-based chemotherapy → platinum)", () => {
    const list = "[platinum-based chemotherapy, Taxanes, vinca alkaloids, topoisomerase inhibitors]";
    const t = parseTrial(GOOD.replace("refractory_to: []", `refractory_to: ${list}`), file);
    expect(t.document.population.refractory_to).toEqual(["platinum", "taxane", "vinca", "topoisomerase"]);
    const w = t.warnings.find((i) => i.path === "population.refractory_to[0]");
    expect(w?.message).toMatch(/'platinum-based chemotherapy' is read as 'platinum'/);
    expect(chemoClassOf("platinum doublet")).toBe("platinum");
    expect(chemoClassOf("platinum-based doublet chemotherapy")).toBe("platinum");
    expect(chemoClassOf("anthracycline-containing regimen")).toBe("anthracycline");
    expect(chemoClassOf("alkylating agents")).toBe("alkylating");
    // not a class of chemotherapy: chemotherapy alone, another word before the suffix, an unknown class
    expect(chemoClassOf("chemotherapy")).toBeNull();
    expect(chemoClassOf("immunochemotherapy")).toBeNull();
    expect(chemoClassOf("platins")).toBeNull();
    expect(
      firstError(GOOD.replace("refractory_to: []", "refractory_to: [platins-based chemotherapy]")),
    ).toMatch(/population\.refractory_to\[0\]: unknown agent or class 'platins-based chemotherapy'/);
  });

  it("a missing trial file is a ModelError naming it", () => {
    expect(() => loadTrial(path.join(dir, "none.yaml"))).toThrow(/none\.yaml: file not found/);
  });

  it("a device, a directory or a huge file is refused before reading (no hang)", () => {
    expect(() => loadTrial("/dev/zero")).toThrow(/\/dev\/zero: is not a regular file/);
    expect(() => loadTrial(dir)).toThrow(/is a directory/);
    expect(firstError(GOOD.replace("protocol: pembro.yaml", "protocol: /dev/zero"))).toMatch(
      /arms\[0\]\.protocol: protocol file '\/dev\/zero' is not a regular file/,
    );
    const big = path.join(dir, "big.yaml");
    writeFileSync(big, "#".repeat(2_000_001));
    expect(() => loadTrial(big)).toThrow(/is larger than 2000000 bytes/);
  });

  it("paths of protocol problems map to document paths", () => {
    expect(parsePath("phases[1].steps[0].dose.value")).toEqual(["phases", 1, "steps", 0, "dose", "value"]);
  });

  it("never crashes on arbitrary text: a trial or a ModelError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseTrial(text, file);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never crashes on mutated valid trial files", () => {
    const lines = GOOD.split("\n");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(60), fc.string({ maxLength: 6 }), fc.nat(4)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const copy = [...lines];
          for (const [li, col, ins, del] of edits)
            copy[li] = copy[li].slice(0, col) + ins + copy[li].slice(col + del);
          try {
            const t = parseTrial(copy.join("\n"), file);
            expect(t.arms.length).toBeGreaterThan(0);
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
            for (const i of (e as ModelError).issues) expect(i.file).toMatch(/\.yaml$/);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it("never crashes on arbitrary JSON-like structures in any block", () => {
    const base = parseTrial(GOOD, file).document;
    fc.assert(
      fc.property(
        fc.constantFrom("population", "arms", "assessment", "published", "name"),
        fc.jsonValue({ maxDepth: 4 }),
        (key, v) => {
          try {
            parseTrial(JSON.stringify({ ...base, [key]: v }), path.join(dir, "fuzz.json"));
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});

describe("agent names as written in published arms", () => {
  it("reads brands, aliases and class words as catalog ids and classes, with a warning", () => {
    const text = GOOD.replace(
      "agent: pembrolizumab, dose: { value: 10",
      "agent: Keytruda, dose: { value: 10",
    ).replace("refractory_to: []", 'refractory_to: ["Yervoy", "PD-1 inhibitor", "anti-PDL1", "chemo"]');
    const t = parseTrial(text, path.join(dir, "names.yaml"));
    expect(t.arms[1].protocol.phases[0].steps[0].agent).toBe("pembrolizumab");
    expect(t.document.population.refractory_to).toEqual([
      "ipilimumab",
      "anti-PD-1",
      "anti-PD-L1",
      "chemotherapy",
    ]);
    const warned = t.warnings.map((w) => `${w.path}: ${w.message}`);
    expect(warned).toContain(
      "arms[1].protocol.phases[0].steps[0].agent: 'Keytruda' is read as the catalog agent 'pembrolizumab'",
    );
    expect(warned).toContain("population.refractory_to[1]: 'PD-1 inhibitor' is read as 'anti-PD-1'");
  });

  it("reads the names of the androgen-receptor pathway inhibitors as their class", () => {
    const text = GOOD.replace(
      "refractory_to: []",
      'refractory_to: ["ARPI", "novel hormonal agent", "Androgen receptor signaling inhibitors", "Zytiga"]',
    );
    const t = parseTrial(text, path.join(dir, "arpi.yaml"));
    expect(t.document.population.refractory_to).toEqual([
      "androgen-receptor pathway inhibitor",
      "androgen-receptor pathway inhibitor",
      "androgen-receptor pathway inhibitor",
      "abiraterone",
    ]);
    expect(t.warnings.map((w) => w.message)).toContain(
      "'ARPI' is read as 'androgen-receptor pathway inhibitor'",
    );
    expect(refractoryClass("abiraterone")).toBe("androgen-receptor pathway inhibitor");
    // GOOD is a melanoma trial: the class is tested in prostate cancer only, and the reader says so
    expect(t.warnings.map((w) => w.message)).toContain(
      "progression on 'abiraterone' (androgen-receptor pathway inhibitor) is tested only in prostate-cancer: no virtual patient of melanoma will be enrolled",
    );
  });

  it("androgen deprivation in a prostate trial's refractory_to selects no one and is dropped, with a warning", () => {
    const prostate = GOOD.replace("cancer: melanoma", "cancer: prostate-cancer").replace(
      "refractory_to: []",
      'refractory_to: ["ADT", "Lupron", "GnRH antagonist", "abiraterone"]',
    );
    const t = parseTrial(prostate, path.join(dir, "adt.yaml"));
    expect(t.document.population.refractory_to).toEqual(["abiraterone"]);
    const dropped = t.warnings.filter((w) => /castration-resistant .* the entry is dropped/.test(w.message));
    expect(dropped.map((w) => w.path)).toEqual([
      "population.refractory_to[0]",
      "population.refractory_to[1]",
      "population.refractory_to[2]",
    ]);
    // outside prostate cancer the word means nothing the model knows
    expect(() =>
      parseTrial(GOOD.replace("refractory_to: []", "refractory_to: [ADT]"), path.join(dir, "adt2.yaml")),
    ).toThrow(/population\.refractory_to\[0\]: unknown agent or class 'ADT'/);
  });

  it("an agent no name of the catalog matches is still an error naming the field", () => {
    const text = GOOD.replace(
      "agent: pembrolizumab, dose: { value: 10",
      "agent: pembro-lizumabb, dose: { value: 10",
    );
    expect(() => parseTrial(text, path.join(dir, "unknown.yaml"))).toThrow(/unknown agent 'pembro-lizumabb'/);
  });
});

describe("trial file: population.stage against the population's stages", () => {
  const withStage = (stage: string) =>
    GOOD.replace("stage: { IIIC: 0.03, M1a: 0.10, M1b: 0.20, M1c: 0.67 }", `stage: ${stage}`);
  it("a stage no virtual patient has is an error naming the file, line and field", () => {
    expect(firstError(withStage("[M1d]"))).toBe(
      `${file}:${lineOf("stage:")}:10: population.stage: M1d: no virtual patient has that stage (the melanoma population's stages: IIIB, IIIC, M1a, M1b, M1c); the arms would enrol nobody`,
    );
  });
  it("one such label of a distribution is a warning; M1 and IV are read as the M1 categories", () => {
    const t = parseTrial(withStage("{ M1a: 0.2, M1c: 0.7, M1d: 0.1 }"), file);
    expect(t.warnings.map((w) => w.message)).toContain(
      "'M1d': no virtual patient has that stage (the melanoma population's stages: IIIB, IIIC, M1a, M1b, M1c); its fraction is left out and the others scaled up",
    );
    for (const s of ["[M1]", "[IV]", "[stage IV]", "{ M0: 0.1, M1: 0.9 }"])
      expect(parseTrial(withStage(s), file).warnings.filter((w) => /stage/.test(w.message))).toEqual([]);
  });
});

describe("trial file: population.cancer as people write it", () => {
  const withCancer = (c: string) => GOOD.replace("cancer: melanoma", `cancer: ${c}`);
  it("reads the catalog's tumor-type ids and names as the cancer type, with a warning naming the line", () => {
    for (const [written, type] of [
      ["rcc", "renal-cell-carcinoma"],
      ["renal cell carcinoma", "renal-cell-carcinoma"],
      ["NSCLC", "nsclc"],
      ["DLBCL", "large-b-cell-lymphoma"],
      ["metastatic castration-resistant prostate cancer", "prostate-cancer"],
      ["Melanoma", "melanoma"],
    ] as const) {
      const text = withCancer(written).replace(/stage: \{[^}]*\}/, "stage: [IV]");
      const t = parseTrial(text, file);
      expect(t.document.population.cancer).toBe(type);
      expect(t.warnings.map(formatIssue)).toContain(
        `${file}:${lineOf("cancer:")}:11: population.cancer: warning: '${written}' is read as '${type}'`,
      );
    }
  });
  it("a tumor type without a population is one error saying so; an unknown name lists the types", () => {
    expect(() => parseTrial(withCancer("bladder"), file)).toThrow(ModelError);
    try {
      parseTrial(withCancer("bladder"), file);
    } catch (e) {
      const errors = (e as ModelError).issues.filter((i) => i.severity === "error").map(formatIssue);
      expect(errors).toEqual([
        `${file}:${lineOf("cancer:")}:11: population.cancer: 'bladder' is urothelial carcinoma, a tumor type without a virtual population (cancer types: melanoma, nsclc, renal-cell-carcinoma, large-b-cell-lymphoma, prostate-cancer, acute-myeloid-leukemia)`,
      ]);
    }
    expect(firstError(withCancer("xyz"))).toMatch(/population\.cancer: unknown cancer type "xyz"/);
  });
  it("a misspelt name is unknown, with a hint; a stem's own endings are not misspellings", () => {
    expect(firstError(withCancer("melanomaX"))).toMatch(
      /population\.cancer: unknown cancer type "melanomaX" \(did you mean melanoma\?\)/,
    );
    expect(firstError(withCancer("xmelanoma"))).toMatch(/unknown cancer type "xmelanoma"/);
    for (const written of ["prostatic adenocarcinoma", "metastatic melanomas"]) {
      const text = withCancer(written).replace(/stage: \{[^}]*\}/, "stage: [IV]");
      expect(parseTrial(text, file).document.population.cancer).not.toBe(written);
    }
  });
  it("uveal melanoma is not read as the cutaneous melanoma population", () => {
    for (const written of ["uveal melanoma", "Ocular melanoma", "metastatic choroidal melanoma"])
      expect(firstError(withCancer(written))).toMatch(
        new RegExp(
          `population\\.cancer: '${written}' is uveal melanoma, a tumor type without a virtual population`,
        ),
      );
  });
});

describe("trial file: a protocol finding repeated on several days", () => {
  it("is one warning listing the days", () => {
    const merged = mergeDays([
      { path: "phases[0].steps[1]", rule: "r", message: "a and b (both x) on day 0 — rule" },
      { path: "phases[0].steps[1]", rule: "r", message: "a and b (both x) on day 21 — rule" },
      { path: "phases[0].steps[1]", rule: "r", message: "a and b (both x) on day 42 — rule" },
      { path: "phases[0].steps[2]", rule: "r", message: "a and c (both x) on day 0 — rule" },
      { path: "phases[1]", message: "no day here" },
    ]);
    expect(merged.map((i) => i.message)).toEqual([
      "a and b (both x) on days 0, 21 and 42 — rule",
      "a and c (both x) on day 0 — rule",
      "no day here",
    ]);
  });
});
