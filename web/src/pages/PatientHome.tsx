import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  List,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { useCallback, useEffect, useState } from "react";
import { get, post, uploadFile } from "../api";
import { useAuth } from "../auth";
import { StatusBadge } from "../components/StatusBadge";
import { formatFileSize, localDateTime, type Protocol } from "../format";
import { BROWSER_TZ, TIME_ZONES } from "./LoginPage";
import { QuoteCard } from "./QuoteCard";

interface CaseSummary {
  id: string;
  title: string;
  status: string;
  clinicianName: string | null;
}
interface ChecklistItem {
  id: string;
  what: string;
  status: "present" | "outdated" | "missing";
  detail: string;
  request?: string;
}
interface Doc {
  id: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  uploadedAt: string;
  dicom: { studyDate?: string; modality?: string; bodyPart?: string } | null;
}
interface Appointment {
  id: string;
  startsAt: string;
  timeZone: string;
  videoLink: string;
  clinicianName: string;
}
interface PatientPlan {
  id: string;
  status: string;
  approvedAt: string;
  disclaimer: string;
  candidate: { id: string; name: string; protocol: Protocol } | null;
  /** The plain-language copy of the approved protocol (the same text as the PDF). */
  copy?: {
    approved: string;
    howLong: string;
    parts: {
      heading: string;
      where: string;
      items: { when: string; what: string; dose: string; how: string; why: string | null }[];
    }[];
    expectation: string[];
    whomToCall: string[];
  };
}

