import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./main.js";
import type { CliIO } from "./io.js";

function run(args: string[], cwd = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"))) {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), interactive: false, cwd };
  const code = runCli(args, io);
  return { code, out, err, cwd };
}

describe("immunoplan simulate", () => {
  it("prints CSV with a t,<states> header and one row per output time", () => {
    const r = run(["simulate", "kuznetsov1994", "--n-out", "11"]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe("t,E,T");
    expect(lines).toHaveLength(12);
    const last = lines[11].split(",").map(Number);
    expect(last[0]).toBe(100);
    expect(last[1] / 1.218e6).toBeCloseTo(1, 3);
    expect(last[2] / 1.305e6).toBeCloseTo(1, 3);
  });

  it("writes JSON with times, states, statistics and events; --doses, --set, --init, --times", () => {
    const r = run([
      "simulate",
      "depillis2006",
      "--doses",
      "depillis2006-chemo-til",
      "--times",
      "0,7,14.5,50",
      "--set",
      "d=2.34",
      "--init",
      "T=1e6",
      "--format",
      "json",
      "--method",
      "rodas",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.times).toEqual([0, 7, 14.5, 50]);
    expect(Object.keys(j.states)).toEqual(["T", "N", "L", "C", "M", "I"]);
    expect(j.states.M[0]).toBe(2); // the chemo bolus at t = 0 shows at t = 0
    expect(j.states.T[2]).toBe(0); // eliminated at day 14.2
    expect(j.events[0].name).toBe("eliminated");
    expect(j.statistics.steps).toBeGreaterThan(10);
    expect(j.disclaimer).toMatch(/decision support/);
    expect(r.err).toMatch(/event eliminated at day 14\.19/);
  });

  it("--set changes the outcome: a weaker CD8+ kill lets the tumor escape", () => {
    const r = run([
      "simulate",
      "depillis2006",
      "--doses",
      "depillis2006-chemo-til",
      "--set",
      "d=0.5",
      "--times",
      "100",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).states.T[0]).toBeGreaterThan(1e8);
  });

  it("writes --out and an SVG --plot with dose markers", () => {
    const r = run([
      "simulate",
      "depillis2006",
      "--doses",
      "depillis2006-chemo",
      "--out",
      "res.csv",
      "--plot",
      "plot.svg",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(readFileSync(path.join(r.cwd, "res.csv"), "utf8")).toMatch(/^t,T,N,L,C,M,I\n0,1000000,/);
    const svg = readFileSync(path.join(r.cwd, "plot.svg"), "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/decision support/);
    expect((svg.match(/<title>M at/g) ?? []).length).toBe(11);
  });

  it("reads model and dose files from paths", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "m.yaml"),
      "name: m\nstates: { X: { initial: 1 } }\nparameters: { k: { value: 1, source: x } }\nequations: { X: -k*X }\n",
    );
    writeFileSync(path.join(dir, "d.yaml"), "- { state: X, amount: 1, at: 1 }\n");
    const r = run(
      ["simulate", "m.yaml", "--doses", "d.yaml", "--times", "1,2", "--rtol", "1e-10", "--atol", "1e-12"],
      dir,
    );
    expect(r.code).toBe(0);
    const rows = r.out
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
    expect(rows[0][1]).toBeCloseTo(Math.exp(-1) + 1, 9);
    expect(rows[1][1]).toBeCloseTo((Math.exp(-1) + 1) * Math.exp(-1), 9);
  });

  it("a model file can extend a built-in model with a YAML list of modules and parameter values", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "plan.yaml"),
      "extends: immunoplan-core\nname: tolerant-with-icb\nmodules: [checkpoint, virus]\nset: { tolerance: 3 }\ninitial: { T: 3e6 }\n",
    );
    const r = run(["simulate", "plan.yaml", "--times", "0", "--format", "json"], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.model).toBe("tolerant-with-icb");
    expect(j.modules).toEqual(["checkpoint", "virus"]);
    expect(j.states.T[0]).toBe(3e6);
    expect(Object.keys(j.states)).toContain("Aicb");
    writeFileSync(path.join(dir, "bad.yaml"), "extends: immunoplan-core\nset: { nope: 1 }\n");
    const bad = run(["simulate", "bad.yaml"], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/set\.nope: unknown parameter 'nope'/);
  });

  it("bad input exits 2 with a one-line reason", () => {
    const cases: [string[], RegExp][] = [
      [["simulate"], /missing MODEL/],
      [["simulate", "nope"], /unknown model 'nope'/],
      [["simulate", "kuznetsov1994", "--set", "zz=1"], /unknown parameter 'zz'/],
      [["simulate", "kuznetsov1994", "--set", "s"], /expects name=value/],
      [["simulate", "kuznetsov1994", "--init", "T=abc"], /finite number/],
      [["simulate", "kuznetsov1994", "--rtol=-1"], /--rtol must be a positive number/],
      [["simulate", "kuznetsov1994", "--method", "euler"], /--method must be one of/],
      [["simulate", "kuznetsov1994", "--times", "1,x"], /'x' is not a number/],
      [["simulate", "kuznetsov1994", "--times", "5,1"], /ascending/],
      [["simulate", "kuznetsov1994", "--doses", "missing.yaml"], /missing\.yaml: file not found/],
      [["simulate", "kuznetsov1994", "--bogus"], /Unknown option '--bogus'/],
      [["frobnicate"], /unknown command/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
  });

  it("a model with errors exits 2 naming file, line and field", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "bad.yaml"),
      "name: bad\nstates:\n  X: { initial: 1 }\nequations:\n  X: -k*X\n",
    );
    const r = run(["simulate", "bad.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:5:\d+: equations\.X: unknown name 'k'/);
  });

  it("a solver failure exits 1 with the reason, time and state", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "blow.yaml"),
      "name: blow\nstates: { X: { initial: 1 } }\nequations: { X: X^2 }\n",
    );
    const r = run(["simulate", "blow.yaml", "--t-end", "2"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/simulation failed: (step-size-underflow|non-finite-derivative) at t = (0\.99|1)/);
    expect(r.err).toMatch(/X = /);
  });
});

