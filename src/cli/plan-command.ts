import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadCase } from "../clinic/case-file.js";
import { MIN_POSTERIOR_ESS } from "../planner/clinical-personalize.js";
import { planCase, type Plan } from "../planner/plan.js";
import { tieCell, tieLines } from "../planner/plan-ties.js";
import { parseWeights, planningData } from "../planner/planning-data.js";
import { formatProbability as pct } from "../planner/report-figures.js";
import { renderPlanHtml, toxicityPct, ttpText } from "../planner/report-html.js";
import { renderPlanPdf } from "../planner/report-pdf.js";
import { dateOption, formatTable, numberOption, UsageError, type CliIO } from "./io.js";

export const PLAN_USAGE = `usage: immunoplan plan CASE.json [--out plan.json] [--report plan.html] [--pdf plan.pdf]
         [--date YYYY-MM-DD] [--samples N] [--max-candidates N] [--horizon DAYS]
         [--weights control=1,elimination=1,toxicity=0.1,burden=0.05] [--threads N] [--seed N] [--json]
  Fits the core model to the case's scans (posterior samples), generates the candidate protocols the evaluation
  and the sequencing rules allow, simulates each on every sample in parallel, ranks them by the weights and
  explains the best three. Prints a summary (or the plan as JSON with --json); --out, --report and --pdf write
  the plan, an HTML report and a PDF report. Decision support only: the clinician decides.`;

const OPTIONS = {
  out: { type: "string" },
  report: { type: "string" },
  pdf: { type: "string" },
  date: { type: "string" },
  samples: { type: "string" },
  "max-candidates": { type: "string" },
  horizon: { type: "string" },
  weights: { type: "string" },
  threads: { type: "string" },
  seed: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A one-line progress bar on an interactive stderr. */
function progress(io: CliIO): (stage: string, done: number, total: number) => void {
  let last = "";
  return (stage, done, total) => {
    if (!io.interactive) return;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    const line = `\r${stage.padEnd(32)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
    if (line === last) return;
    last = line;
    io.err(line + (done === total ? "\n" : ""));
  };
}

export function planSummary(plan: Plan): string {
  const lines = [
    `Plan for case ${plan.caseId} (day 0 = ${plan.date}) — ${plan.disclaimer}`,
    "",
    `Personalized model: ${plan.personalization.observations.length} scan(s), tumor cells on day 0 ${plan.personalization.burdenAtStart.median.toExponential(2)} (95 % ${plan.personalization.burdenAtStart.lower95.toExponential(1)}–${plan.personalization.burdenAtStart.upper95.toExponential(1)}); ${
      plan.clinical
        ? `${plan.clinical.smc ? `importance sampling (effective sample size ${plan.clinical.smc.importanceEss.toFixed(1)}), then sequential Monte Carlo (${plan.clinical.smc.particles} particles, ${plan.clinical.smc.stages.length} tempering steps, ${plan.clinical.smc.distinct} distinct patients)` : "importance sampling"}, effective sample size ${plan.clinical.ess.toFixed(0)}: ${plan.clinical.converged ? "converged" : `NOT converged (< ${MIN_POSTERIOR_ESS})`}`
        : plan.personalization.converged
          ? "MCMC converged"
          : "MCMC NOT converged (R-hat ≥ 1.1)"
    }`,
    `${plan.candidates.length} candidates × ${plan.personalization.samples} samples (${plan.simulations} simulations); weights ${Object.entries(
      plan.weights,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
    ...plan.notes.map((n) => `  ${n}`),
    "",
    ...formatTable(
      [
        [
          "#",
          "control 6/12 mo",
          "elimination 6/12 mo",
          "median TTP",
          "P(best)",
          "P(grade≥3 AE)",
          "score",
          ...(plan.ties ? ["vs first (± 1.96 SE)"] : []),
          "candidate",
        ],
        ...plan.candidates
          .slice(0, 10)
          .map((c) => [
            String(c.rank),
            `${pct(c.outcome.pControl[0])} / ${pct(c.outcome.pControl[1])}`,
            `${pct(c.outcome.pElimination[0])} / ${pct(c.outcome.pElimination[1])}`,
            ttpText(c.outcome, plan.horizonDays),
            pct(c.pBest),
            toxicityPct(c),
            c.score.toFixed(3),
            ...(plan.ties ? [tieCell(plan, c)] : []),
            c.name,
          ]),
      ],
      [true, true, true, false, true, true, true, ...(plan.ties ? [true] : []), false],
    ).map((l) => `  ${l}`),
    // near the ranking's first choice: which candidates it cannot be told apart from at this posterior size
    ...tieLines(plan).map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)),
  ];
  const x = plan.explanations[0];
  if (x) {
    const c = plan.candidates.find((k) => k.id === x.id)!;
    lines.push(
      "",
      `Why the steps of #${c.rank} are there (the model at 12 months, with → without the step):`,
    );
    for (const s of x.steps)
      lines.push(
        `  ${s.clinicStep}: ${s.agents.map((a) => a.name).join(", ")} — ${s.targets}; control ${pct(c.outcome.pControl[1])} → ${s.without ? pct(s.without.pControl[1]) : "n/a"}, elimination ${pct(c.outcome.pElimination[1])} → ${s.without ? pct(s.without.pElimination[1]) : "n/a"}`,
      );
    lines.push("", "What the model cannot know:", ...x.cannotKnow.map((k) => `  - ${k}`));
  }
  return lines.join("\n") + "\n";
}

export async function runPlanCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: OPTIONS,
  });
  if (values.help) {
    io.out(PLAN_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? `expected one CASE, got ${positionals.length}` : "missing CASE",
    );
  dateOption(values.date, "date");
  let weights;
  try {
    const { source: _source, ...defaults } = planningData().weights;
    void _source;
    weights = parseWeights(values.weights, defaults);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
  const c = loadCase(path.resolve(io.cwd, positionals[0]));
  const plan = await planCase(c, {
    date: values.date,
    samples: numberOption(values.samples, "samples", { min: 4, max: 10000 }),
    maxCandidates: numberOption(values["max-candidates"], "max-candidates", { min: 1, max: 100000 }),
    horizon: numberOption(values.horizon, "horizon", { min: 30, max: 3650 }),
    threads: numberOption(values.threads, "threads", { min: 1, max: 256 }),
    seed: numberOption(values.seed, "seed", { min: 0, max: 2 ** 31 }),
    weights,
    onProgress: progress(io),
  });
  const file = (f: string) => path.resolve(io.cwd, f);
  if (values.out) writeFileSync(file(values.out), JSON.stringify(plan, null, 1) + "\n");
  if (values.report) writeFileSync(file(values.report), renderPlanHtml(plan));
  if (values.pdf) writeFileSync(file(values.pdf), await renderPlanPdf(plan));
  io.out(values.json ? JSON.stringify(plan, null, 1) + "\n" : planSummary(plan));
  return 0;
}
