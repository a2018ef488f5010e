/**
 * Abstracting the documents into the case record: the document beside the form, every value with its source
 * (the document and page being read, or "entered by" the user), each save a new version; the checklist, the
 * versions with their changes and FHIR import/export alongside.
 */
import { Alert, Button, Grid, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import type { CaseRecord, Source } from "../../../../src/clinic/case-schema.js";
import { api } from "../../api";
import { useAuth } from "../../auth";
import { DocumentViewer, type Doc } from "./DocumentViewer";
import { FhirPanel } from "./FhirPanel";
import { ChecklistPanel, VersionsPanel } from "./RecordPanels";
import { RecordSections } from "./sections";

export function RecordEditorTab({
  caseId,
  version,
  record,
  docs,
  onSaved,
}: {
  caseId: string;
  version: number;
  record: CaseRecord;
  docs: Doc[];
  onSaved: () => void;
}) {
  const { user } = useAuth();
  const [draft, setDraft] = useState<CaseRecord>(record);
  const [docId, setDocId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(record), [record]);
  const source: Source = useMemo(() => {
    const d = docs.find((x) => x.id === docId);
    return d
      ? { kind: "document", ref: d.id, title: d.filename, page, ...(user ? { by: user.name } : {}) }
      : { kind: "manual", ...(user ? { by: user.name } : {}) };
  }, [docs, docId, page, user]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(record);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ version: number }>("PUT", `/api/cases/${caseId}/record`, {
        expectedVersion: version,
        record: draft,
        note: note || "abstracted from the documents",
      });
      setSaved(r.version);
      setNote("");
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Grid>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Stack>
          <DocumentViewer
            docs={docs}
            docId={docId}
            page={page}
            onSelect={(id, p) => {
              setDocId(id);
              setPage(p);
            }}
          />
          <ChecklistPanel
            draft={draft}
            caseId={caseId}
            version={version}
            onOpen={(id) => {
              setDocId(id);
              setPage(1);
            }}
          />
          <VersionsPanel caseId={caseId} version={version} />
          <FhirPanel caseId={caseId} version={version} onMerged={onSaved} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Stack>
          <Group justify="space-between">
            <Title order={3}>Case record (version {version})</Title>
            <Text size="sm" c="dimmed" data-testid="value-source">
              values you add:{" "}
              {source.kind === "document"
                ? `from ${source.title}, p. ${source.page}`
                : `entered by ${user?.name ?? "you"}`}
            </Text>
          </Group>
          <RecordSections record={draft} onChange={setDraft} source={source} />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group align="flex-end">
            <TextInput
              size="xs"
              w={320}
              label="What changed (for the version history)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Button onClick={() => void save()} loading={busy} disabled={!dirty}>
              Save as a new version
            </Button>
            <Button variant="default" onClick={() => setDraft(record)} disabled={!dirty}>
              Discard changes
            </Button>
            {saved === version && !dirty && (
              <Text size="sm" c="green" role="status">
                saved as version {saved}
              </Text>
            )}
          </Group>
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
