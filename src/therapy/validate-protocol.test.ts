import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../engine/language/index.js";
import { parseProtocol } from "./protocol-file.js";
import { protocolJsonSchema } from "./protocol-schema.js";
import { validateProtocol } from "./validate-protocol.js";

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples/protocols");

const base = (steps: string, extra = "") =>
  `name: test\nphases:\n  - name: one\n    start_day: 0\n${extra}    steps:\n${steps}`;
const problems = (text: string) => validateProtocol(parseProtocol(text, "p.yaml"));

describe("protocol documents", () => {
  it("every example protocol validates without errors", () => {
    const files = readdirSync(EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const probs = validateProtocol(parseProtocol(readFileSync(path.join(EXAMPLES, f), "utf8"), f));
      expect(
        probs.filter((p) => p.severity === "error"),
        f,
      ).toEqual([]);
    }
  });

  it("reports structural errors with their path and line", () => {
    try {
      parseProtocol(
        base(
          "      - { agent: pembrolizumab, dose: { value: -200, unit: mg }, route: iv, days: [0] }\n      - { agent: pembrolizumab, dose: { value: 200, unit: furlongs }, route: iv, days: [] }\n",
        ),
        "p.yaml",
      );
      expect.unreachable();
    } catch (e) {
      const issues = (e as ModelError).issues;
      expect(issues.map((i) => i.path)).toEqual([
        "phases[0].steps[0].dose.value",
        "phases[0].steps[1].dose.unit",
        "phases[0].steps[1].days",
      ]);
      expect(issues[0].line).toBe(6);
    }
  });

  it("reports unknown agents, wrong units, doses above the label, wrong routes — all at once", () => {
    const probs = problems(
      base(
        "      - { agent: pembrolizumab, dose: { value: 800, unit: mg }, route: iv, days: [0] }\n" +
          "      - { agent: pembrolizumab, dose: { value: 1, unit: cells }, route: oral, days: [21] }\n" +
          "      - { agent: pembro, dose: { value: 200, unit: mg }, route: iv, days: [42] }\n",
      ),
    );
    const byPath = Object.fromEntries(probs.map((p) => [p.path, p.message]));
    expect(byPath["phases[0].steps[0].dose.value"]).toMatch(
      /800 mg is above the label maximum of 400 mg for pembrolizumab/,
    );
    expect(byPath["phases[0].steps[1].dose.unit"]).toMatch(/not dosed in cells \(units: mg, mg\/kg\)/);
    expect(byPath["phases[0].steps[1].route"]).toMatch(/not given oral/);
    expect(byPath["phases[0].steps[2].agent"]).toMatch(/unknown agent 'pembro' \(did you mean pembrolizumab/);
  });

  it("reads the usual spellings of a route (intravenous, IV, po, subcutaneous) as the catalog's route", () => {
    const p = parseProtocol(
      base(
        "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: Intravenous, days: [0] }\n" +
          "      - { agent: aldesleukin, dose: { value: 250000, unit: IU/kg }, route: subcutaneous, days: [1] }\n" +
          "      - { agent: everolimus, dose: { value: 10, unit: mg }, route: PO, days: [2] }\n" +
          "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: ' IV ', days: [21] }\n" +
          "      - { agent: leuprolide, dose: { value: 22.5, unit: mg }, route: intramuscular, days: [0] }\n",
      ),
      "p.yaml",
    );
    expect(p.phases[0].steps.map((s) => s.route)).toEqual(["iv", "sc", "oral", "iv", "im"]);
    expect(validateProtocol(p).filter((x) => x.path.endsWith(".route"))).toEqual([]);
    // an unknown route is still an error naming it
    const bad = problems(
      base("      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: nasal, days: [0] }\n"),
    );
    expect(bad.find((x) => x.path === "phases[0].steps[0].route")?.message).toMatch(/not given nasal/);
  });

  it("a dose above the label maximum is an error unless the step gives a reason to override it", () => {
    const step = (extra: string) =>
      problems(
        base(
          `      - { agent: pembrolizumab, dose: { value: 800, unit: mg }, route: iv, days: [0]${extra} }\n`,
        ),
      ).find((p) => p.path === "phases[0].steps[0].dose.value")!;
    expect(step("").severity).toBe("error");
    expect(step("").message).toMatch(/give dose_override_reason/);
    const overridden = step(", dose_override_reason: 'tumor board 2026-11-20: weight 140 kg'");
    expect(overridden.severity).toBe("warning");
    expect(overridden.message).toMatch(/overridden: tumor board 2026-11-20/);
    // a blank reason is no reason
    expect(() => step(", dose_override_reason: '  '")).toThrow(/dose_override_reason/);
  });

  it("reports overlapping infusions and courses longer than the label allows", () => {
    const probs = problems(
      base(
        "      - { agent: rituximab, dose: { value: 375, unit: mg/m2 }, route: iv, days: [0, 0.1], infusion_hours: 4 }\n" +
          "      - { agent: aldesleukin, dose: { value: 600000, unit: IU/kg }, route: iv, days: { every: 0.3333333333333333, count: 30 }, infusion_hours: 0.25 }\n",
      ),
    );
    expect(
      probs.some((p) => p.path === "phases[0].steps[0].infusion_hours" && /overlap/.test(p.message)),
    ).toBe(true);
    expect(
      probs.some((p) =>
        /30 doses of aldesleukin \(high-dose IL-2\): the label allows at most 28/.test(p.message),
      ),
    ).toBe(true);
  });

  it("checks the sequencing rules, each with its source", () => {
    const probs = problems(
      base(
        "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [0] }\n" +
          "      - { agent: oncolytic-virus-investigational, dose: { value: 1.0e9, unit: PFU }, route: intratumoral, days: [1] }\n" +
          "      - { agent: axicabtagene-ciloleucel, dose: { value: 2.0e6, unit: cells/kg }, route: iv, days: [3] }\n" +
          "      - { agent: fludarabine, dose: { value: 30, unit: mg/m2 }, route: iv, days: [5] }\n" +
          "      - { agent: cyclophosphamide, dose: { value: 500, unit: mg/m2 }, route: iv, days: [5] }\n",
      ),
    );
    const rules = new Map(probs.filter((p) => p.rule).map((p) => [p.rule, p]));
    expect(rules.get("virus-before-activation")?.severity).toBe("warning");
    expect(rules.get("lymphodepletion-before-cell-therapy")?.severity).toBe("error");
    expect(rules.get("lymphodepletion-before-cell-therapy")?.path).toBe("phases[0].steps[2]");
    // Flu/Cy on one day is the labels' lymphodepletion, not a duplicated class
    expect(rules.get("one-agent-per-class")).toBeUndefined();
    expect(rules.get("killer-cells-at-minimal-burden")).toBeUndefined(); // the virus on day 1 counts as debulking
    for (const p of rules.values()) expect(p.source).toBeTruthy();
  });

  it("flags two agents of one class on one day, but not a doublet of two cytotoxic mechanisms", () => {
    const step = (agent: string, dose: string) =>
      `      - { agent: ${agent}, dose: ${dose}, route: iv, days: [0, 21] }\n`;
    const sameClass = (steps: string) =>
      problems(base(steps)).filter((p) => p.rule === "one-agent-per-class");
    // carboplatin + paclitaxel (platinum + taxane) and cisplatin + pemetrexed: standard doublets
    expect(
      sameClass(
        step("carboplatin", "{ value: 6, unit: AUC }") + step("paclitaxel", "{ value: 200, unit: mg/m2 }"),
      ),
    ).toEqual([]);
    expect(
      sameClass(
        step("cisplatin", "{ value: 75, unit: mg/m2 }") + step("pemetrexed", "{ value: 500, unit: mg/m2 }"),
      ),
    ).toEqual([]);
    // two platinum drugs on one day: flagged, on both days, naming the mechanism
    const platinum = sameClass(
      step("carboplatin", "{ value: 5, unit: AUC }") + step("cisplatin", "{ value: 75, unit: mg/m2 }"),
    );
    expect(platinum).toHaveLength(2);
    expect(platinum[0].message).toMatch(
      /carboplatin and cisplatin \(both platinum cytotoxic chemotherapy\) on day 0/,
    );
    // two PD-1 antibodies on one day: flagged; with a combination_reason: not
    const pd1 =
      step("pembrolizumab", "{ value: 200, unit: mg }") + step("nivolumab", "{ value: 240, unit: mg }");
    expect(sameClass(pd1)).toHaveLength(2);
    expect(
      sameClass(pd1.replace("days: [0, 21] }", 'days: [0, 21], combination_reason: "a test" }')),
    ).toEqual([]);
  });

  it("flags daily T-VEC, two doses of one antibody within its dosing interval and a same-day duplicate step", () => {
    const pembro = (dose: number, days: string) =>
      `      - { agent: pembrolizumab, dose: { value: ${dose}, unit: mg }, route: iv, days: ${days}, infusion_hours: 0.5 }\n`;
    const tvec = (days: string) =>
      `      - { agent: talimogene-laherparepvec, dose: { value: 4.0e8, unit: PFU }, route: intratumoral, days: ${days} }\n`;
    const daily = problems(base(tvec("[0, 1, 2]"))).filter((p) => p.rule === "label-dosing-interval");
    // one problem for the step: its first dose too early, and how many more are
    expect(daily).toHaveLength(1);
    expect(daily[0].severity).toBe("error");
    expect(daily[0].message).toMatch(
      /T-VEC\) on day 1 is 1 day\(s\) after the dose of day 0 .*interval is 14 days \(.*\); so are 1 more doses of this step \(days 2\)/,
    );
    // a two-year schedule every 2 weeks of a drug dosed every 3: one line, not 51
    const q2w = problems(base(pembro(200, "{ every: 14, count: 52 }")));
    expect(q2w.map((p) => p.rule)).toEqual(["label-dosing-interval"]);
    expect(q2w[0].message).toMatch(
      /day 14 is 14 day\(s\) after .*; so are 50 more doses of this step \(days 28, 42, 56, 70, 84, … 714\)/,
    );
    // the label schedule (day 0, 3 weeks later, then every 2 weeks) passes
    expect(problems(base(tvec("[0, 21, 35, 49]")))).toEqual([]);
    const early = problems(base(pembro(200, "[0, 14]")));
    expect(early.map((p) => p.rule)).toEqual(["label-dosing-interval"]);
    expect(early[0].message).toMatch(
      /pembrolizumab on day 14 is 14 day\(s\) after the dose of day 0 \(200 mg\); its dosing interval is 21 days/,
    );
    expect(problems(base(pembro(200, "[0, 21, 42]")))).toEqual([]);
    // 400 mg lasts 6 weeks: 200 mg three weeks after 400 mg is too early
    expect(problems(base(pembro(400, "[0]") + pembro(200, "[21]"))).map((p) => p.rule)).toEqual([
      "label-dosing-interval",
    ]);
    expect(problems(base(pembro(400, "[0]") + pembro(200, "[42]")))).toEqual([]);
    // nivolumab's interval is its own (2 weeks at 240 mg)
    expect(
      problems(
        base(
          "      - { agent: nivolumab, dose: { value: 240, unit: mg }, route: iv, days: [0, 14], infusion_hours: 0.5 }\n",
        ),
      ),
    ).toEqual([]);
    // the same step twice on the same day
    const dup = problems(base(pembro(200, "[0]") + pembro(200, "[0]")));
    expect(
      dup.some(
        (p) =>
          p.path === "phases[0].steps[1]" &&
          p.severity === "error" &&
          /duplicates phases\[0\]\.steps\[0\]/.test(p.message),
      ),
    ).toBe(true);
    expect(problems(base(tvec("[0, 0]"))).some((p) => /listed twice on day 0/.test(p.message))).toBe(true);
  });

  it("the label interval flags exactly the T-VEC injections closer than 14 days to the one before, in one problem (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 8 }), (raw) => {
        const days = [...raw].sort((a, b) => a - b);
        const flagged = problems(
          base(
            `      - { agent: talimogene-laherparepvec, dose: { value: 4.0e8, unit: PFU }, route: intratumoral, days: [${days.join(", ")}] }\n`,
          ),
        ).filter((p) => p.rule === "label-dosing-interval");
        const early = days.filter((d, i) => i > 0 && d - days[i - 1] < 14);
        // one problem for the step, naming the first early injection and counting the others
        expect(flagged).toHaveLength(early.length > 0 ? 1 : 0);
        if (early.length === 0) return;
        expect(flagged[0].message).toMatch(new RegExp(`T-VEC\\) on day ${early[0]} is `));
        if (early.length > 1)
          expect(flagged[0].message).toContain(`so are ${early.length - 1} more doses of this step`);
        else expect(flagged[0].message).not.toContain("more doses");
      }),
      { numRuns: 60 },
    );
  });

  it("the virus-before-activation message names the activation day and the first virus day", () => {
    const tvec =
      "      - { agent: talimogene-laherparepvec, dose: { value: 4.0e6, unit: PFU }, route: intratumoral, days: [2] }\n" +
      "      - { agent: talimogene-laherparepvec, dose: { value: 4.0e8, unit: PFU }, route: intratumoral, days: [23, 37] }\n";
    const pembro = (day: number) =>
      `      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [${day}], infusion_hours: 0.5 }\n`;
    const rule = (day: number) =>
      problems(base(tvec + pembro(day))).find((p) => p.rule === "virus-before-activation");
    expect(rule(0)?.message).toMatch(
      /^pembrolizumab on day 0 comes 2 day\(s\) before the first talimogene laherparepvec \(T-VEC\) dose \(day 2\); give it on day 5 or later/,
    );
    expect(rule(3)?.message).toMatch(
      /^pembrolizumab on day 3 is only 1 day\(s\) after the first .* \(day 2\)/,
    );
    // the virus course continues every 2 weeks: activation 3 days after the first injection is the rule's order
    expect(rule(5)).toBeUndefined();
  });

  it("killer cells need minimal burden or debulking first; a combination reason allows same-class agents", () => {
    const probs = problems(
      base(
        "      - { agent: nk-cells-autologous, dose: { value: 1.0e7, unit: cells/kg }, route: iv, days: [0] }\n",
      ),
    );
    expect(probs.map((p) => p.rule)).toEqual(["killer-cells-at-minimal-burden"]);
    const ok = problems(
      base(
        "      - { agent: nk-cells-autologous, dose: { value: 1.0e7, unit: cells/kg }, route: iv, days: [0], when: minimal-burden }\n",
      ),
    );
    expect(ok).toEqual([]);
  });

  it("the published JSON Schema matches the protocol schema", () => {
    const file = path.resolve(import.meta.dirname, "../../schemas/protocol.schema.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(protocolJsonSchema())));
  });

  it("never crashes on arbitrary input: a protocol or a ModelError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify({ name: "x", phases: v })),
        ),
        (text) => {
          try {
            validateProtocol(parseProtocol(text, "fuzz.yaml"));
          } catch (e) {
            expect(e).toBeInstanceOf(ModelError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
