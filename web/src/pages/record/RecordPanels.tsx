/** Beside the editor: the records checklist (what is missing, which documents would supply it) and the versions. */
import { Badge, Button, Card, Group, List, Select, Stack, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { get, post } from "../../api";

interface ChecklistHint {
  id: string;
  what: string;
  status: "present" | "outdated" | "missing";
  detail: string;
  suppliedBy: string[];
  uploaded: { id: string; filename: string }[];
}

export function ChecklistPanel({
  caseId,
  version,
  draft,
  onOpen,
}: {
  caseId: string;
  version: number;
  /** The record being edited: the checklist follows it as fields are filled (before saving). */
  draft: unknown;
  onOpen: (docId: string) => void;
}) {
  const [items, setItems] = useState<ChecklistHint[]>([]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      post<{ items: ChecklistHint[] }>(`/api/cases/${caseId}/record-checklist`, { record: draft })
        .then((r) => live && setItems(r.items))
        .catch(() => undefined);
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [caseId, version, draft]);
  const color = (s: string) => (s === "present" ? "green" : s === "outdated" ? "yellow" : "red");
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Records checklist
      </Title>
      <Stack gap={6} aria-label="records checklist">
        {items.map((i) => (
          <div key={i.id} data-testid={`checklist-${i.id}`}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge color={color(i.status)} size="sm" style={{ flexShrink: 0 }}>
                {i.status}
              </Badge>
              <Text size="sm">
                {i.what} — {i.detail}
              </Text>
            </Group>
            {i.status !== "present" && (
              <Text size="xs" c="dimmed" ml="xs">
                would be supplied by: {i.suppliedBy.join("; ")}
                {i.uploaded.length > 0 && (
                  <>
                    {" "}
                    · uploaded, not yet entered:{" "}
                    {i.uploaded.map((d) => (
                      <Button key={d.id} size="compact-xs" variant="subtle" onClick={() => onOpen(d.id)}>
                        {d.filename}
                      </Button>
                    ))}
                  </>
                )}
              </Text>
            )}
          </div>
        ))}
      </Stack>
    </Card>
  );
}

interface Version {
  version: number;
  createdAt: string;
  createdByName: string | null;
  note: string;
}

export function VersionsPanel({ caseId, version }: { caseId: string; version: number }) {
  const [versions, setVersions] = useState<Version[]>([]);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [changes, setChanges] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true; // a slower answer for an older version does not replace a newer one
    get<Version[]>(`/api/cases/${caseId}/versions`)
      .then((v) => {
        if (!live) return;
        setVersions(v);
        if (v.length > 1) {
          setFrom(String(v[v.length - 2].version));
          setTo(String(v[v.length - 1].version));
        }
      })
      .catch((e: Error) => live && setError(`versions: ${e.message}`));
    return () => {
      live = false;
    };
  }, [caseId, version]);
  const compare = useCallback(async () => {
    setError(null);
    if (!from || !to) return setError("choose the two versions to compare");
    try {
      const d = await get<{ changes: { summary: string }[] }>(
        `/api/cases/${caseId}/diff?from=${from}&to=${to}`,
      );
      setChanges(d.changes.map((c) => c.summary));
    } catch (e) {
      setError(`changes: ${(e as Error).message}`);
    }
  }, [caseId, from, to]);
  const data = versions.map((v) => ({ value: String(v.version), label: `v${v.version}` }));
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Versions
      </Title>
      <List size="xs" mb="xs" aria-label="record versions">
        {[...versions].reverse().map((v) => (
          <List.Item key={v.version}>
            v{v.version} · {new Date(v.createdAt).toLocaleString()} · {v.createdByName ?? "system"} · {v.note}
          </List.Item>
        ))}
      </List>
      <Group gap="xs" align="flex-end">
        <Select size="xs" w={90} label="from" data={data} value={from} onChange={setFrom} />
        <Select size="xs" w={90} label="to" data={data} value={to} onChange={setTo} />
        <Button size="xs" variant="default" onClick={() => void compare()}>
          Show changes
        </Button>
      </Group>
      {error && (
        <Text size="xs" c="red" role="alert" mt="xs">
          {error}
        </Text>
      )}
      {changes && (
        <List size="xs" mt="xs" aria-label="changes between versions">
          {changes.length ? (
            changes.map((c, i) => <List.Item key={i}>{c}</List.Item>)
          ) : (
            <Text size="xs">no changes</Text>
          )}
        </List>
      )}
    </Card>
  );
}
