import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeArmSimulator } from "../test-support/fake-arm-simulator.js";
import type { CliIO } from "./io.js";
import { runCliAsync } from "./main.js";
import { runTrialCommand } from "./trial-command.js";
import { ONE_SHOT_LOCAL_MAX_PATIENTS, oneShotThreads } from "../population/simulate-batch.js";

const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-trial-"));
writeFileSync(
  path.join(dir, "p.yaml"),
  `name: strong pembrolizumab
phases:
  - name: treatment
    start_day: 0
    steps:
      - { agent: pembrolizumab, dose: { value: 10, unit: mg/kg }, route: iv, days: { every: 14, count: 4 } }
`,
);
const TRIAL = `name: FAKE-2
source: fixture
population: { cancer: melanoma, stage: [M1c] }
arms:
  - { name: A, protocol: p.yaml, patients: 10 }
assessment: { criteria: recist1.1, first_week: 12, every_weeks: 6, follow_up_weeks: 36, confirm: true }
published:
  - { arm: A, endpoint: ORR, value: 0.5, ci: [0.2, 0.8] }
`;
writeFileSync(path.join(dir, "t.yaml"), TRIAL);

function io() {
  const r = { out: "", err: "" };
  const cli: CliIO = {
    out: (t) => void (r.out += t),
    err: (t) => void (r.err += t),
    interactive: false,
    cwd: dir,
  };
  return { r, cli };
}
const fake = async () => fakeArmSimulator;

