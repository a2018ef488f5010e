import {
  Alert,
  Anchor,
  Card,
  Group,
  List,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useParams } from "react-router";
import { get, post } from "../api";
import { useAuth } from "../auth";
import { LogPlot, type PlotLine } from "../components/LogPlot";
import { StatusBadge } from "../components/StatusBadge";
import { formatFileSize, formatQuantity, formatUnit } from "../format";
import type { CaseRecord as RecordDocument } from "../../../src/clinic/case-schema.js";
import { CostTab } from "./CostTab";
import { EvaluationTab } from "./EvaluationTab";
import { FollowUpTab } from "./FollowUpTab";
import { PlannerTab } from "./PlannerTab";
import { PatientDetailsCard } from "./record/PatientDetailsCard";
import { RecordEditorTab } from "./record/RecordEditorTab";

export interface CaseRecord {
  id: string;
  patient: { name?: string; birthDate?: string; sex?: string };
  cancers: { code: { display?: string }; histology?: { display?: string } }[];
  staging: { value: { display?: string }; date?: string }[];
  biomarkers: { name: string; value?: unknown; unit?: string }[];
  labs: {
    name: string;
    value?: number;
    unit?: string;
    date?: string;
    referenceLow?: number;
    referenceHigh?: number;
  }[];
  imaging: {
    date: string;
    modality?: string;
    lesions: { id: string; role: string; nodal: boolean; diameterMm?: number; location?: string }[];
  }[];
  treatments: { name: string; start?: string; end?: string; bestResponse?: string }[];
  performance: { scale: string; value: number; date?: string }[];
}
interface CaseView {
  id: string;
  title: string;
  status: string;
  version: number;
  patientName: string;
  record: CaseRecord;
}
interface Doc {
  id: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  dicom: { studyDate?: string; modality?: string; bodyPart?: string } | null;
}

export interface Job {
  id: string;
  status: string;
  progress: number;
  stage: string | null;
  error: string | null;
}

/** Starts a job and polls it to the end, reporting progress. */
export async function runJob(
  caseId: string,
  kind: "evaluate" | "plan",
  options: object,
  onProgress: (j: Job) => void,
): Promise<Job> {
  const { id } = await post<{ id: string }>(`/api/cases/${caseId}/jobs`, { kind, options });
  for (;;) {
    const j = await get<Job>(`/api/jobs/${id}`);
    onProgress(j);
    if (!["queued", "running"].includes(j.status)) return j;
    await new Promise((r) => setTimeout(r, 400));
  }
}

function sld(im: CaseRecord["imaging"][number]): number {
  return im.lesions.filter((l) => l.role === "target").reduce((s, l) => s + (l.diameterMm ?? 0), 0);
}

