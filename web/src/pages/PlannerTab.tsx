import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { get, post } from "../api";
import { LogPlot, PALETTE, type PlotLine } from "../components/LogPlot";
import { Timeline } from "../components/Timeline";
import { candidateScore, type ScoreWeights } from "../../../src/planner/score.js";
import { readableMessage } from "../../../src/clinic/readable-message.js";
import { StatusBadge } from "../components/StatusBadge";
import { fmt, formatQuantity, pct, type Protocol } from "../format";
import { modelText, simulate } from "../sim";
import { runJob, type Job } from "./CasePage";

interface Candidate {
  rank: number;
  id: string;
  name: string;
  protocol: Protocol;
  outcome: { pControl: number[]; pElimination: number[]; medianTtpDays: number | null };
  /** pAny: P(grade ≥ 3 adverse event) (plans before issue 14 have only a score, a count of risks). */
  toxicity: { score: number; pAny?: number; lowerBound?: boolean };
  burden: { score: number };
  score: number;
  bands?: { days: number[]; quantiles: number[][] };
}
type Weights = ScoreWeights;
interface PlanDoc {
  personalization: {
    observations: { date: string; sldMm: number }[];
    converged: boolean;
    burdenAtStart: { median: number };
    posterior: {
      name: string;
      description: string;
      unit: string;
      median: number;
      lower95: number;
      upper95: number;
      informedByData: boolean;
      prior: string;
      source: string;
    }[];
  };
  weights: Weights;
  scoreFormula: string;
  date: string;
  disclaimer: string;
  horizonDays: number;
  candidates: Candidate[];
  recommended: string | null;
  notes: string[];
  samples: { set: Record<string, number>; initial: Record<string, number> }[];
  /** "clinical": the calibrated clinical model (predictions are made on the server); absent or "core": the core model. */
  model?: "clinical" | "core";
  /** Warnings the plan repeats wherever it is shown (not converged, decisive parameters from the prior only, prior sensitivity). */
  flags?: string[];
  explanations: {
    id: string;
    steps: { clinicStep: string; targets: string; without: { pControl: number[] } | null }[];
    cannotKnow: string[];
  }[];
}
interface PlanRow {
  id: string;
  status: string;
  chosen: string | null;
  createdAt: string;
}
interface Compiled {
  problems: { path: string; severity: string; message: string }[];
  compiled: { modules: string[]; doses: unknown[]; set: Record<string, number> } | null;
}

const cells = (log10: number[]) => log10.map((v) => Math.pow(10, v) - 1);

/** Why a typed dose is impossible (empty, not a number, zero or negative), or null. */
function doseError(v: number | string | undefined): string | null {
  if (v === undefined) return null;
  if (v === "" || typeof v !== "number" || !Number.isFinite(v)) return "enter a dose";
  return v > 0 ? null : "must be above 0";
}

