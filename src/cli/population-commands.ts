/**
 * `immunoplan run PROTOCOL --cancer C` and `immunoplan compare P1 P2 … --cancer C`: protocols on the calibrated
 * virtual population of a cancer type (the clinical model), as paired single-arm in-silico trials.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runOnPopulation, type PopulationRun } from "../population/population-run.js";
import { oneShotThreads } from "../population/simulate-batch.js";
import { readCancerName } from "../population/trial-cancer.js";
import { pfsSvg } from "../population/trial-report.js";
import { CANCER_TYPES, PDL1_LEVELS, type CancerType, type Pdl1Level } from "../population/types.js";
import { VpopError } from "../population/vpop-file.js";
import { loadProtocol } from "../therapy/protocol-file.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { validateProtocol } from "../therapy/validate-protocol.js";
import { numberOption, UsageError, type CliIO } from "./io.js";

export const POPULATION_USAGE = `       immunoplan run PROTOCOL --cancer ${CANCER_TYPES.join("|")} [--patients N] [--seed S] [--stage S,…]
                      [--pdl1 positive|high|negative|low] [--refractory-to CLASS,…] [--vpop FILE] [--json] [--out result.json] [--plot pfs.svg]
       immunoplan compare P1 P2 … --cancer C [same options]   # the same virtual patients under every protocol
On the calibrated virtual population of the cancer type (clinical model; vpops/CANCER.json): ORR, CR, DCR,
PFS (RECIST 1.1 with confirmation, scans every 8 weeks to week 48, then every 12 weeks), overall survival (the
survival model of trial simulate), differences against the first protocol with the PFS and OS hazard ratios.
       immunoplan run PROTOCOL --patient case.json [--date D] [--samples N] [--horizon DAYS] [--json] [--model core]
       immunoplan compare P1 P2 … --patient case.json [same options]
On the patient's own calibrated model (the population of the case's cancer type conditioned on the record and
updated by its scans, as plan does): response, control, elimination, time to progression, sum of diameters.
--model core (or a cancer type without a population) keeps the de Pillis-based core model.`;

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)} %`);
const range = (c: [number | null, number | null]) =>
  `${c[0] === null ? "—" : (100 * c[0]).toFixed(1)}–${c[1] === null ? "—" : (100 * c[1]).toFixed(1)}`;

const months = (x: number | null) => (x === null ? "not reached" : `${x.toFixed(1)} mo`);
/** A hazard ratio of the first protocol against a later one, read as the later one's against the first. */
const inverseHr = (e: { value: number | null; ci: [number | null, number | null] } | undefined) =>
  !e || e.value === null
    ? "—"
    : `${(1 / e.value).toFixed(2)} (${e.ci[1] === null ? "—" : (1 / e.ci[1]).toFixed(2)}–${e.ci[0] === null ? "—" : (1 / e.ci[0]).toFixed(2)})`;

