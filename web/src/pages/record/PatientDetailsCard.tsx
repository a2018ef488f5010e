/**
 * The patient's administrative details for the coordinator (name, birth date, sex, country, language, contact):
 * each save a new version of the record, entered by the coordinator; no clinical data is shown.
 */
import { Alert, Button, Card, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { api, get } from "../../api";

interface Details {
  name?: string;
  birthDate?: string;
  sex?: string;
  country?: string;
  language?: string;
  contact?: string;
}

export function PatientDetailsCard({ caseId }: { caseId: string }) {
  const [version, setVersion] = useState(0);
  const [d, setD] = useState<Details>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useCallback(async () => {
    const r = await get<{ version: number; patient: Details }>(`/api/cases/${caseId}/patient-details`);
    setVersion(r.version);
    setD(r.patient);
  }, [caseId]);
  useEffect(() => {
    load().catch((e: Error) => setMessage({ ok: false, text: e.message }));
  }, [load]);
  const field = (k: keyof Details, label: string, type = "text") => (
    <TextInput
      size="sm"
      type={type}
      label={label}
      value={d[k] ?? ""}
      onChange={(e) => setD({ ...d, [k]: e.currentTarget.value || undefined })}
    />
  );
  const save = async () => {
    try {
      const r = await api<{ version: number }>("PUT", `/api/cases/${caseId}/patient-details`, {
        expectedVersion: version,
        patient: d,
      });
      setMessage({ ok: true, text: `saved as version ${r.version}` });
      await load();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  return (
    <Card withBorder maw={720}>
      <Stack>
        <Title order={2}>Patient details</Title>
        <Text size="sm" c="dimmed">
          Administrative details of the case record (version {version}); the clinical record is the
          clinician's.
        </Text>
        <Group grow>
          {field("name", "Name")}
          {field("birthDate", "Birth date", "date")}
        </Group>
        <Group grow>
          <Select
            label="Sex"
            data={["female", "male", "other", "unknown"]}
            value={d.sex ?? null}
            onChange={(v) => setD({ ...d, sex: v ?? undefined })}
          />
          {field("country", "Country")}
          {field("language", "Language (e.g. en, de-CH)")}
        </Group>
        {field("contact", "Contact (phone or e-mail)")}
        {message && (
          <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"}>
            {message.text}
          </Alert>
        )}
        <Group>
          <Button onClick={() => void save()}>Save patient details</Button>
        </Group>
      </Stack>
    </Card>
  );
}
