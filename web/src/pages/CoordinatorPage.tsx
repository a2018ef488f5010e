import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { get, post } from "../api";
import { TIME_ZONES } from "./LoginPage";

interface Request {
  id: string;
  caseId: string;
  caseTitle: string;
  patientName: string;
  preferredLocal: string;
  timeZone: string;
  note: string | null;
}

function RequestCard({
  r,
  clinicians,
  onDone,
}: {
  r: Request;
  clinicians: { id: string; name: string }[];
  /** Called with what was scheduled; the page keeps the confirmation after the card leaves the list. */
  onDone: (confirmation: string) => void;
}) {
  const [clinician, setClinician] = useState<string | null>(null);
  const [when, setWhen] = useState(r.preferredLocal.replace(" ", "T"));
  const [tz, setTz] = useState<string | null>(r.timeZone);
  const [msg, setMsg] = useState<string | null>(null);
  const schedule = async () => {
    try {
      const a = await post<{ videoLink: string }>(`/api/cases/${r.caseId}/appointments`, {
        requestId: r.id,
        clinicianId: clinician,
        startsAt: when,
        timeZone: tz,
      });
      const who = clinicians.find((c) => c.id === clinician)?.name ?? "the clinician";
      onDone(
        `Scheduled ${r.patientName} with ${who} on ${when.replace("T", " ")} (${tz}) — ${a.videoLink}. The patient was told by e-mail.`,
      );
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  return (
    <Card withBorder aria-label={`request of ${r.patientName}`}>
      <Text fw={600}>
        {r.patientName} — {r.caseTitle}
      </Text>
      <Text size="sm">
        Prefers {r.preferredLocal} ({r.timeZone}){r.note ? ` — “${r.note}”` : ""}
      </Text>
      <Group mt="sm" align="end">
        <Select
          label="Clinician"
          data={clinicians.map((c) => ({ value: c.id, label: c.name }))}
          value={clinician}
          onChange={setClinician}
        />
        <TextInput
          type="datetime-local"
          label="Start"
          value={when}
          onChange={(e) => setWhen(e.currentTarget.value)}
        />
        <Select label="Time zone" searchable data={TIME_ZONES} value={tz} onChange={setTz} />
        <Button onClick={() => void schedule()} disabled={!clinician}>
          Schedule
        </Button>
      </Group>
      {msg && (
        <Alert mt="sm" role="status">
          {msg}
        </Alert>
      )}
    </Card>
  );
}

interface Appointment {
  id: string;
  caseId: string;
  startsAt: string;
  startsLocal: string;
  timeZone: string;
  clinicianName: string;
  videoLink: string;
}
interface CaseSummary {
  id: string;
  title: string;
  patientName: string;
}

/** The appointments of the coordinator's cases, from today on (one case's when the page is opened for it). */
function Appointments({
  cases,
  version,
  only,
}: {
  cases: CaseSummary[];
  version: number;
  only: string | null;
}) {
  const [rows, setRows] = useState<(Appointment & { c: CaseSummary })[]>([]);
  useEffect(() => {
    const shown = only ? cases.filter((c) => c.id === only) : cases;
    void Promise.all(
      shown.map((c) =>
        get<Appointment[]>(`/api/cases/${c.id}/appointments`).then(
          (list) => list.map((a) => ({ ...a, c })),
          () => [],
        ),
      ),
    ).then((all) => {
      const since = Date.now() - 86_400_000;
      setRows(
        all
          .flat()
          .filter((a) => only || Date.parse(a.startsAt) >= since)
          .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
      );
    });
  }, [cases, only, version]);
  const title = only ? cases.find((c) => c.id === only)?.title : null;
  return (
    <Card withBorder>
      <Title order={2} size="h3" mb="xs">
        {title ? `Appointments: ${title}` : "Upcoming appointments"}
      </Title>
      {only && (
        <Anchor component={Link} to="/consultations" size="sm">
          All cases
        </Anchor>
      )}
      {rows.length === 0 ? (
        <Text c="dimmed">No appointments.</Text>
      ) : (
        <Table fz="sm" aria-label="appointments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Patient</Table.Th>
              <Table.Th>Case</Table.Th>
              <Table.Th>Clinician</Table.Th>
              <Table.Th>Video</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  {a.startsLocal} ({a.timeZone})
                </Table.Td>
                <Table.Td>{a.c.patientName}</Table.Td>
                <Table.Td>{a.c.title}</Table.Td>
                <Table.Td>{a.clinicianName}</Table.Td>
                <Table.Td>
                  <Anchor href={a.videoLink} size="sm">
                    link
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function CoordinatorPage() {
  const [requests, setRequests] = useState<Request[]>([]);
  const [clinicians, setClinicians] = useState<{ id: string; name: string }[]>([]);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [done, setDone] = useState<string[]>([]);
  // opened from a case row: that case's requests and appointments
  const [params] = useSearchParams();
  const only = params.get("case");
  const load = useCallback(() => get<Request[]>("/api/consultation-requests").then(setRequests), []);
  useEffect(() => {
    void load();
    void get<{ id: string; name: string }[]>("/api/clinicians").then(setClinicians);
    void get<CaseSummary[]>("/api/cases").then(setCases);
  }, [load]);
  const shown = only ? requests.filter((r) => r.caseId === only) : requests;
  return (
    <Stack>
      <Title order={1}>Consultation requests</Title>
      {done.map((d) => (
        <Alert
          key={d}
          color="green"
          role="status"
          withCloseButton
          onClose={() => setDone(done.filter((x) => x !== d))}
        >
          {d}
        </Alert>
      ))}
      {shown.length === 0 && <Text c="dimmed">No open requests.</Text>}
      {shown.map((r) => (
        <RequestCard
          key={r.id}
          r={r}
          clinicians={clinicians}
          onDone={(m) => {
            setDone((d) => [m, ...d]);
            void load();
          }}
        />
      ))}
      <Appointments cases={cases} version={done.length} only={only} />
    </Stack>
  );
}
