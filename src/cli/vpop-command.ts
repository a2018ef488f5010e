/**
 * `immunoplan vpop build --cancer C --calibrate TRIAL... [--plausible N] [--seed S] [--threads T] --out FILE`:
 * samples plausible patients, simulates them under every arm of the calibration trials of that cancer type and
 * writes the calibrated population with its provenance. `immunoplan vpop show FILE` prints its summary.
 */
import { describeModelError, modelErrorOf } from "../population/model-error.js";
import path from "node:path";
import { parseArgs } from "node:util";
import { MIN_PRIOR_ESS } from "../planner/case-population.js";
import { buildVpop } from "../population/calibrate.js";
import { loadTrial } from "../population/trial-file.js";
import { CANCER_TYPES, type CancerType } from "../population/types.js";
import { loadVpop, saveVpop, VpopError, type VpopFile } from "../population/vpop-file.js";
import { readCancerName } from "../population/trial-cancer.js";
import { populationCoverage } from "../population/arm-evidence.js";
import { numberOption, UsageError, type CliIO } from "./io.js";

export const VPOP_USAGE = `immunoplan vpop build --cancer ${CANCER_TYPES.join("|")} --calibrate TRIAL.yaml... [--plausible N] [--seed S]
                      [--noise-draws N] [--scan-timing drawn|expected] [--median-bounds on|off] [--dor-targets on|off]
                      [--threads N] --out vpops/CANCER.json [--json]
immunoplan vpop show FILE [--json]`;

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)} %`);

/** The classes the patients are refractory to (share of the plausible patients), and the states some carry. */
export function refractoryLine(v: VpopFile): string {
  const counts = new Map<string, number>();
  const carried = new Map<string, Set<string>>();
  for (const p of v.patients) {
    for (const r of p.refractory) counts.set(r, (counts.get(r) ?? 0) + 1);
    for (const [cls, states] of Object.entries(p.carry ?? {}))
      for (const s of Object.keys(states)) carried.set(cls, (carried.get(cls) ?? new Set()).add(s));
  }
  const n = v.patients.length || 1;
  const parts = [...counts].map(([cls, k]) => {
    const states = carried.get(cls);
    return `${cls} ${pct(k / n)}${states ? ` (carrying ${[...states].join(", ")} from the progression)` : ""}`;
  });
  return `refractory (progressed on the class's reference course): ${parts.join("; ") || "none"}`;
}

/** The agents the population's trials give; any other agent or combination is an extrapolation (arm-evidence.ts). */
export function coverageLine(v: VpopFile): string {
  const c = populationCoverage(v);
  return `agents its trials give: calibration ${c.calibration.join(", ") || "none"}; label or hand-set trials ${c.label.join(", ") || "none"} (others, by class or not at all, and untested combinations are extrapolations: trial simulate says so per arm)`;
}

