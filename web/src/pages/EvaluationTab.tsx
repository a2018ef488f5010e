/** The case's evaluation: burden and therapeutic window, eligibility by modality, the records checklist. */
import { Alert, Button, Card, Group, List, Progress, Stack, Table, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { get } from "../api";
import { StatusBadge } from "../components/StatusBadge";
import { fmt } from "../format";
import { runJob, type Job } from "./CasePage";

interface Eligibility {
  modality: string;
  name: string;
  verdict: string;
  reasons: { rule: string; reason: string; source: string }[];
}
interface EvaluationResult {
  checklist: { id: string; what: string; status: string; detail: string }[];
  /** What does not fit together in the record (absent from evaluations stored before it existed). */
  findings?: { id: string; what: string; detail: string }[];
  eligibility: Eligibility[];
  burden: {
    date: string | null;
    sumOfDiametersMm: number | null;
    volumeCm3: number | null;
    cells: number | null;
    window: string;
    assumptions: string[];
  };
}

export function EvaluationTab({ caseId }: { caseId: string }) {
  const [result, setResult] = useState<EvaluationResult | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const list = await get<{ result: EvaluationResult }[]>(`/api/cases/${caseId}/evaluations`);
      setResult(list[0]?.result ?? null);
    } catch (e) {
      setError(`evaluations: ${(e as Error).message}`);
    }
  }, [caseId]);
  useEffect(() => void load(), [load]);
  const run = async () => {
    setError(null);
    try {
      const j = await runJob(caseId, "evaluate", {}, setJob);
      if (j.status !== "succeeded") setError(j.error ?? j.status);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Stack>
      <Group>
        <Button onClick={() => void run()} loading={job?.status === "running" || job?.status === "queued"}>
          Evaluate the case
        </Button>
        {error && (
          <Text c="red" role="alert">
            {error}
          </Text>
        )}
      </Group>
      {result && (
        <>
          {result.findings?.map((f) => (
            <Alert key={f.id} color="orange" title={`Consistency of the record: ${f.what}`}>
              {f.detail}
            </Alert>
          ))}
          <Card withBorder>
            <Title order={3}>Burden and therapeutic window</Title>
            <Text>
              {result.burden.date
                ? `On ${result.burden.date}: sum of diameters ${result.burden.sumOfDiametersMm} mm, ~${fmt(result.burden.volumeCm3 ?? 0)} cm³, ~${fmt(result.burden.cells ?? 0)} cells — `
                : ""}
              <StatusBadge status={result.burden.window} color="blue" />
            </Text>
            <Text size="sm" c="dimmed">
              Assumptions: {result.burden.assumptions.join("; ")}
            </Text>
          </Card>
          <Card withBorder>
            <Title order={3} mb="xs">
              Eligibility by modality
            </Title>
            <Table aria-label="eligibility">
              <Table.Tbody>
                {result.eligibility.map((e) => (
                  <Table.Tr key={e.modality}>
                    <Table.Td>{e.name}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={e.verdict} />
                    </Table.Td>
                    <Table.Td>
                      {e.reasons.map((r) => (
                        <Text size="sm" key={r.rule}>
                          {r.reason}{" "}
                          <Text span c="dimmed">
                            [{r.source}]
                          </Text>
                        </Text>
                      ))}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card withBorder>
            <Title order={3} mb="xs">
              Records checklist
            </Title>
            <List size="sm">
              {result.checklist.map((i) => (
                <List.Item key={i.id}>
                  <StatusBadge status={i.status} mr="xs" />
                  {i.what} — {i.detail}
                </List.Item>
              ))}
            </List>
          </Card>
        </>
      )}
      {job && (job.status === "running" || job.status === "queued") && (
        <Progress value={job.progress * 100} aria-label="evaluation progress" />
      )}
    </Stack>
  );
}