export function PatientHome() {
  const { user } = useAuth();
  const [c, setCase] = useState<CaseSummary | null>(null);
  const [checklist, setChecklist] = useState<ChecklistItem[]>([]);
  const [docs, setDocs] = useState<Doc[]>([]);
  const [appointments, setAppointments] = useState<Appointment[]>([]);
  /** The patient's consultation requests not yet scheduled (they stay visible after a reload). */
  const [pending, setPending] = useState<
    { id: string; caseId: string; preferredLocal: string; timeZone: string; createdAt: string }[]
  >([]);
  const [plans, setPlans] = useState<PatientPlan[]>([]);
  const [uploads, setUploads] = useState<
    { name: string; progress: number; error?: string; done?: boolean }[]
  >([]);
  const [when, setWhen] = useState("");
  const [tz, setTz] = useState<string | null>(user?.timeZone ?? BROWSER_TZ);
  const [note, setNote] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const reload = useCallback(async () => {
    const list = await get<CaseSummary[]>("/api/cases");
    const mine = list[0] ?? null;
    setCase(mine);
    if (!mine) return;
    const [cl, d, a, p, r] = await Promise.all([
      get<{ checklist: ChecklistItem[] }>(`/api/cases/${mine.id}/checklist`),
      get<Doc[]>(`/api/cases/${mine.id}/documents`),
      get<Appointment[]>(`/api/cases/${mine.id}/appointments`),
      get<PatientPlan[]>(`/api/cases/${mine.id}/plans`),
      get<typeof pending>("/api/consultation-requests?status=requested"),
    ]);
    setChecklist(cl.checklist);
    setDocs(d);
    setAppointments(a);
    setPlans(p);
    setPending(r.filter((x) => x.caseId === mine.id));
  }, []);
  useEffect(() => void reload(), [reload]);

  if (!c) return <Text>Loading your case…</Text>;

  const onDrop = async (files: File[]) => {
    for (const f of files) {
      setUploads((u) => [...u, { name: f.name, progress: 0 }]);
      const update = (patch: object) =>
        setUploads((u) => u.map((x) => (x.name === f.name ? { ...x, ...patch } : x)));
      try {
        await uploadFile(c.id, f, (p) => update({ progress: p }));
        update({ progress: 1, done: true });
      } catch (e) {
        update({ error: (e as Error).message });
      }
    }
    await reload();
  };
  const request = async () => {
    setMessage(null);
    try {
      await post(`/api/cases/${c.id}/consultation-requests`, {
        preferredStart: when,
        timeZone: tz,
        note: note || undefined,
      });
      setMessage({
        ok: true,
        text: "Your request was sent. The clinic's coordinator will schedule the consultation and tell you.",
      });
      setNote("");
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const plan = plans[0];
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>{c.title}</Title>
        <StatusBadge size="lg" status={c.status} />
      </Group>
      <Text>Your clinician: {c.clinicianName ?? "not assigned yet"}</Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            What the clinic still needs
          </Title>
          <List spacing="xs" aria-label="records checklist">
            {checklist.map((i) => (
              <List.Item key={i.id}>
                <StatusBadge status={i.status} mr="xs" />
                {i.what}
                {i.request && i.status !== "present" && (
                  <Text size="sm" c="dimmed">
                    Please send: {i.request}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        </Card>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Send your records
          </Title>
          <Dropzone
            onDrop={(f) => void onDrop(f)}
            maxSize={1024 * 1024 * 1024}
            aria-label="upload records"
            inputProps={{ "aria-label": "choose files to upload" }}
          >
            <Text ta="center" py="lg">
              Drag CT/MRI/PET-CT images (DICOM), reports (PDF) or photos here, or click to choose files.
            </Text>
          </Dropzone>
          {uploads.map((u) => (
            <div key={u.name}>
              <Text size="sm">
                {u.name} {u.done ? "— received" : u.error ? `— ${u.error}` : ""}
              </Text>
              <Progress
                value={u.progress * 100}
                color={u.error ? "red" : u.done ? "green" : "blue"}
                aria-label={`upload of ${u.name}`}
              />
            </div>
          ))}
          <Table mt="sm" aria-label="your documents">
            <Table.Tbody>
              {docs.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.filename}</Table.Td>
                  <Table.Td>
                    {d.dicom
                      ? `${d.dicom.modality ?? ""} ${d.dicom.bodyPart ?? ""} ${d.dicom.studyDate ?? ""}`
                      : d.mediaType}
                  </Table.Td>
                  <Table.Td>{formatFileSize(d.sizeBytes)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Request a consultation
          </Title>
          <Stack>
            <TextInput
              type="datetime-local"
              label="Preferred time"
              required
              value={when}
              onChange={(e) => setWhen(e.currentTarget.value)}
            />
            <Select label="In the time zone" searchable data={TIME_ZONES} value={tz} onChange={setTz} />
            <Textarea
              label="Anything we should know"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Button onClick={() => void request()} disabled={!when}>
              Request consultation
            </Button>
            {message && (
              <Alert color={message.ok ? "green" : "red"} role="status">
                {message.text}
              </Alert>
            )}
          </Stack>
        </Card>
        <Card withBorder>
          <Title order={2} size="h3" mb="sm">
            Your appointments
          </Title>
          {pending.length > 0 && (
            <List mb="xs" aria-label="consultation requests waiting">
              {pending.map((r) => (
                <List.Item key={r.id}>
                  Requested for {r.preferredLocal} ({r.timeZone}) on{" "}
                  {new Date(r.createdAt).toLocaleDateString()} — waiting for the clinic to schedule it.
                </List.Item>
              ))}
            </List>
          )}
          {appointments.length === 0 && pending.length === 0 ? (
            <Text c="dimmed">None yet.</Text>
          ) : (
            <List>
              {appointments.map((a) => (
                <List.Item key={a.id}>
                  {localDateTime(a.startsAt, user?.timeZone ?? BROWSER_TZ)} ({user?.timeZone}) with{" "}
                  {a.clinicianName} — <Anchor href={a.videoLink}>video link</Anchor>
                </List.Item>
              ))}
            </List>
          )}
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Your treatment plan
        </Title>
        {!plan || !plan.candidate || !plan.copy ? (
          <Text c="dimmed">No plan has been approved yet.</Text>
        ) : (
          <Stack aria-label="your approved plan">
            <Text fw={600}>{plan.copy.approved}</Text>
            <Text size="sm">
              {plan.copy.howLong} Status: {plan.status}
            </Text>
            {plan.copy.parts.map((part) => (
              <div key={part.heading}>
                <Title order={3} size="h4">
                  {part.heading}
                </Title>
                <Text size="sm" c="dimmed">
                  {part.where}
                </Text>
                <List>
                  {part.items.map((i, k) => (
                    <List.Item key={k}>
                      <Text span fw={600}>
                        {i.what}
                      </Text>
                      : {i.dose}, {i.how} — {i.when}
                      {i.why ? ` (${i.why})` : ""}
                    </List.Item>
                  ))}
                </List>
              </div>
            ))}
            <Title order={3} size="h4">
              What to expect
            </Title>
            {plan.copy.expectation.map((x) => (
              <Text size="sm" key={x}>
                {x}
              </Text>
            ))}
            <Title order={3} size="h4">
              Whom to call
            </Title>
            <List size="sm">
              {plan.copy.whomToCall.map((x) => (
                <List.Item key={x}>{x}</List.Item>
              ))}
            </List>
            <Text size="sm" c="dimmed">
              {plan.disclaimer}
            </Text>
            <Button component="a" href={`/api/plans/${plan.id}/report?format=pdf`} variant="light">
              Download the plan (PDF)
            </Button>
            <QuoteCard planId={plan.id} />
          </Stack>
        )}
      </Card>
    </Stack>
  );
}