function summary(v: VpopFile): string {
  const c = v.calibration;
  const lines = [
    `virtual population: ${v.cancer}, ${v.plausible} plausible patients (seed ${v.seed}), effective sample size ${c.effective_sample_size}, KL ${c.divergence_nats} nats, ${c.converged ? "converged" : "NOT converged"}`,
    `trials: ${c.trials.map((t) => t.name).join(", ") || "none"}`,
    refractoryLine(v),
    coverageLine(v),
    "",
    "trial | arm | endpoint | published | prior | calibrated",
  ];
  for (const t of c.targets) {
    const show = (x: number | null) =>
      t.endpoint === "median_PFS_months" ? (x === null ? "—" : `PFS(${t.published} mo) ${pct(x)}`) : pct(x);
    const pub = t.endpoint === "median_PFS_months" ? `${t.published} mo` : pct(t.published);
    lines.push(`${t.trial} | ${t.arm} | ${t.endpoint} | ${pub} | ${show(t.prior)} | ${show(t.calibrated)}`);
  }
  if (c.bounds?.length) {
    lines.push(
      "",
      "medians held inside their CIs: trial | arm | median (CI) | PFS at the CI's end | prior | calibrated",
    );
    for (const b of c.bounds)
      lines.push(
        `${b.trial} | ${b.arm} | ${b.published} mo (${b.ci?.[0]}–${b.ci?.[1] ?? "NR"}) | ${b.side === "lower" ? "≥" : "≤"} 50 % at ${b.at_months} mo | ${pct(b.prior)} | ${pct(b.calibrated)}`,
      );
  }
  if (c.dor?.length) {
    lines.push(
      "",
      "durations of response held: trial | arm | median | responders still responding there: prior | calibrated (50 % asked)",
    );
    for (const d of c.dor)
      lines.push(`${d.trial} | ${d.arm} | ${d.published} mo | ${pct(d.prior)} | ${pct(d.calibrated)}`);
  }
  if (c.leave_one_out.length) {
    lines.push("", "leave one trial out: trial | arm | endpoint | published | predicted");
    for (const l of c.leave_one_out)
      for (const t of l.predictions) {
        const pub = t.endpoint === "median_PFS_months" ? `${t.published} mo` : pct(t.published);
        lines.push(`${l.trial} | ${t.arm} | ${t.endpoint} | ${pub} | ${pct(t.calibrated)}`);
      }
    lines.push(
      "",
      `out-of-sample error of this population's left-out trials (model SD; trial simulate pools every shipped population): ${describeModelError(modelErrorOf([v]))}`,
    );
  }
  for (const n of c.notes) lines.push(`note: ${n}`);
  return lines.join("\n") + "\n";
}

