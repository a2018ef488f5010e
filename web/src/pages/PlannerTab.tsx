import { Alert, Button, Card, Group, NumberInput, Progress, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { get } from "../api";
import { LogPlot, PALETTE, type PlotLine } from "../components/LogPlot";
import { candidateScore } from "../../../src/planner/score.js";
import {
  differencesFromFirst,
  differenceText,
  tiesSentence,
  vsFirstText,
  type ScoreDifference,
} from "../../../src/planner/ties.js";
import { StatusBadge } from "../components/StatusBadge";
import { fmt, formatQuantity, pct } from "../format";
import { runJob, type Job } from "./CasePage";
import { Editor } from "./PlanEditor";
import { cells, type PlanDoc, type PlanRow, type Weights } from "./planner-types";

export function PlannerTab({ caseId }: { caseId: string }) {
  const [rows, setRows] = useState<PlanRow[]>([]);
  const [plan, setPlan] = useState<PlanDoc | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const list = await get<PlanRow[]>(`/api/cases/${caseId}/plans`);
    setRows(list);
    if (list[0]) setPlan((await get<{ plan: PlanDoc }>(`/api/plans/${list[0].id}`)).plan);
  }, [caseId]);
  useEffect(() => void load(), [load]);
  const run = async () => {
    setError(null);
    try {
      const j = await runJob(caseId, "plan", { samples: 40, maxCandidates: 40 }, setJob);
      if (j.status !== "succeeded") setError(j.error ?? j.status);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const explained = plan?.candidates.filter((c) => c.bands) ?? [];
  const bandLines: PlotLine[] = explained.map((c, i) => ({
    label: c.id === "none" ? "no treatment" : `#${c.rank} ${c.id}`,
    values: cells(c.bands!.quantiles[2]),
    lower: cells(c.bands!.quantiles[1]),
    upper: cells(c.bands!.quantiles[3]),
    color: c.id === "none" ? "#868e96" : PALETTE[i % PALETTE.length],
  }));
  const current = rows[0];
  // the clinician's weights re-rank the simulated candidates at once (the score is a weighted sum)
  const [weights, setWeights] = useState<Weights | null>(null);
  const w = weights ?? plan?.weights ?? null;
  const rankedTies = useMemo(() => {
    if (!plan || !w) return { rows: [], ties: null };
    const sorted = [...plan.candidates]
      .map((c) => ({ ...c, score: candidateScore(c.outcome, c.toxicity, c.burden, w) }))
      .sort((a, b) => b.score - a.score || a.toxicity.score - b.toxicity.score || a.id.localeCompare(b.id))
      .map((c, i) => ({ ...c, rank: i + 1 }));
    // the first choice under these weights, and each candidate's score difference from it with its Monte Carlo
    // error over the paired posterior samples (src/planner/ties.ts; plans made before it have no per-sample data)
    const first = sorted.find((c) => c.id !== "none");
    const ties = differencesFromFirst(sorted, first?.id ?? null, w, plan.ties?.ess ?? Infinity);
    return {
      rows: sorted.map((c) => ({
        ...c,
        first: c === first,
        difference: ties?.differences.get(c.id) ?? null,
      })),
      ties,
    };
  }, [plan, w]);
  const ranked = rankedTies.rows;
  const tied = ranked.filter((c) => c.difference?.tiedWithFirst);
  const tiesLine =
    plan?.ties && rankedTies.ties && rankedTies.ties.differences.size > 0
      ? tiesSentence(rankedTies.ties.tied.length, rankedTies.ties.nEff)
      : null;
  const vsFirst = (c: { first: boolean; difference: ScoreDifference | null }) =>
    vsFirstText(c.first, c.difference);
  const sel = ranked.find((c) => c.id === selected);
  return (
    <Stack>
      <Group>
        <Button onClick={() => void run()} loading={job?.status === "running" || job?.status === "queued"}>
          Plan candidate protocols
        </Button>
        {current && (
          <Text size="sm">
            Latest plan: {new Date(current.createdAt).toLocaleString()} —{" "}
            <StatusBadge status={current.status} />
            {current.chosen ? ` (${current.chosen})` : ""}
          </Text>
        )}
        <Button
          component="a"
          variant="default"
          href={current ? `/api/plans/${current.id}/report?format=pdf` : undefined}
          disabled={!current}
        >
          Report (PDF)
        </Button>
        <Button
          component="a"
          variant="default"
          target="_blank"
          href={current ? `/api/plans/${current.id}/report?format=html` : undefined}
          disabled={!current}
        >
          Report (HTML)
        </Button>
      </Group>
      {job && (job.status === "running" || job.status === "queued") && (
        <div>
          <Text size="sm">{job.stage}</Text>
          <Progress value={job.progress * 100} aria-label="planning progress" />
        </div>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {plan && (
        <>
          {(plan.flags ?? []).length > 0 && (
            // role status: a standing warning of this plan, not an error of the page
            <Alert
              color="red"
              role="status"
              title="Read the ranking with these warnings"
              data-testid="plan-flags"
            >
              {(plan.flags ?? []).map((f) => (
                <Text key={f} size="sm">
                  {f}
                </Text>
              ))}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            {plan.model === "clinical"
              ? "Model: the calibrated clinical model (virtual population of the cancer type, updated by the patient's scans)."
              : "Model: the de Pillis-based core model (no calibrated population for this cancer type)."}
          </Text>
          {plan.notes
            .filter((n) => !(plan.flags ?? []).includes(n))
            .map((n) => (
              <Text key={n} size="sm">
                {n}
              </Text>
            ))}
          <LogPlot
            title="Predicted tumor cells: median and 25–75 % of the posterior samples"
            x={explained[0]?.bands?.days ?? []}
            lines={bandLines}
            xLabel="day of the protocol (days)"
            yLabel="tumor cells (cells, log scale)"
          />
          {w && (
            <Group align="end" aria-label="ranking weights">
              {(["control", "elimination", "toxicity", "burden"] as const).map((k) => (
                <NumberInput
                  key={k}
                  label={`Weight: ${k}`}
                  w={150}
                  min={0}
                  step={0.05}
                  decimalScale={2}
                  value={w[k]}
                  onChange={(v) => typeof v === "number" && v >= 0 && setWeights({ ...w, [k]: v })}
                />
              ))}
              <Text size="xs" c="dimmed" maw={420}>
                {plan.scoreFormula}
              </Text>
            </Group>
          )}
          {tiesLine && (
            <Text size="sm" data-testid="plan-ties">
              {tiesLine}
              {tied.length > 0 &&
                ` Tied with the first choice: ${tied.map((c) => `#${c.rank} ${c.name} (score difference ${differenceText(c.difference!)})`).join("; ")}.`}
            </Text>
          )}
          <Table striped highlightOnHover aria-label="ranked candidates" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Candidate</Table.Th>
                <Table.Th>Control 6 / 12 mo</Table.Th>
                <Table.Th>Elimination 12 mo</Table.Th>
                <Table.Th>Median TTP</Table.Th>
                <Table.Th>P(grade ≥ 3 AE)</Table.Th>
                <Table.Th title="Whether calibration or label trials of this cancer type give every agent and their combination">
                  Trials
                </Table.Th>
                <Table.Th>Score</Table.Th>
                {plan.ties && <Table.Th title={plan.ties.method}>vs first choice (± 1.96 SE)</Table.Th>}
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ranked.slice(0, 15).map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.rank}</Table.Td>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>
                    {pct(c.outcome.pControl[0])} / {pct(c.outcome.pControl[1])}
                  </Table.Td>
                  <Table.Td>{pct(c.outcome.pElimination[1])}</Table.Td>
                  <Table.Td>
                    {c.outcome.medianTtpDays === null ? "not reached" : `${c.outcome.medianTtpDays} d`}
                  </Table.Td>
                  <Table.Td>
                    {c.toxicity.pAny === undefined
                      ? c.toxicity.score.toFixed(2)
                      : `${c.toxicity.lowerBound ? "≥ " : ""}${pct(c.toxicity.pAny)}`}
                  </Table.Td>
                  <Table.Td
                    title={c.evidence?.reasons.join("; ") || undefined}
                    data-testid={`evidence-${c.id}`}
                  >
                    {c.evidence === undefined ? "—" : c.evidence.extrapolated ? "beyond" : "within"}
                  </Table.Td>
                  <Table.Td>{c.score.toFixed(3)}</Table.Td>
                  {plan.ties && <Table.Td>{vsFirst(c)}</Table.Td>}
                  <Table.Td>
                    <Button size="compact-xs" onClick={() => setSelected(c.id)} aria-label={`open ${c.id}`}>
                      Open
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {sel && current && (
            <Editor
              key={sel.id}
              caseId={caseId}
              plan={plan}
              planId={current.id}
              candidate={sel}
              planStatus={current.status}
              onApproved={() => void load()}
            />
          )}
          <Card withBorder>
            <Title order={3} size="h4" mb="xs">
              The patient&apos;s model
            </Title>
            <Text size="sm" mb="xs" data-testid="patient-model">
              {plan.clinical ? (
                <>
                  Updated by {plan.personalization.observations.length} scan(s) (
                  {plan.personalization.observations.map((o) => `${o.date}: ${o.sldMm} mm`).join("; ")}) with
                  the recorded treatments simulated
                  {plan.clinical.leadIn ? ` from ${plan.clinical.leadIn.from}` : ""}; importance sampling over{" "}
                  {plan.clinical.distinct ?? "the"} virtual patients
                  {plan.clinical.smc
                    ? ` (effective sample size ${plan.clinical.smc.importanceEss.toFixed(1)}), then sequential Monte Carlo over ${plan.clinical.smc.particles} particles in ${plan.clinical.smc.stages.length} tempering steps${plan.clinical.smc.complete ? "" : " (stopped before the full likelihood)"}`
                    : ""}
                  , effective sample size {Math.round(plan.clinical.ess)} (
                  {plan.clinical.converged ? "converged" : "NOT converged"}); tumor cells on day 0 ~
                  {fmt(plan.personalization.burdenAtStart.median)}.
                </>
              ) : (
                <>
                  Fitted to {plan.personalization.observations.length} scan(s) of untreated growth (
                  {plan.personalization.observations.map((o) => `${o.date}: ${o.sldMm} mm`).join("; ")}); MCMC{" "}
                  {plan.personalization.converged ? "converged" : "NOT converged"}; tumor cells on day 0 ~
                  {fmt(plan.personalization.burdenAtStart.median)}.
                </>
              )}
            </Text>
            <Table fz="sm" aria-label="posterior">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Parameter</Table.Th>
                  <Table.Th>Median</Table.Th>
                  <Table.Th>95 % interval</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plan.personalization.posterior.map((q) => (
                  <Table.Tr key={q.name}>
                    <Table.Td title={q.description}>{q.name}</Table.Td>
                    <Table.Td>{formatQuantity(fmt(q.median), q.unit)}</Table.Td>
                    <Table.Td>
                      {fmt(q.lower95)} – {fmt(q.upper95)}
                    </Table.Td>
                    <Table.Td title={q.source}>
                      {q.informedByData ? "the scans and the prior" : `the prior (${q.prior})`}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          {plan.explanations[0] && (
            <Card withBorder>
              <Title order={3} size="h4">
                What the model cannot know
              </Title>
              {plan.explanations[0].cannotKnow.map((k) => (
                <Text size="sm" key={k}>
                  • {k}
                </Text>
              ))}
            </Card>
          )}
        </>
      )}
    </Stack>
  );
}
