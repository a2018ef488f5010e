import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { get, post } from "../api";
import type { CaseRecord } from "./CasePage";
import { PlansCard, type PlanSummary } from "./PlansCard";
import { ResponseSection, type ResponseView } from "./ResponseSection";
interface AdverseEvent {
  id: string;
  term: string;
  system: string;
  grade: number;
  onset: string;
  guidance: { text: string; source: string; basis?: string } | null;
}
interface Administration {
  id: string;
  agent: string;
  doseValue: number;
  doseUnit: string;
  route: string;
  givenAt: string;
}

export function FollowUpTab({
  c,
  onChange,
}: {
  c: { id: string; version: number; record: CaseRecord };
  onChange: () => void;
}) {
  const [response, setResponse] = useState<ResponseView | null>(null);
  const [plans, setPlans] = useState<PlanSummary[]>([]);
  const activePlan = plans.find((p) => p.status === "active");
  const [events, setEvents] = useState<AdverseEvent[]>([]);
  const [given, setGiven] = useState<Administration[]>([]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const last = [...c.record.imaging]
    .filter((i) => i.lesions.length)
    .sort((a, b) => a.date.localeCompare(b.date))
    .at(-1);
  const [scanDate, setScanDate] = useState("");
  const birthDate = c.record.patient?.birthDate;
  const [sizes, setSizes] = useState<Record<string, number>>({});
  const [ae, setAe] = useState({ term: "", system: "CTCAE v5", grade: 1, onset: "" });
  const [adm, setAdm] = useState({
    agent: "pembrolizumab",
    value: 200,
    unit: "mg",
    route: "iv",
    givenAt: "",
  });
  const load = useCallback(async () => {
    setResponse(await get<ResponseView>(`/api/cases/${c.id}/response`));
    setPlans(await get<PlanSummary[]>(`/api/cases/${c.id}/plans`));
    setEvents(await get<AdverseEvent[]>(`/api/cases/${c.id}/adverse-events`));
    setGiven(await get<Administration[]>(`/api/cases/${c.id}/administrations`));
  }, [c.id]);
  useEffect(() => void load(), [load]);
  const act = async (f: () => Promise<unknown>, ok: string) => {
    setMsg(null);
    try {
      await f();
      setMsg({ ok: true, text: ok });
      await load();
      onChange();
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message });
    }
  };
  const recordScan = () =>
    act(
      () =>
        post(`/api/cases/${c.id}/assessments`, {
          expectedVersion: c.version,
          date: scanDate,
          modality: "CT",
          lesions: (last?.lesions ?? []).map((l) => ({
            id: l.id,
            role: l.role,
            nodal: l.nodal,
            diameterMm: sizes[l.id] ?? l.diameterMm,
            ...(l.location ? { location: l.location } : {}),
          })),
        }),
      "Scan recorded; the response below is updated.",
    );
  return (
    <Stack>
      {msg && (
        <Alert color={msg.ok ? "green" : "red"} role="status">
          {msg.text}
        </Alert>
      )}
      <PlansCard plans={plans} act={act} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} mb="xs">
            Follow-up imaging
          </Title>
          <TextInput
            type="date"
            label="Scan date"
            value={scanDate}
            max={today()}
            error={dateError(scanDate, birthDate)}
            onChange={(e) => setScanDate(e.currentTarget.value)}
          />
          <Table fz="sm" mt="xs" aria-label="lesion measurements">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Lesion</Table.Th>
                <Table.Th>Last (mm)</Table.Th>
                <Table.Th>New (mm)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(last?.lesions ?? []).map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    {l.location ?? l.id} ({l.role}
                    {l.nodal ? ", node" : ""})
                  </Table.Td>
                  <Table.Td>{l.diameterMm}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      aria-label={`new diameter of ${l.location ?? l.id}`}
                      value={sizes[l.id] ?? ""}
                      error={
                        sizes[l.id] !== undefined && !(sizes[l.id] >= 0) ? "diameter: not below 0 mm" : null
                      }
                      onChange={(v) => {
                        const next = { ...sizes };
                        if (v === "") delete next[l.id];
                        else next[l.id] = Number(v);
                        setSizes(next);
                      }}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button
            mt="xs"
            disabled={
              !scanDate ||
              dateError(scanDate, birthDate) !== null ||
              Object.values(sizes).some((v) => !(v >= 0))
            }
            onClick={() => void recordScan()}
          >
            Record the scan
          </Button>
          <Title order={4} mt="md">
            RECIST 1.1 / iRECIST / irRC
          </Title>
          <ResponseSection response={response} />
        </Card>
        <Card withBorder>
          <Title order={3} mb="xs">
            Adverse events
          </Title>
          <Group align="end">
            <TextInput
              label="Term"
              value={ae.term}
              onChange={(e) => setAe({ ...ae, term: e.currentTarget.value })}
            />
            <Select
              label="Scale"
              data={["CTCAE v5", "ASTCT CRS", "ASTCT ICANS"]}
              value={ae.system}
              onChange={(v) => setAe({ ...ae, system: v ?? "CTCAE v5" })}
              w={140}
            />
            <NumberInput
              label="Grade"
              min={1}
              max={5}
              value={ae.grade}
              onChange={(v) => setAe({ ...ae, grade: Number(v) })}
              w={80}
            />
            <TextInput
              type="date"
              label="Onset"
              max={today()}
              error={dateError(ae.onset, birthDate)}
              value={ae.onset}
              onChange={(e) => setAe({ ...ae, onset: e.currentTarget.value })}
            />
            <Button
              disabled={!ae.term || !ae.onset || dateError(ae.onset, birthDate) !== null}
              onClick={() =>
                void act(() => post(`/api/cases/${c.id}/adverse-events`, ae), "Adverse event recorded.")
              }
            >
              Record
            </Button>
          </Group>
          {events.map((e) => (
            <Card key={e.id} withBorder mt="xs" p="xs">
              <Text size="sm" fw={600}>
                {e.term} — {e.system} grade {e.grade} ({e.onset})
              </Text>
              {e.guidance && (
                <Text size="sm">
                  Guidance: {e.guidance.text}{" "}
                  <Text span c="dimmed">
                    [{e.guidance.basis ? `${e.guidance.basis}; ` : ""}
                    {e.guidance.source}]
                  </Text>
                </Text>
              )}
            </Card>
          ))}
          <Title order={3} mt="md" mb="xs">
            What was given
          </Title>
          <Group align="end">
            <TextInput
              label="Agent"
              value={adm.agent}
              onChange={(e) => setAdm({ ...adm, agent: e.currentTarget.value })}
            />
            <NumberInput
              label="Dose"
              error={adm.value > 0 ? null : "dose: must be above 0"}
              value={adm.value}
              onChange={(v) => setAdm({ ...adm, value: Number(v) })}
              w={110}
            />
            <TextInput
              label="Unit"
              value={adm.unit}
              onChange={(e) => setAdm({ ...adm, unit: e.currentTarget.value })}
              w={90}
            />
            <TextInput
              label="Route"
              value={adm.route}
              onChange={(e) => setAdm({ ...adm, route: e.currentTarget.value })}
              w={110}
            />
            <TextInput
              type="datetime-local"
              label="Given at"
              error={adm.givenAt ? dateError(adm.givenAt, birthDate) : null}
              value={adm.givenAt}
              onChange={(e) => setAdm({ ...adm, givenAt: e.currentTarget.value })}
            />
            <Button
              disabled={!adm.givenAt || !(adm.value > 0) || dateError(adm.givenAt, birthDate) !== null}
              onClick={() =>
                void act(
                  () =>
                    post(`/api/cases/${c.id}/administrations`, {
                      // given under the plan in progress (its first dose starts the line of treatment)
                      ...(activePlan ? { planId: activePlan.id } : {}),
                      agent: adm.agent,
                      dose: { value: adm.value, unit: adm.unit },
                      route: adm.route,
                      givenAt: new Date(adm.givenAt).toISOString(),
                    }),
                  "Administration recorded.",
                )
              }
            >
              Record
            </Button>
          </Group>
          <Table fz="sm" mt="xs" aria-label="administrations">
            <Table.Tbody>
              {given.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>{new Date(g.givenAt).toLocaleString()}</Table.Td>
                  <Table.Td>{g.agent}</Table.Td>
                  <Table.Td>
                    {g.doseValue} {g.doseUnit}
                  </Table.Td>
                  <Table.Td>{g.route}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}

/** Today as YYYY-MM-DD in this browser's time zone. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** A date (or local date-time) in the future or before the patient's birth, named; the server refuses both too. */
function dateError(value: string, birthDate: string | undefined): string | null {
  if (!value) return null;
  const day = value.slice(0, 10);
  if (day > today()) return `${day} is in the future`;
  if (birthDate && day < birthDate.slice(0, 10))
    return `${day} is before the patient's birth date (${birthDate})`;
  return null;
}