export async function runVpopCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "show") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: "boolean" } },
    });
    if (positionals.length !== 1) throw new UsageError(`vpop show needs one FILE\n${VPOP_USAGE}`);
    try {
      const { vpop, warnings } = loadVpop(path.resolve(io.cwd, positionals[0]));
      for (const w of warnings) io.err(`immunoplan: warning: ${w}\n`);
      io.out(values.json ? JSON.stringify(vpop.calibration, null, 2) + "\n" : summary(vpop));
      return 0;
    } catch (e) {
      if (e instanceof VpopError) {
        io.err(`immunoplan: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }
  if (sub !== "build") throw new UsageError(`vpop: expected 'build' or 'show'\n${VPOP_USAGE}`);
  // --calibrate takes every following argument that is not an option (a shell glob expands to many files)
  const files: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--calibrate") {
      while (i + 1 < rest.length && !rest[i + 1].startsWith("--")) files.push(rest[++i]);
    } else args.push(rest[i]);
  }
  const { values } = parseArgs({
    args,
    options: {
      cancer: { type: "string" },
      plausible: { type: "string" },
      seed: { type: "string" },
      threads: { type: "string" },
      "noise-draws": { type: "string" },
      "scan-timing": { type: "string" },
      "median-bounds": { type: "string" },
      "dor-targets": { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
  });
  // the catalog's names are read too (rcc, lbcl, prostate, "renal cell carcinoma", NSCLC)
  const read = values.cancer === undefined ? null : readCancerName(values.cancer);
  const cancer = read?.type as CancerType | undefined;
  if (!cancer || !(CANCER_TYPES as readonly string[]).includes(cancer))
    throw new UsageError(
      `--cancer: one of ${CANCER_TYPES.join(", ")} is required${values.cancer ? ` ('${values.cancer}'${read?.tumor ? ` is ${read.tumor}, a tumor type without a virtual population` : ""})` : ""}`,
    );
  if (!values.out) throw new UsageError("--out FILE is required");
  const plausible = numberOption(values.plausible, "plausible", { min: 10, max: 200_000 }) ?? 2000;
  const seed = numberOption(values.seed, "seed", { min: 0, max: 2 ** 31 - 1 }) ?? 1;
  const threads = numberOption(values.threads, "threads", { min: 1, max: 256 });
  const noiseDraws = numberOption(values["noise-draws"], "noise-draws", { min: 1, max: 100 });
  if (noiseDraws !== undefined && !Number.isInteger(noiseDraws))
    throw new UsageError("--noise-draws: a whole number of readings (1–100) is required");
  const scanTiming = values["scan-timing"];
  if (scanTiming !== undefined && scanTiming !== "expected" && scanTiming !== "drawn")
    throw new UsageError(`--scan-timing: 'drawn' or 'expected' ('${scanTiming}')`);
  const bounds = values["median-bounds"];
  if (bounds !== undefined && bounds !== "on" && bounds !== "off")
    throw new UsageError(`--median-bounds: 'on' or 'off' ('${bounds}')`);
  const dorTargets = values["dor-targets"];
  if (dorTargets !== undefined && dorTargets !== "on" && dorTargets !== "off")
    throw new UsageError(`--dor-targets: 'on' or 'off' ('${dorTargets}')`);
  const trials = files.map((f) => loadTrial(path.resolve(io.cwd, f)));
  const ofCancer = trials.filter((t) => t.document.population.cancer === cancer);
  // a trial file that says `calibration: { use: false }` is data (a check, a hand calibration), not a target
  const mine = ofCancer.filter((t) => t.document.calibration?.use !== false);
  const skipped = trials.filter((t) => t.document.population.cancer !== cancer);
  if (skipped.length)
    io.err(
      `immunoplan: ${skipped.length} trial file(s) of other cancer types skipped: ${skipped.map((t) => t.document.name).join(", ")}\n`,
    );
  const unused = ofCancer.filter((t) => !mine.includes(t));
  if (unused.length)
    io.err(
      `immunoplan: ${unused.length} trial file(s) not used for calibration (calibration.use: false): ${unused.map((t) => `${t.document.name} (${t.document.calibration?.reason ?? "no reason given"})`).join(", ")}\n`,
    );
  let last = 0;
  const vpop = await buildVpop({
    cancer,
    trials: mine,
    plausible: Math.round(plausible),
    seed: Math.round(seed),
    threads,
    ...(noiseDraws !== undefined ? { noiseDraws } : {}),
    ...(scanTiming !== undefined ? { scanTiming } : {}),
    ...(bounds !== undefined ? { medianBounds: bounds === "on" } : {}),
    ...(dorTargets !== undefined ? { dorTargets: dorTargets === "on" } : {}),
    onProgress: (stage, done, total) => {
      if (!io.interactive) return;
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      io.err(`\r${stage}: ${done}/${total}   `);
      if (done === total) io.err("\n");
    },
  });
  saveVpop(path.resolve(io.cwd, values.out), vpop);
  const warning = essWarning(vpop);
  if (warning) io.err(`immunoplan: ${warning}\n`);
  io.out(values.json ? JSON.stringify(vpop.calibration, null, 2) + "\n" : summary(vpop));
  return 0;
}

/**
 * Fewest effective patients a shipped population should have [Immunoplan choice]: a patient's prior conditions it
 * on the record (refractoriness, stage, LDH, PD-L1, ECOG) and needs MIN_PRIOR_ESS effective patients left.
 */
export const MIN_POPULATION_ESS = 200;

/** A warning when the calibrated weights leave few effective patients; null otherwise. */
export function essWarning(v: VpopFile): string | null {
  const ess = v.calibration.effective_sample_size;
  if (ess >= MIN_POPULATION_ESS) return null;
  const more = Math.ceil((v.plausible * MIN_POPULATION_ESS) / Math.max(ess, 1) / 1000) * 1000;
  return `${v.cancer}: the calibrated weights leave an effective sample size of ${ess} of ${v.plausible} plausible patients; a patient's prior conditioned on their record keeps a fraction of it (the planner needs ${MIN_PRIOR_ESS}) — about --plausible ${more} would give ${MIN_POPULATION_ESS}`;
}
