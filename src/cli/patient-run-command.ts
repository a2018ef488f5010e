/**
 * `immunoplan run PROTOCOL --patient case.json` and `compare P1 P2 … --patient case.json`: the protocols on the
 * patient's own calibrated model — the calibrated population of the case's cancer type conditioned on the record
 * and updated by its scans (as `plan` does) — summarized per protocol: response, control, elimination, time to
 * progression and the sum of diameters. `--model core` keeps the de Pillis-based core model.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { loadCase } from "../clinic/case-file.js";
import { clinicalPersonalization } from "../planner/plan-clinical.js";
import { candidateEvidence } from "../planner/plan-safeguards.js";
import { PersonalizationError } from "../planner/personalize.js";
import { simulateAll } from "../planner/pool.js";
import { numberOption, UsageError, type CliIO } from "./io.js";
import { loadCheckedProtocols } from "./population-commands.js";

const pct = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "—" : `${Math.round(100 * x)} %`;

export async function runPatientCommand(kind: "run" | "compare", argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      patient: { type: "string" },
      date: { type: "string" },
      samples: { type: "string" },
      horizon: { type: "string" },
      threads: { type: "string" },
      seed: { type: "string" },
      vpop: { type: "string" },
      json: { type: "boolean" },
      force: { type: "boolean" },
      model: { type: "string" },
    },
  });
  if (kind === "run" && positionals.length !== 1) throw new UsageError("run needs one PROTOCOL");
  if (kind === "compare" && positionals.length < 2)
    throw new UsageError("compare needs two or more protocols");
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    throw new UsageError(`--date: a date YYYY-MM-DD, not '${date}'`);
  const c = loadCase(path.resolve(io.cwd, values.patient!));
  const protocols = loadCheckedProtocols(positionals, io, values.force === true).map((protocol, i) => ({
    file: positionals[i],
    protocol,
  }));
  const samples = numberOption(values.samples, "samples", { min: 10, max: 2000 }) ?? 100;
  const horizon = numberOption(values.horizon, "horizon", { min: 28, max: 3650 }) ?? 365;
  const threads = numberOption(values.threads, "threads", { min: 1, max: 256 });
  const seed = numberOption(values.seed, "seed", { min: 0, max: 2 ** 31 - 1 }) ?? 1;
  let personal;
  try {
    personal = await clinicalPersonalization(c, {
      startDate: date,
      samples: Math.round(samples),
      seed: Math.round(seed),
      vpopFile: values.vpop ? path.resolve(io.cwd, values.vpop) : undefined,
      threads,
    });
  } catch (e) {
    if (e instanceof PersonalizationError) throw new UsageError(`${values.patient}: ${e.message}`);
    throw e;
  }
  if (!personal)
    throw new UsageError(
      `${values.patient}: no calibrated population for this cancer type (use --model core)`,
    );
  const { pers, clin } = personal;
  const outcomes = await simulateAll(
    protocols.map((p) => ({
      protocol: p.protocol,
      patient: pers.patient,
      samples: [],
      clinical: clin.samples,
      horizon: Math.round(horizon),
    })),
    { threads },
  );
  // what stands behind each protocol in the case's cancer type (its calibration or label trials, or none)
  const evidence = candidateEvidence(
    clin.prior.file,
    protocols.map((p, i) => ({ id: String(i), name: p.protocol.name, protocol: p.protocol })),
  );
  const week12 = Math.min(12, Math.floor(horizon / 7));
  const rows = protocols.map((p, i) => {
    const o = outcomes[i];
    return {
      protocol: p.protocol.name,
      file: p.file,
      samples: o.samples,
      failures: o.failures.length,
      pResponse: o.pResponse ?? null,
      pComplete: o.pComplete ?? null,
      pControl: o.pControl,
      pElimination: o.pElimination,
      medianTtpDays: o.medianTtp,
      sldMm: {
        day: o.days[week12],
        median: o.sldBands?.[2][week12] ?? null,
        lower90: o.sldBands?.[0][week12] ?? null,
        upper90: o.sldBands?.[4][week12] ?? null,
      },
      ...(evidence?.has(String(i)) ? { evidence: evidence.get(String(i)) } : {}),
    };
  });
  const summary = {
    case: c.id,
    date,
    model: "clinical",
    personalization: {
      prior: clin.prior,
      ess: clin.ess,
      converged: clin.converged,
      history: clin.history,
      ppc: clin.ppc,
    },
    protocols: rows,
  };
  if (values.json) {
    io.out(JSON.stringify(summary, null, 2) + "\n");
    return 0;
  }
  const lines = [
    `${c.id} on ${date}: ${pers.fitMethod}; ${pers.convergence}`,
    ...(clin.converged ? [] : ["WARNING: the posterior did not converge: these figures are unreliable"]),
    "",
    `protocol | response | control 6 mo | control 12 mo | elimination 12 mo | median time to progression | sum of diameters at day ${rows[0]?.sldMm.day ?? "—"} (median, 90 %)`,
    ...rows.map(
      (r) =>
        `${r.protocol} | ${pct(r.pResponse ?? undefined)} | ${pct(r.pControl[0])} | ${pct(r.pControl[1])} | ${pct(r.pElimination[1])} | ${r.medianTtpDays === null ? `> ${horizon} d` : `${Math.round(r.medianTtpDays)} d`} | ${r.sldMm.median === null ? "—" : `${r.sldMm.median.toFixed(0)} mm (${r.sldMm.lower90!.toFixed(0)}–${r.sldMm.upper90!.toFixed(0)})`}`,
    ),
    ...rows.flatMap((r) =>
      r.evidence?.extrapolated
        ? [`${r.protocol}: beyond the calibration: ${r.evidence.reasons.join("; ")}`]
        : [],
    ),
    "",
    "Research model output for decision support (docs/planning.md): the calibration reproduces trial populations, not this patient.",
  ];
  io.out(lines.join("\n") + "\n");
  return 0;
}
