// The planner tab's protocol editor: one candidate's steps, editable (days and doses), with its prediction
// re-simulated as it changes, the problems the server finds, and the approval.
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { post } from "../api";
import { LogPlot, PALETTE, type PlotLine } from "../components/LogPlot";
import { Timeline } from "../components/Timeline";
import { readableMessage } from "../../../src/clinic/readable-message.js";
import { pct, type Protocol } from "../format";
import { modelText, simulate } from "../sim";
import { cells, type Candidate, type Compiled, type PlanDoc } from "./planner-types";

/** Why a typed dose is impossible (empty, not a number, zero or negative), or null. */
function doseError(v: number | string | undefined): string | null {
  if (v === undefined) return null;
  if (v === "" || typeof v !== "number" || !Number.isFinite(v)) return "enter a dose";
  return v > 0 ? null : "must be above 0";
}

/** The candidate's protocol, editable: days of each step (shift or list) and doses; the prediction follows. */
export function Editor({
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
          {clinicalModel
            ? "The personalization did not converge (too few virtual patients explain the scans: effective sample size below 20): the predictions above are unreliable. Approve only if you decide without them."
            : "The personalization did not converge (R-hat ≥ 1.1 for some parameter): the predictions above are unreliable. Plan again with more MCMC draws, or approve only if you decide without them."}
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