function RecordsTab({ c, docs }: { c: CaseView; docs: Doc[] }) {
  const r = c.record;
  const scans = useMemo(
    () => [...r.imaging].filter((i) => i.lesions.length).sort((a, b) => a.date.localeCompare(b.date)),
    [r.imaging],
  );
  const t0 = scans.length ? Date.parse(scans[0].date) : 0;
  const x = useMemo(() => scans.map((s) => (Date.parse(s.date) - t0) / 86_400_000), [scans, t0]);
  const lines = useMemo(
    () => [{ label: "sum of diameters (mm)", values: scans.map(sld), color: "#1c7ed6", points: true }],
    [scans],
  );
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} mb="xs">
            Diagnosis
          </Title>
          <List size="sm">
            {r.cancers.map((x, i) => (
              <List.Item key={i}>
                {x.code.display ?? "cancer"}
                {x.histology?.display ? ` (${x.histology.display})` : ""}
              </List.Item>
            ))}
            {r.staging.map((s, i) => (
              <List.Item key={`s${i}`}>
                Stage {s.value.display} {s.date ? `(${s.date})` : ""}
              </List.Item>
            ))}
            {r.performance.map((p, i) => (
              <List.Item key={`p${i}`}>
                {p.scale} {p.value} {p.date ? `(${p.date})` : ""}
              </List.Item>
            ))}
          </List>
          <Title order={4} mt="sm">
            Biomarkers
          </Title>
          <List size="sm">
            {r.biomarkers.map((b, i) => (
              <List.Item key={i}>
                {b.name}: {formatQuantity(String(b.value ?? "—"), b.unit)}
              </List.Item>
            ))}
          </List>
          <Title order={4} mt="sm">
            Prior treatments
          </Title>
          <List size="sm">
            {r.treatments.map((t, i) => (
              <List.Item key={i}>
                {t.name} {t.start ?? ""}–{t.end ?? ""} {t.bestResponse ? `(best: ${t.bestResponse})` : ""}
              </List.Item>
            ))}
          </List>
        </Card>
        <Card withBorder>
          <Title order={3} mb="xs">
            Imaging: sum of target diameters
          </Title>
          {scans.length ? (
            <LogPlot
              title={`from ${scans[0].date}`}
              x={x}
              lines={lines}
              xLabel="days since the first scan"
              yLabel="sum of diameters (mm)"
              log={false}
              height={260}
            />
          ) : (
            <Text c="dimmed">No measured scans.</Text>
          )}
        </Card>
      </SimpleGrid>
      <LabChart labs={r.labs} />
      <Card withBorder>
        <Title order={3} mb="xs">
          Labs
        </Title>
        <Table fz="sm" aria-label="labs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Test</Table.Th>
              <Table.Th>Value</Table.Th>
              <Table.Th>Reference</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...r.labs]
              .sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""))
              .map((l, i) => {
                const out =
                  l.value !== undefined &&
                  ((l.referenceLow !== undefined && l.value < l.referenceLow) ||
                    (l.referenceHigh !== undefined && l.value > l.referenceHigh));
                return (
                  <Table.Tr key={i}>
                    <Table.Td>{l.date}</Table.Td>
                    <Table.Td>{l.name}</Table.Td>
                    <Table.Td c={out ? "red" : undefined}>{formatQuantity(l.value ?? "—", l.unit)}</Table.Td>
                    <Table.Td>
                      {l.referenceLow ?? ""}–{l.referenceHigh ?? ""}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={3} mb="xs">
          Documents
        </Title>
        {docs.length === 0 ? (
          <Text c="dimmed">None uploaded.</Text>
        ) : (
          <List size="sm">
            {docs.map((d) => (
              <List.Item key={d.id}>
                <Anchor href={`/api/documents/${d.id}/content`}>{d.filename}</Anchor> —{" "}
                {d.dicom
                  ? `DICOM ${d.dicom.modality ?? ""} ${d.dicom.bodyPart ?? ""} ${d.dicom.studyDate ?? ""}`
                  : d.mediaType}
                , {formatFileSize(d.sizeBytes)}
              </List.Item>
            ))}
          </List>
        )}
      </Card>
    </Stack>
  );
}

/** One lab test over time, with its reference range as dashed lines. */
function LabChart({ labs }: { labs: CaseRecord["labs"] }) {
  const names = useMemo(
    () => [...new Set(labs.filter((l) => l.value !== undefined && l.date).map((l) => l.name))].sort(),
    [labs],
  );
  const [name, setName] = useState<string | null>(null);
  const chosen = name ?? names[0] ?? null;
  const series = useMemo(
    () =>
      labs
        .filter((l) => l.name === chosen && l.value !== undefined && l.date)
        .sort((a, b) => a.date!.localeCompare(b.date!)),
    [labs, chosen],
  );
  if (!chosen || series.length === 0) return null;
  const t0 = Date.parse(series[0].date!);
  const days = series.map((l) => (Date.parse(l.date!) - t0) / 86_400_000);
  // the axis spans the values with a margin (one value: a week either side), and the reference limits are drawn
  // across it, so that a single value is not a dot on a 100-day axis without its limits
  const span = days[days.length - 1] - days[0];
  const pad = span > 0 ? Math.max(1, span * 0.05) : 7;
  const x = [days[0] - pad, ...days, days[days.length - 1] + pad];
  const unitText = formatUnit(series[0].unit);
  const lines: PlotLine[] = [
    {
      label: `${chosen}${unitText ? ` (${unitText})` : ""}`,
      values: [null, ...series.map((l) => l.value!), null],
      color: "#1c7ed6",
      points: true,
    },
  ];
  const lo = series.find((l) => l.referenceLow !== undefined)?.referenceLow;
  const hi = series.find((l) => l.referenceHigh !== undefined)?.referenceHigh;
  if (lo !== undefined)
    lines.push({ label: "lower limit", values: x.map(() => lo), color: "#868e96", points: false });
  if (hi !== undefined)
    lines.push({ label: "upper limit", values: x.map(() => hi), color: "#868e96", points: false });
  return (
    <Card withBorder>
      <Group justify="space-between">
        <Title order={3}>Lab values over time</Title>
        <Select aria-label="lab test" data={names} value={chosen} onChange={setName} w={220} />
      </Group>
      <LogPlot
        title={`${chosen} from ${series[0].date}`}
        x={x}
        lines={lines}
        xLabel="days since the first value"
        yLabel={`${chosen}${unitText ? ` (${unitText})` : ""}`}
        log={false}
        height={220}
      />
    </Card>
  );
}

/** Coordinators keep the patient's administrative details; clinicians see the whole case. */
export function CasePage() {
  const { user } = useAuth();
  const { id } = useParams();
  if (user?.role === "coordinator" && id) return <PatientDetailsCard caseId={id} />;
  return <ClinicalCasePage />;
}

function ClinicalCasePage() {
  const { id } = useParams();
  const [c, setCase] = useState<CaseView | null>(null);
  const [docs, setDocs] = useState<Doc[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setCase(await get<CaseView>(`/api/cases/${id}`));
      setDocs(await get<Doc[]>(`/api/cases/${id}/documents`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [id]);
  useEffect(() => void load(), [load]);
  if (error)
    return (
      <Alert color="red" role="alert">
        {error}
      </Alert>
    );
  if (!c) return <Text>Loading…</Text>;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={1}>{c.title}</Title>
          <Text c="dimmed">
            {c.patientName} · record version {c.version}
          </Text>
        </div>
        <StatusBadge size="lg" status={c.status} />
      </Group>
      <Tabs defaultValue="records" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="records">Records</Tabs.Tab>
          <Tabs.Tab value="edit">Edit record</Tabs.Tab>
          <Tabs.Tab value="evaluation">Evaluation</Tabs.Tab>
          <Tabs.Tab value="planner">Planner</Tabs.Tab>
          <Tabs.Tab value="follow-up">Follow-up</Tabs.Tab>
          <Tabs.Tab value="cost">Cost</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="records" pt="md">
          <RecordsTab c={c} docs={docs} />
        </Tabs.Panel>
        <Tabs.Panel value="edit" pt="md">
          <RecordEditorTab
            caseId={c.id}
            version={c.version}
            record={c.record as unknown as RecordDocument}
            docs={docs}
            onSaved={() => void load()}
          />
        </Tabs.Panel>
        <Tabs.Panel value="cost" pt="md">
          <CostTab caseId={c.id} />
        </Tabs.Panel>
        <Tabs.Panel value="evaluation" pt="md">
          <EvaluationTab caseId={c.id} />
        </Tabs.Panel>
        <Tabs.Panel value="planner" pt="md">
          <PlannerTab caseId={c.id} />
        </Tabs.Panel>
        <Tabs.Panel value="follow-up" pt="md">
          <FollowUpTab c={c} onChange={() => void load()} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