function table(r: PopulationRun): string {
  const lines = [
    `${r.cancer}: ${r.patients} virtual patients per protocol (seed ${r.seed}), the same patients in every arm; calibrated on ${r.calibration.trials.length} trial(s), effective sample size ${r.calibration.effective_sample_size}`,
    "",
    "protocol | ORR (95 % CI) | CR | DCR | median PFS | PFS 6 mo | PFS 12 mo | median OS | OS 24 mo",
  ];
  for (const a of r.arms)
    lines.push(
      `${a.name} | ${pct(a.ORR.value)} (${range(a.ORR.ci)}) | ${pct(a.CR.value)} | ${pct(a.DCR.value)} | ${a.median_PFS_months.value === null ? "not reached" : `${a.median_PFS_months.value.toFixed(1)} mo`} | ${pct(a.PFS_6mo.value)} | ${pct(a.PFS_12mo.value)} | ${months(a.median_OS_months?.value ?? null)} | ${pct(a.OS_24mo?.value ?? null)}`,
    );
  if (r.differences.length) {
    lines.push(
      "",
      "against the first protocol: ORR difference (95 % CI) | PFS hazard ratio (95 % CI) | OS hazard ratio (95 % CI)",
    );
    for (const d of r.differences)
      lines.push(
        `${d.versus}: ${d.ORR.value === null ? "—" : (100 * -d.ORR.value).toFixed(1)} points (${d.ORR.ci[1] === null ? "—" : (-100 * d.ORR.ci[1]).toFixed(1)} to ${d.ORR.ci[0] === null ? "—" : (-100 * d.ORR.ci[0]).toFixed(1)}) | ${inverseHr(d.PFS_HR)} | ${inverseHr(d.OS_HR)}`,
      );
  }
  const beyond = r.evidence.filter((e) => e.extrapolated || e.agents.some((a) => a.basis === "class"));
  if (beyond.length)
    lines.push(
      "",
      ...beyond.map(
        (e) => `${e.arm}: ${e.extrapolated ? `beyond the calibration: ${e.reasons.join("; ")}` : e.note}`,
      ),
    );
  lines.push(
    "",
    "Research model output, not a clinical prediction: protocols outside the calibration set (docs/calibration.md) are extrapolations.",
    "Overall survival: from each virtual patient's tumour dynamics by the survival model set by hand on the calibration trials (catalog/survival.yaml); it does not see treatment after progression, so survival differences between protocols tend to be larger than a trial's.",
  );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

/** Reads protocol files and checks them against the rules: errors are listed, and stop the run unless `force`. */
export function loadCheckedProtocols(files: readonly string[], io: CliIO, force: boolean): Protocol[] {
  return files.map((f) => {
    const p = loadProtocol(path.resolve(io.cwd, f));
    const errors = validateProtocol(p).filter((x) => x.severity === "error");
    for (const e of errors) io.err(`${f}: ${e.path}: error: ${e.message}\n`);
    if (errors.length && !force)
      throw new UsageError(
        `${f}: ${errors.length} error(s) in the protocol (listed above; --force simulates anyway)`,
      );
    return p;
  });
}

export async function runPopulationCommand(
  kind: "run" | "compare",
  argv: string[],
  io: CliIO,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cancer: { type: "string" },
      patients: { type: "string" },
      seed: { type: "string" },
      stage: { type: "string" },
      pdl1: { type: "string" },
      "refractory-to": { type: "string" },
      vpop: { type: "string" },
      threads: { type: "string" },
      json: { type: "boolean" },
      out: { type: "string" },
      plot: { type: "string" },
      force: { type: "boolean" },
    },
  });
  // the catalog's names are read too (rcc, lbcl, prostate, "renal cell carcinoma", NSCLC)
  const cancer = (
    values.cancer === undefined ? undefined : readCancerName(values.cancer)?.type
  ) as CancerType;
  if (!(CANCER_TYPES as readonly string[]).includes(cancer))
    throw new UsageError(`--cancer: one of ${CANCER_TYPES.join(", ")}, not '${values.cancer}'`);
  if (kind === "run" && positionals.length !== 1) throw new UsageError("run needs one PROTOCOL");
  if (kind === "compare" && positionals.length < 2)
    throw new UsageError("compare needs two or more protocols");
  if (values.pdl1 !== undefined && !(PDL1_LEVELS as readonly string[]).includes(values.pdl1))
    throw new UsageError(`--pdl1: one of ${PDL1_LEVELS.join(", ")}, not '${values.pdl1}'`);
  const protocols = loadCheckedProtocols(positionals, io, values.force === true);
  const patients = numberOption(values.patients, "patients", { min: 1, max: 100_000 }) ?? 300;
  const seed = numberOption(values.seed, "seed", { min: 0, max: 2 ** 31 - 1 }) ?? 1;
  const threads = numberOption(values.threads, "threads", { min: 1, max: 256 });
  try {
    const r = await runOnPopulation({
      cancer,
      protocols,
      patients: Math.round(patients),
      seed: Math.round(seed),
      // a one-shot command: its own thread for small runs (simulate-batch.ts ONE_SHOT_LOCAL_MAX_PATIENTS)
      threads: threads ?? oneShotThreads(Math.round(patients) * protocols.length),
      vpopFile: values.vpop ? path.resolve(io.cwd, values.vpop) : undefined,
      population: {
        ...(values.stage ? { stage: values.stage.split(",").map((s) => s.trim()) } : {}),
        ...(values.pdl1 ? { pdl1: values.pdl1 as Pdl1Level } : {}),
        ...(values["refractory-to"]
          ? { refractory_to: values["refractory-to"].split(",").map((s) => s.trim()) }
          : {}),
      },
    });
    if (values.out) writeFileSync(path.resolve(io.cwd, values.out), JSON.stringify(r, null, 2) + "\n");
    if (values.plot)
      writeFileSync(
        path.resolve(io.cwd, values.plot),
        pfsSvg(r.arms, `${r.cancer}: progression-free survival`),
      );
    io.out(values.json ? JSON.stringify(r, null, 2) + "\n" : table(r));
    return 0;
  } catch (e) {
    if (e instanceof VpopError) {
      io.err(`immunoplan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