describe("immunoplan sweep", () => {
  it("prints outcome against the initial burden and writes a plot", () => {
    const r = run([
      "sweep",
      "depillis2006",
      "--doses",
      "depillis2006-chemo-til",
      "--vary",
      "init.T=1e5..1e8",
      "--points",
      "4",
      "--t-end",
      "150",
      "--plot",
      "sweep.svg",
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/init\.T +outcome +nadir/);
    expect(lines.slice(1).map((l) => l.trim().split(/ +/)[1])).toEqual([
      "eliminated",
      "eliminated",
      "escaped",
      "escaped",
    ]);
    expect(readFileSync(path.join(r.cwd, "sweep.svg"), "utf8")).toMatch(/outcome against init\.T/);
  });

  it("writes JSON and CSV, and rejects a bad --vary", () => {
    const j = run([
      "sweep",
      "kuznetsov1994",
      "--vary",
      "init.T=1e6..2e8",
      "--points",
      "3",
      "--t-end",
      "2000",
      "--format",
      "json",
    ]);
    expect(j.code).toBe(0);
    const rows = JSON.parse(j.out).rows;
    expect(rows.map((x: { outcome: string }) => x.outcome)).toEqual(["controlled", "controlled", "escaped"]); // threshold 6.37e7 (models.md §3.3)
    const c = run(["sweep", "kuznetsov1994", "--vary", "a=0.1..0.2", "--points", "2", "--format", "csv"]);
    expect(c.out.split("\n")[0]).toBe("value,outcome,nadir,nadir_day,final,eliminated_day");
    const bad = run(["sweep", "kuznetsov1994", "--vary", "init.Q=1..2"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown state 'Q'/);
    expect(run(["sweep", "kuznetsov1994"]).err).toMatch(/missing --vary/);
  });
});

describe("immunoplan run, compare, check", () => {
  const ex = (f: string) => path.resolve(import.meta.dirname, "../../examples/protocols", f);

  it("runs a protocol for a virtual patient: inputs, assumptions, outcome, JSON and plot", () => {
    const r = run([
      "run",
      ex("chemo-then-til-il2.yaml"),
      "--patient",
      "p9-large",
      "--out",
      "r.json",
      "--plot",
      "r.svg",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/patient p9-large \(70 kg, 175 cm, BSA 1\.84 m²\)/);
    expect(r.out).toMatch(/lifileucel +3\.000e\+10 cells +3\.000e\+10 cells +L \+= 3\.00e\+10/);
    expect(r.out).toMatch(/eliminated on day 15/);
    expect(r.out).toMatch(/predicted burden before lifileucel on day 8: [\d.e+]+ cells/);
    expect(r.out).toMatch(/decision support only/);
    const j = JSON.parse(readFileSync(path.join(r.cwd, "r.json"), "utf8"));
    expect(j.outcome.eliminated).toBe(true);
    expect(j.states.T.length).toBe(j.times.length);
    expect(readFileSync(path.join(r.cwd, "r.svg"), "utf8")).toMatch(/lymphodepletion/);
  });

  it("compares protocols in one table and one plot", () => {
    const r = run([
      "compare",
      ex("pembrolizumab-q3w.yaml"),
      ex("chemo-then-til-il2.yaml"),
      "--patient",
      "p9-large",
      "--days",
      "90",
      "--plot",
      "c.svg",
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    // a named reference patient is the core model's, and the output says how to reach the calibrated one
    expect(lines[1]).toMatch(/^Core model .*not calibrated.*--cancer TYPE or --patient case\.json/);
    expect(lines[3]).toMatch(/^protocol +final burden +nadir/);
    expect(lines[4]).toMatch(/^pembrolizumab every 3 weeks +9\.\d+e\+8 .* no /);
    expect(lines[5]).toMatch(/^chemotherapy then TIL \+ IL-2 +0 .* day 15/);
    expect(readFileSync(path.join(r.cwd, "c.svg"), "utf8")).toMatch(/Tumor burden by protocol/);
  });

  it("check lists problems with paths; run refuses a protocol with errors unless --force", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "bad.yaml"),
      "name: bad\nphases:\n  - name: a\n    start_day: 0\n    steps:\n      - { agent: pembrolizumab, dose: { value: 800, unit: mg }, route: iv, days: [0] }\n",
    );
    const c = run(["check", "bad.yaml"], dir);
    expect(c.code).toBe(2);
    expect(c.out).toMatch(
      /bad\.yaml: phases\[0\]\.steps\[0\]\.dose\.value: error: 800 mg is above the label maximum/,
    );
    const r = run(["run", "bad.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 error\(s\) in the protocol/);
    expect(run(["run", "bad.yaml", "--force"], dir).code).toBe(0);
    expect(run(["check", ex("six-step-personalized.yaml")]).out).toMatch(/no problems/);
  });

  it("check flags daily T-VEC, an antibody dose within its interval and a same-day duplicate step (issue 14 §3)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "daily.yaml"),
      "name: daily\nphases:\n  - name: a\n    start_day: 0\n    steps:\n" +
        "      - { agent: talimogene-laherparepvec, dose: { value: 4.0e8, unit: PFU }, route: intratumoral, days: [0, 1, 2] }\n" +
        "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [3, 10], infusion_hours: 0.5 }\n" +
        "      - { agent: pembrolizumab, dose: { value: 200, unit: mg }, route: iv, days: [3], infusion_hours: 0.5 }\n",
    );
    const c = run(["check", "daily.yaml"], dir);
    expect(c.code).toBe(2);
    expect(c.out).toMatch(
      /phases\[0\]\.steps\[0\]: error: talimogene laherparepvec \(T-VEC\) on day 1 is 1 day\(s\) after/,
    );
    expect(c.out).toMatch(
      /phases\[0\]\.steps\[1\]: error: pembrolizumab on day 10 is 7 day\(s\) after the dose of day 3/,
    );
    expect(c.out).toMatch(
      /phases\[0\]\.steps\[2\]: error: pembrolizumab on day 3 duplicates phases\[0\]\.steps\[1\]/,
    );
    // virus on day 0, activation on day 3: 3 days after the first injection is allowed
    expect(c.out).not.toMatch(/virus-before-activation|before the first/);
  });
});

describe("immunoplan case, evaluate, recist", () => {
  const EX = path.resolve(import.meta.dirname, "../../examples/cases/nsclc-synthetic.json");
  const JENNY = path.resolve(
    import.meta.dirname,
    "../../../shared/research/data/mcode-stu4-ig-examples/Bundle-mcode-patient-bundle-jenny-m.json",
  );

  it("imports a FHIR bundle into a case and exports it again", () => {
    const r = run([
      "case",
      "import",
      JENNY,
      "--id",
      "jenny",
      "--out",
      "case.json",
      "--report",
      "report.json",
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/read 29 resources, ignored 11, invalid 0/);
    const c = JSON.parse(readFileSync(path.join(r.cwd, "case.json"), "utf8"));
    expect(c.id).toBe("jenny");
    const e = run(["case", "export", "case.json"], r.cwd);
    expect(JSON.parse(e.out).resourceType).toBe("Bundle");
  });

  it("evaluates a case: checklist, eligibility with reasons, burden and window", () => {
    const r = run(["evaluate", EX, "--date", "2024-05-10"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/immune checkpoint inhibitor +suitable/);
    expect(r.out).toMatch(/CAR-T cells +not-recommended/);
    expect(r.out).toMatch(/Burden on 2024-05-02: sum of diameters 8 mm/);
    const j = JSON.parse(run(["evaluate", EX, "--date", "2024-05-10", "--json"]).out);
    // both lung lesions gone and a normal node: no measurable tumor (issue 14 §3), not "minimal residual disease"
    expect(j.burden.window).toBe("below detection");
  });

  it("prints the RECIST table with the best overall response", () => {
    const r = run(["recist", EX]);
    expect(r.code).toBe(0);
    // date, sum, the nadir it was measured against, change from baseline
    expect(r.out).toMatch(/2024-03-06 +39\.0 +68\.0 +-42\.6 .* PR/);
    expect(r.out).toMatch(/2024-05-02 +8\.0 +39\.0 .* CR/);
    expect(r.out).toMatch(/best overall response: CR; confirmed: PR \(SD counts from day 42/);
    expect(r.out).toMatch(/2024-05-02 .* CR +iCR/);
    expect(r.out).toMatch(/iRECIST best overall response: iCR/);
    const j = JSON.parse(run(["recist", EX, "--json"]).out);
    expect(j.irecist.map((t: { response: string }) => t.response)).toEqual(["iPR", "iCR"]);
    // irRC: 68 → 39 mm (−42.6 %) is irPR; at 8 mm the node (< 10 mm) and the gone lung lesions are irCR
    expect(j.irrc.map((t: { response: string }) => t.response)).toEqual(["irPR", "irCR"]);
    expect(r.out).toMatch(
      /irRC \(unidimensional; new lesions add to the burden\): 2024-03-06 irPR \(39\.0 mm\); 2024-05-02 irCR/,
    );
  });

  it("grades the case's labs with CTCAE v5 and prints the irAE guidance", () => {
    const r = run(["toxicity", EX]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /2024-04-20 +Alanine aminotransferase increased +grade 2 +\(3\.36 × ULN \(45 U\/L\); baseline 2024-01-08\)/,
    );
    expect(r.out).toMatch(/checkpoint inhibitor: hold/);
    const j = JSON.parse(run(["toxicity", EX, "--json"]).out);
    expect(j.grades.find((g: { term: string }) => g.term === "Lymphocyte count decreased").grade).toBe(2);
  });

  it("grades CRS and ICANS from the command line; bad values exit 2 naming the option", () => {
    const crs = run([
      "grade",
      "crs",
      "--temp",
      "39.1",
      "--hypotension",
      "one-vasopressor",
      "--hypoxia",
      "none",
    ]);
    expect(crs.code).toBe(0);
    expect(crs.out).toMatch(/ASTCT grade 3/);
    expect(crs.out).toMatch(/dexamethasone 10 mg IV every 6 h/);
    const icans = JSON.parse(
      run(["grade", "icans", "--ice-items", "2,1,0,0,0", "--seizure", "resolving-rapidly", "--json"]).out,
    );
    expect(icans.grade).toBe(3);
    const bad = run(["grade", "crs", "--temp", "39", "--hypotension", "lots", "--hypoxia", "none"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--hypotension: 'lots' is not one of none, no-vasopressor/);
    expect(run(["grade", "icans", "--ice", "11"]).err).toMatch(/--ice: '11' is not a number in 0–10/);
    expect(run(["grade", "gvhd"]).code).toBe(2);
  });

  it("ranks donors by KIR-ligand mismatch with the patient's HLA typing", () => {
    const r = run([
      "donors",
      EX,
      "--donor",
      "sibling=C*07:01,C*07:02,B*08:01,B*07:02",
      "--donor",
      "haplo=C*07:01,C*06:02,B*08:01,B*57:01,DRB1*15:01",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/KIR ligands C1\n +haplo: 2 mismatch\(es\) \(C2, Bw4\)/);
    expect(run(["donors", EX, "--donor", "x=DRB1*15:01"]).err).toMatch(
      /--donor x: no HLA-A, -B or -C alleles/,
    );
    expect(run(["donors", EX, "--donor", "x=banana"]).err).toMatch(/'banana' is not an HLA allele/);
    expect(run(["donors", EX]).code).toBe(2);
  });

  it("fits growth models to a multi-subject CSV and compares them by AIC; bad rows name file and line", () => {
    const csv = path.resolve(
      import.meta.dirname,
      "../../../shared/research/data/benzekry2014-llc/LLC_sc_CCSB.csv",
    );
    const r = run(["fit", "--model", "gompertz,power-law", "--data", csv, "--error-model", "power:0.84"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/gompertz: dV\/dt = a·e\^\(−β·t\)·V/);
    expect(r.out).toMatch(/population \(20 subjects\): a median 0\.742\d/);
    expect(r.out).toMatch(/Best model by AIC per subject:/);
    const j = JSON.parse(run(["fit", "--model", "logistic", "--data", csv, "--json"]).out);
    expect(j.results[0].fits).toHaveLength(20);
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-fit-"));
    writeFileSync(path.join(dir, "bad.csv"), "id,time,value\n1,1,2\n1,2,lots\n");
    const bad = run(["fit", "--model", "gompertz", "--data", path.join(dir, "bad.csv")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad\.csv:3: value 'lots' is neither a non-negative number/);
    // one reader for every series command: the Laleh 2022 S6 layout as it is, text readings read as a radiologist would
    writeFileSync(
      path.join(dir, "s6.csv"),
      "source_file,PatientID,TreatmentDay,TargetLesionLongDiam_mm,StudyArm\r\n" +
        "study1.xlsx,7,40,30,Study_1_Arm_1\r\nstudy1.xlsx,7,-3,20,Study_1_Arm_1\r\n" +
        "study1.xlsx,7,80,TOO SMALL TO MEASURE,Study_1_Arm_1\r\nstudy1.xlsx,7,120,NOT EVALUABLE,Study_1_Arm_1\r\n",
    );
    const s6 = JSON.parse(
      run(["fit", "--model", "exponential", "--data", path.join(dir, "s6.csv"), "--json"]).out,
    );
    expect(s6.results[0].fits.map((f: { id: string; n: number }) => [f.id, f.n])).toEqual([
      ["7/Study_1_Arm_1", 3],
    ]);
    expect(run(["fit", "--model", "cubic", "--data", csv]).err).toMatch(/unknown growth model 'cubic'/);
    writeFileSync(
      path.join(dir, "clinic.csv"),
      "pt,wk,sld\nA,0,50\nA,6,40\nA,12,35\nA,18,33\nB,0,20\nB,6,22\n",
    );
    const cols = ["--id-column", "pt", "--time-column", "wk", "--value-column", "sld", "--fit-v0"];
    const c = run([
      "fit",
      "--model",
      "exponential,gompertz-classic",
      "--data",
      path.join(dir, "clinic.csv"),
      ...cols,
    ]);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/1 subject\(s\) with fewer than 4 observations skipped/);
    expect(c.out).toMatch(/ A +v0 = 4\d\.\d+ ± [\d.]+ {2}a = -0\.0\d+/); // shrinking under treatment
    const b = run([
      "fit",
      "--model",
      "gompertz",
      "--data",
      path.join(dir, "clinic.csv"),
      ...cols,
      "--bayes",
      "--samples",
      "500",
    ]);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/gompertz, subject A/);
    expect(b.out).toMatch(/beta +[\d.]+ +\[[\d.e-]+, [\d.e-]+\] +R-hat \d\.\d{3} +ESS \d+/);
    expect(b.out).toMatch(/predicted \(median \[90 %\]\): t=0:/);
    expect(run(["fit", "--model", "gompertz", "--data", csv, "--bayes", "--prior", "a=1:0"]).err).toMatch(
      /--prior: 'a=1:0' is not NAME=CENTER:SD/,
    );
    writeFileSync(
      path.join(dir, "sld.csv"),
      "patient,day,sld\nP1,0,4.57\nP1,14,12.30\nP1,28,12.33\nP1,42,12.33\n",
    );
    const mech = run([
      "fit",
      "--model",
      "immunoplan-core",
      "--free",
      "init.T",
      "--observe",
      "sld",
      "--data",
      path.join(dir, "sld.csv"),
    ]);
    expect(mech.code).toBe(0);
    expect(mech.out).toMatch(/immunoplan-core: init\.T fitted to sld/);
    expect(mech.out).toMatch(/P1 +init\.T = [\d.e+]+ ± [\d.e+]+ \(published 1000000\)/);
    expect(
      run([
        "fit",
        "--model",
        "immunoplan-core",
        "--free",
        "a",
        "--observe",
        "weight",
        "--data",
        path.join(dir, "sld.csv"),
      ]).err,
    ).toMatch(/no observation 'weight'/);
    expect(
      run(["fit", "--model", "nosuchmodel", "--free", "a", "--observe", "sld", "--data", csv]).err,
    ).toMatch(/neither a growth model/);
    expect(run(["fit", "--model", "exponential", "--data", csv, "--time-column", "weeks"]).err).toMatch(
      /--time-column: 'weeks' is not a column/,
    );
  });

  it("bad case files exit 2 naming the file and path", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-cli-"));
    writeFileSync(
      path.join(dir, "bad.json"),
      JSON.stringify({
        id: "x",
        patient: { source: { kind: "manual" } },
        weights: [{ kg: -3, source: { kind: "manual" } }],
      }),
    );
    const r = run(["evaluate", "bad.json"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json: weights\[0\]\.kg: /);
    expect(run(["case", "import", "missing.json"], dir).err).toMatch(/missing\.json: file not found/);
  });
});

describe("immunoplan models, demo, help", () => {
  it("lists the built-in models", () => {
    const r = run(["models"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/depillis2006 +6 +28 +0/);
    expect(r.out).toMatch(/kuznetsov1994 +2 +8 +0/);
    expect(r.out).toMatch(/immunoplan-core +6 +34 +9/);
    const one = run(["models", "immunoplan-core"]);
    expect(one.out).toMatch(/## Modules/);
    expect(one.out).toMatch(/dT\/dt = a\*T\*\(1 - b\*T\)/);
    expect(run(["models", "nope"]).code).toBe(2);
  });

  it("runs the demo: a table, the elimination event and an SVG", () => {
    const r = run(["demo"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chemotherapy \+ TIL \+ IL-2/);
    expect(r.out).toMatch(/event: eliminated at day 14\.19/);
    expect(existsSync(path.join(r.cwd, "out", "depillis2006-chemo-til.svg"))).toBe(true);
  });

  it("prints help and the version", () => {
    expect(run(["help"]).out).toMatch(/usage: immunoplan <command>/);
    expect(run(["--version"]).out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run(["simulate", "--help"]).out).toMatch(/--plot FILE\.svg/);
  });
});
