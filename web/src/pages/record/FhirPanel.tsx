/**
 * FHIR from the browser: drop a Bundle, see what would be read, ignored and found invalid and the changes its
 * merge would make, then merge it (the record is never replaced); export the record as a Bundle.
 */
import { Alert, Button, Card, Group, List, Text, Title } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { useState } from "react";
import { api, post } from "../../api";

interface Preview {
  version: number;
  report: {
    read: { ref: string; as: string }[];
    ignored: { ref: string; reason: string }[];
    invalid: { ref: string; path: string; message: string }[];
  };
  changes: { summary: string }[];
  conflicts: { field: string; record: unknown; imported: unknown }[];
}

export function FhirPanel({
  caseId,
  version,
  onMerged,
}: {
  caseId: string;
  version: number;
  onMerged: () => void;
}) {
  const [bundle, setBundle] = useState<unknown>(null);
  const [name, setName] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [merged, setMerged] = useState<string | null>(null);
  const onDrop = async (files: File[]) => {
    setError(null);
    setPreview(null);
    setMerged(null);
    const f = files[0];
    if (!f) return;
    setName(f.name);
    try {
      const data = JSON.parse(await f.text()) as unknown;
      setBundle(data);
      setPreview(await post<Preview>(`/api/cases/${caseId}/fhir/preview`, data));
    } catch (e) {
      setError(e instanceof SyntaxError ? `${f.name}: not JSON (${e.message})` : (e as Error).message);
    }
  };
  const merge = async () => {
    setBusy(true);
    try {
      const r = await api<{ version: number }>(
        "POST",
        `/api/cases/${caseId}/fhir?expectedVersion=${version}`,
        bundle,
      );
      setMerged(`${name} merged as version ${r.version}`);
      setPreview(null);
      setBundle(null);
      onMerged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const exportBundle = async () => {
    const r = await fetch(`/api/cases/${caseId}/fhir`, { credentials: "same-origin" });
    const url = URL.createObjectURL(new Blob([await r.text()], { type: "application/fhir+json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `case-${caseId}-v${version}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>FHIR</Title>
        <Button size="xs" variant="default" onClick={() => void exportBundle()}>
          Export as FHIR Bundle
        </Button>
      </Group>
      <Dropzone
        onDrop={(f) => void onDrop(f)}
        accept={["application/json", "application/fhir+json"]}
        maxSize={20 * 1024 * 1024}
        aria-label="drop a FHIR Bundle"
        inputProps={{ "aria-label": "choose a FHIR Bundle to import" }}
      >
        <Text ta="center" size="sm" py="sm">
          Drop a FHIR R4 Bundle (JSON) here to see what it would add
        </Text>
      </Dropzone>
      {error && (
        <Alert color="red" mt="xs" role="alert">
          {error}
        </Alert>
      )}
      {merged && (
        <Text size="sm" c="green" mt="xs" role="status">
          {merged}
        </Text>
      )}
      {preview && (
        <div data-testid="fhir-preview">
          <Text size="sm" mt="xs" fw={600}>
            {name}: read {preview.report.read.length}, ignored {preview.report.ignored.length}, invalid{" "}
            {preview.report.invalid.length}
          </Text>
          {preview.report.invalid.length > 0 && (
            <List size="xs" aria-label="invalid entries">
              {preview.report.invalid.map((i, k) => (
                <List.Item key={k}>
                  {i.ref} {i.path}: {i.message}
                </List.Item>
              ))}
            </List>
          )}
          {preview.report.ignored.length > 0 && (
            <Text size="xs" c="dimmed">
              ignored: {preview.report.ignored.map((i) => `${i.ref} (${i.reason})`).join("; ")}
            </Text>
          )}
          <Text size="sm" mt="xs" fw={600}>
            Changes the merge would make ({preview.changes.length})
          </Text>
          <List size="xs" aria-label="changes of the import">
            {preview.changes.map((c, k) => (
              <List.Item key={k}>{c.summary}</List.Item>
            ))}
          </List>
          {preview.conflicts.length > 0 && (
            <Alert color="yellow" mt="xs" title="Kept as in the record (the import differs)">
              {preview.conflicts
                .map(
                  (c) =>
                    `${c.field}: record ${JSON.stringify(c.record)}, import ${JSON.stringify(c.imported)}`,
                )
                .join("; ")}
            </Alert>
          )}
          <Group mt="xs">
            <Button
              size="xs"
              onClick={() => void merge()}
              loading={busy}
              disabled={preview.changes.length === 0}
            >
              Merge into the record
            </Button>
            <Button size="xs" variant="default" onClick={() => setPreview(null)}>
              Discard
            </Button>
          </Group>
        </div>
      )}
    </Card>
  );
}