/** The candidate's protocol, editable: days of each step (shift or list) and doses; the prediction follows. */
function Editor({
  caseId,
  plan,
  planId,
  candidate,
  onApproved,
  planStatus,
}: {
  caseId: string;
  plan: PlanDoc;
  planId: string;
  candidate: Candidate;
  onApproved: () => void;
  /** Only a draft can be approved; afterwards the Follow-up tab starts, completes or withdraws it. */
  planStatus: string;
}) {
  const [protocol, setProtocol] = useState<Protocol>(() => structuredClone(candidate.protocol));
  const [original, setOriginal] = useState<{
    days: number[];
    bands: number[][];
    p: number;
    n: number;
  } | null>(null);
  const [edited, setEdited] = useState<{
    days: number[];
    bands: number[][];
    p: number;
    ms: number;
    n: number;
  } | null>(null);
  const [problems, setProblems] = useState<Compiled["problems"]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // what the clinician typed in each dose field (an impossible value stays there, with its error, and blocks approval)
  const [doseTyped, setDoseTyped] = useState<Record<string, number | string>>({});
  const [acknowledged, setAcknowledged] = useState(false);
  const converged = plan.personalization.converged;
  const clinicalModel = plan.model === "clinical";
  const samples = useMemo(() => plan.samples.slice(0, 40), [plan.samples]);
  const seq = useRef(0);

  const predict = useCallback(
    async (p: Protocol) => {
      const t = performance.now();
      const c = await post<Compiled>(`/api/cases/${caseId}/compile-protocol`, { protocol: p });
      setProblems(c.problems);
      if (!c.compiled) return null;
      if (clinicalModel) {
        // the clinical model's samples are whole virtual patients: the server simulates them (a worker thread)
        const r = await post<{ days: number[]; bands: number[][]; pElimination: number[]; samples: number }>(
          `/api/plans/${planId}/predict`,
          { protocol: p },
        );
        return {
          days: r.days,
          bands: r.bands,
          p: r.pElimination.at(-1) ?? NaN,
          ms: performance.now() - t,
          n: r.samples,
        };
      }
      const text = await modelText("immunoplan-core");
      const r = await simulate<"bands">({
        kind: "bands",
        modelText: text,
        modules: c.compiled.modules,
        set: c.compiled.set,
        doses: c.compiled.doses as never,
        samples,
        horizon: plan.horizonDays,
      });
      return { days: r.days, bands: r.bands, p: r.pEliminated, ms: performance.now() - t, n: samples.length };
    },
    [caseId, samples, plan.horizonDays, clinicalModel, planId],
  );
  useEffect(() => {
    void predict(candidate.protocol).then((r) => r && setOriginal(r));
  }, [candidate.protocol, predict]);
  const changed = JSON.stringify(protocol) !== JSON.stringify(candidate.protocol);
  useEffect(() => {
    if (!changed) {
      setEdited(null);
      return;
    }
    const my = ++seq.current;
    const timer = setTimeout(() => {
      void predict(protocol).then((r) => {
        if (my === seq.current) setEdited(r);
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [protocol, changed, predict]);

  const update = (
    pi: number,
    si: number,
    patch: (s: Protocol["phases"][number]["steps"][number]) => void,
  ) => {
    setProtocol((p) => {
      const next = structuredClone(p);
      patch(next.phases[pi].steps[si]);
      return next;
    });
  };
  const approve = async () => {
    try {
      await post(`/api/plans/${planId}/approve`, {
        chosen: candidate.id,
        ...(changed ? { protocol } : {}),
        ...(converged ? {} : { acknowledgeNotConverged: acknowledged }),
      });
      setMessage({ ok: true, text: "Approved: the patient now sees this plan." });
      onApproved();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  // impossible values in the fields, named by field; the server checks the same (and the label maximum)
  const inputErrors = protocol.phases.flatMap((ph, pi) =>
    ph.steps.flatMap((s, si) => {
      const e = doseError(doseTyped[`${pi}-${si}`]);
      return e ? [{ key: `${pi}-${si}`, text: `dose of ${s.agent}: ${e}` }] : [];
    }),
  );
  const serverErrors = problems.filter((p) => p.severity === "error");
  const approvable =
    planStatus === "draft" && !inputErrors.length && !serverErrors.length && (converged || acknowledged);
  const lines: PlotLine[] = [];
  if (original)
    lines.push({
      label: "as generated (median)",
      values: cells(original.bands[2]),
      lower: cells(original.bands[1]),
      upper: cells(original.bands[3]),
      color: PALETTE[0],
    });
  if (edited)
    lines.push({
      label: "edited (median)",
      values: cells(edited.bands[2]),
      lower: cells(edited.bands[1]),
      upper: cells(edited.bands[3]),
      color: PALETTE[1],
    });
  return (
    <Card withBorder aria-label="protocol editor">
      <Title order={3}>
        #{candidate.rank} {candidate.name}
      </Title>
      <Timeline
        protocol={protocol}
        horizon={plan.horizonDays}
        onShift={(pi, si, delta) =>
          update(pi, si, (x) => (x.days = (x.days as number[]).map((d) => Math.max(0, d + delta))))
        }
      />
      <Table fz="sm" aria-label="protocol steps">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Agent</Table.Th>
            <Table.Th>Dose</Table.Th>
            <Table.Th>Days (within the phase)</Table.Th>
            <Table.Th>Move</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {protocol.phases.flatMap((ph, pi) =>
            ph.steps.map((s, si) => (
              <Table.Tr key={`${pi}-${si}`}>
                <Table.Td>{ph.name}</Table.Td>
                <Table.Td>{s.agent}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <NumberInput
                      aria-label={`dose of ${s.agent}`}
                      w={130}
                      value={doseTyped[`${pi}-${si}`] ?? s.dose.value}
                      error={doseError(doseTyped[`${pi}-${si}`])}
                      onChange={(v) => {
                        setDoseTyped((t) => ({ ...t, [`${pi}-${si}`]: v }));
                        if (typeof v === "number" && v > 0) update(pi, si, (x) => (x.dose.value = v));
                      }}
                    />
                    <Text size="sm">{s.dose.unit}</Text>
                  </Group>
                  {(s.dose_override_reason !== undefined ||
                    problems.some(
                      (p) =>
                        p.path === `phases[${pi}].steps[${si}].dose.value` && /label maximum/.test(p.message),
                    )) && (
                    <TextInput
                      mt={4}
                      size="xs"
                      label={`Why ${s.agent} above the label maximum`}
                      value={s.dose_override_reason ?? ""}
                      onChange={(e) => {
                        const reason = e.currentTarget.value;
                        update(pi, si, (x) => {
                          if (reason.trim().length >= 3) x.dose_override_reason = reason;
                          else delete x.dose_override_reason;
                        });
                      }}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  {Array.isArray(s.days) ? (
                    <TextInput
                      key={s.days.join(",")}
                      aria-label={`days of ${s.agent}`}
                      defaultValue={s.days.join(", ")}
                      onBlur={(e) => {
                        const d = e.currentTarget.value.split(",").map((x) => Number(x.trim()));
                        if (d.length && d.every((x) => Number.isFinite(x) && x >= 0))
                          update(pi, si, (x) => (x.days = d));
                      }}
                    />
                  ) : (
                    <Text size="sm">every {s.days.every} days</Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {Array.isArray(s.days) && (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="default"
                        aria-label={`move ${s.agent} one day earlier`}
                        onClick={() =>
                          update(
                            pi,
                            si,
                            (x) => (x.days = (x.days as number[]).map((d) => Math.max(0, d - 1))),
                          )
                        }
                      >
                        −1 d
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="default"
                        aria-label={`move ${s.agent} one day later`}
                        onClick={() =>
                          update(pi, si, (x) => (x.days = (x.days as number[]).map((d) => d + 1)))
                        }
                      >
                        +1 d
                      </Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            )),
          )}
        </Table.Tbody>
      </Table>
      {inputErrors.map((e) => (
        <Alert key={e.key} color="red" mt={4} role="alert">
          {e.text}
        </Alert>
      ))}
      {problems.map((p, i) => (
        <Alert key={i} color={p.severity === "error" ? "red" : "yellow"} mt={4} role="status">
          {readableMessage(`${p.path}: ${p.message}`)}
        </Alert>
      ))}
      {original && (
        <LogPlot
          title={`Predicted tumor cells (${original.n} posterior samples, ${clinicalModel ? "calibrated clinical model, on the server" : "in this browser"})`}
          x={(edited ?? original).days}
          lines={lines}
          xLabel="day of the protocol (days)"
          yLabel="tumor cells (cells, log scale)"
        />
      )}
      <Text size="sm" aria-live="polite" data-testid="prediction-status">
        {original ? `As generated: eliminated in ${pct(original.p)} of samples.` : "Simulating…"}{" "}
        {edited
          ? `Edited: eliminated in ${pct(edited.p)} of samples (updated in ${Math.round(edited.ms)} ms).`
          : ""}
      </Text>
      {!converged && (
        <Alert color="red" mt="sm" role="alert" title="The patient's model did not converge">
          The personalization did not converge (R-hat ≥ 1.1 for some parameter): the predictions above are
          unreliable. Plan again with more MCMC draws, or approve only if you decide without them.
          <Checkbox
            mt="xs"
            label="I have read this warning and approve anyway"
            checked={acknowledged}
            onChange={(e) => setAcknowledged(e.currentTarget.checked)}
          />
        </Alert>
      )}
      <Group mt="sm">
        <Button onClick={() => void approve()} color="green" disabled={!approvable}>
          {changed ? "Approve this edited protocol" : "Approve this candidate"}
        </Button>
        {planStatus !== "draft" && (
          <Text size="sm" c="dimmed">
            This plan is {planStatus}: start, complete or withdraw it in the Follow-up tab.
          </Text>
        )}
        {changed && (
          <Button variant="default" onClick={() => setProtocol(structuredClone(candidate.protocol))}>
            Undo edits
          </Button>
        )}
      </Group>
      {message && (
        <Alert mt="sm" color={message.ok ? "green" : "red"} role="status">
          {message.text}
        </Alert>
      )}
    </Card>
  );
}

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
  const ranked = useMemo(() => {
    if (!plan || !w) return [];
    return [...plan.candidates]
      .map((c) => ({ ...c, score: candidateScore(c.outcome, c.toxicity, c.burden, w) }))
      .sort((a, b) => b.score - a.score || a.toxicity.score - b.toxicity.score || a.id.localeCompare(b.id))
      .map((c, i) => ({ ...c, rank: i + 1 }));
  }, [plan, w]);
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
          <Table striped highlightOnHover aria-label="ranked candidates" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Candidate</Table.Th>
                <Table.Th>Control 6 / 12 mo</Table.Th>
                <Table.Th>Elimination 12 mo</Table.Th>
                <Table.Th>Median TTP</Table.Th>
                <Table.Th>P(grade ≥ 3 AE)</Table.Th>
                <Table.Th>Score</Table.Th>
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
                  <Table.Td>{c.score.toFixed(3)}</Table.Td>
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
            <Text size="sm" mb="xs">
              Fitted to {plan.personalization.observations.length} scan(s) of untreated growth (
              {plan.personalization.observations.map((o) => `${o.date}: ${o.sldMm} mm`).join("; ")}); MCMC{" "}
              {plan.personalization.converged ? "converged" : "NOT converged"}; tumor cells on day 0 ~
              {fmt(plan.personalization.burdenAtStart.median)}.
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
