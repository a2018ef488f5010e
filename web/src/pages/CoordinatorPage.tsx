import { Alert, Button, Card, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useState } from "react";
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
  onDone: () => void;
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
      setMsg(`Scheduled — ${a.videoLink}`);
      onDone();
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

export function CoordinatorPage() {
  const [requests, setRequests] = useState<Request[]>([]);
  const [clinicians, setClinicians] = useState<{ id: string; name: string }[]>([]);
  const load = () => get<Request[]>("/api/consultation-requests").then(setRequests);
  useEffect(() => {
    void load();
    void get<{ id: string; name: string }[]>("/api/clinicians").then(setClinicians);
  }, []);
  return (
    <Stack>
      <Title order={1}>Consultation requests</Title>
      {requests.length === 0 && <Text c="dimmed">No open requests.</Text>}
      {requests.map((r) => (
        <RequestCard key={r.id} r={r} clinicians={clinicians} onDone={() => void load()} />
      ))}
    </Stack>
  );
}