describe("immunoplan trial simulate", () => {
  it("simulates in this thread up to 4,000 patients in all (cold workers cost more), on every core above; --threads overrides", async () => {
    const asked: (number | undefined)[] = [];
    const spy = async (_c: unknown, _v?: string, threads?: number) => {
      asked.push(threads);
      return fakeArmSimulator;
    };
    for (const extra of [
      ["--patients", "4000"],
      ["--patients", "4001"],
      ["--patients", "10", "--threads", "3"],
    ])
      expect(await runTrialCommand(["simulate", "t.yaml", "--json", ...extra], io().cli, spy)).toBe(0);
    expect(asked).toEqual([1, undefined, 3]);
    expect(oneShotThreads(ONE_SHOT_LOCAL_MAX_PATIENTS)).toBe(1);
    expect(oneShotThreads(ONE_SHOT_LOCAL_MAX_PATIENTS + 1)).toBeUndefined();
  });

  it("--json prints {trial, arms, comparisons}; --patients overrides N; files for --out, --report, --plot", async () => {
    const { r, cli } = io();
    const code = await runTrialCommand(
      [
        "simulate",
        "t.yaml",
        "--json",
        "--patients",
        "8",
        "--seed",
        "3",
        "--out",
        "res.json",
        "--report",
        "rep.html",
        "--plot",
        "w.svg",
      ],
      cli,
      fake,
    );
    expect(code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.trial).toBe("FAKE-2");
    expect(j.arms[0]).toMatchObject({ name: "A", patients: 8, ORR: { value: 0.5 } });
    expect(j.comparisons[0]).toMatchObject({
      arm: "A",
      endpoint: "ORR",
      published: 0.5,
      ci: [0.2, 0.8],
      simulated: 0.5,
      within: true,
    });
    expect(JSON.parse(readFileSync(path.join(dir, "res.json"), "utf8"))).toEqual(j);
    expect(readFileSync(path.join(dir, "rep.html"), "utf8")).toContain("Published and simulated");
    expect(readFileSync(path.join(dir, "w.svg"), "utf8")).toMatch(/^<svg /);
    // the label maximum (pembrolizumab 10 mg/kg) is a warning on stderr with file and line
    expect(r.err).toMatch(/p\.yaml:6:\d+: phases\[0\]\.steps\[0\]\.dose\.value: warning: .*label maximum/);
  });

  it("prints a summary without --json", async () => {
    const { r, cli } = io();
    expect(await runTrialCommand(["simulate", "t.yaml"], cli, fake)).toBe(0);
    expect(r.out).toMatch(/A \(n = 10\): ORR 50\.0 %/);
    expect(r.out).toMatch(/ORR: published 0\.5 \[0\.2, 0\.8\], simulated 0\.5 — within/);
  });

  it("a progress bar on an interactive stderr only", async () => {
    const { r, cli } = io();
    await runTrialCommand(["simulate", "t.yaml"], { ...cli, interactive: true }, fake);
    expect(r.err).toMatch(/simulating patients \[#+\] 10\/10\n/);
  });
});

describe("immunoplan trial: bad input is exit 2 with one line naming file, line and field", () => {
  const bad = async (text: string | null, args: string[] = []) => {
    if (text !== null) writeFileSync(path.join(dir, "bad.yaml"), text);
    const { r, cli } = io();
    const code = await runCliAsync(["trial", "simulate", "bad.yaml", ...args], cli);
    return { code, err: r.err };
  };
  const cases: [string, string | null, RegExp][] = [
    [
      "unknown agent",
      TRIAL.replace(
        "protocol: p.yaml",
        "protocol: { name: x, phases: [{ name: t, start_day: 0, steps: [{ agent: nivo, dose: { value: 3, unit: mg/kg }, route: iv, days: [0] }] }] }",
      ),
      /bad\.yaml:5:\d+: arms\[0\]\.protocol\.phases\[0\]\.steps\[0\]\.agent: unknown agent 'nivo'/,
    ],
    [
      "unknown cancer type",
      TRIAL.replace("cancer: melanoma", "cancer: sarcoma"),
      /bad\.yaml:3:\d+: population\.cancer: unknown cancer type "sarcoma"/,
    ],
    [
      "unknown endpoint",
      TRIAL.replace("endpoint: ORR", "endpoint: BOR"),
      /bad\.yaml:8:\d+: published\[0\]\.endpoint: unknown endpoint 'BOR'/,
    ],
    [
      "arm without protocol",
      TRIAL.replace("protocol: p.yaml, ", ""),
      /bad\.yaml:5:\d+: arms\[0\]\.protocol: is required/,
    ],
    [
      "CI without its value",
      TRIAL.replace("ci: [0.2, 0.8]", "ci: [0.6, 0.8]"),
      /bad\.yaml:8:\d+: published\[0\]\.ci: \[0\.6, 0\.8\] does not contain the value 0\.5/,
    ],
    [
      "missing protocol file",
      TRIAL.replace("protocol: p.yaml", "protocol: gone.yaml"),
      /bad\.yaml:5:\d+: arms\[0\]\.protocol: protocol file '.*gone\.yaml' not found/,
    ],
    ["missing trial file", null, /nothere\.yaml: file not found/],
  ];
  for (const [what, text, message] of cases)
    it(what, async () => {
      const { code, err } =
        text === null
          ? await (async () => {
              const { r, cli } = io();
              return { code: await runCliAsync(["trial", "simulate", "nothere.yaml"], cli), err: r.err };
            })()
          : await bad(text);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err.trim().split("\n")).toHaveLength(1);
    });

  it("bad options, an unknown subcommand and a cancer type without a virtual population", async () => {
    expect((await bad(TRIAL, ["--patients", "0"])).code).toBe(2);
    expect((await bad(TRIAL, ["--seed", "x"])).code).toBe(2);
    expect((await bad(TRIAL, ["--threads", "0"])).err).toMatch(/--threads/);
    expect((await bad(TRIAL, ["--threads", "1.5"])).err).toMatch(/--threads: '1\.5' is not a whole number/);
    expect((await bad(TRIAL, ["--vpop", "none.json"])).err).toMatch(/--vpop: none\.json: file not found/);
    const { r, cli } = io();
    expect(await runCliAsync(["trial", "run"], cli)).toBe(2);
    expect(r.err).toMatch(/unknown subcommand 'run'/);
    const aml = await bad(TRIAL.replace("cancer: melanoma", "cancer: acute-myeloid-leukemia"));
    expect(aml.code).toBe(2);
    expect(aml.err).toMatch(/no virtual population for acute-myeloid-leukemia/);
    expect(existsSync(path.join(dir, "bad.yaml"))).toBe(true);
  });

  it("a refractory_to entry the model cannot test is said once, with its line (not again by the population)", async () => {
    writeFileSync(
      path.join(dir, "refr.yaml"),
      TRIAL.replace(
        "population: { cancer: melanoma, stage: [M1c] }",
        "population: { cancer: melanoma, refractory_to: [sunitinib] }",
      ),
    );
    const noting = async () => ({
      ...fakeArmSimulator,
      warnings: ["refractory_to 'sunitinib': not a class the model can test", "another note"],
    });
    const { r, cli } = io();
    expect(await runTrialCommand(["simulate", "refr.yaml"], cli, noting)).toBe(0);
    expect(r.err.match(/sunitinib/g)).toHaveLength(1);
    expect(r.err).toMatch(/refr\.yaml:3:\d+: population\.refractory_to\[0\]: warning: 'sunitinib'/);
    expect(r.err).toContain("immunoplan: warning: another note");
  });
});
