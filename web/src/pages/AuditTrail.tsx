/**
 * The audit trail for admins: filters (who, patient case, action, outcome, time range) applied by the server
 * (GET /api/audit) and the same selection exported as CSV (format=csv, a download).
 */
import {
  Anchor,
  Badge,
  Button,
  Group,
  ScrollArea,
  Select,
  Stack,
  Table,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState, type ChangeEvent } from "react";
import { get } from "../api";

interface AuditRow {
  id: number;
  at: string;
  userId: string | null;
  email: string | null;
  role: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  caseId: string | null;
  outcome: string;
  ip: string | null;
}

interface Filter {
  email: string;
  patient: string;
  caseId: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const EMPTY: Filter = { email: "", patient: "", caseId: "", action: "", outcome: "", from: "", to: "" };

/** The query string of a filter (empty fields left out; local date-times sent as instants). */
export function auditQuery(f: Filter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (f.email.trim()) q.set("email", f.email.trim());
  if (f.patient.trim()) q.set("patient", f.patient.trim());
  if (f.caseId.trim()) q.set("caseId", f.caseId.trim());
  if (f.action.trim()) q.set("action", f.action.trim());
  if (f.outcome) q.set("outcome", f.outcome);
  if (f.from) q.set("from", new Date(f.from).toISOString());
  if (f.to) q.set("to", new Date(f.to).toISOString());
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

export function AuditTrail() {
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [applied, setApplied] = useState<Filter>(EMPTY);
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<AuditRow[]>(`/api/audit?${auditQuery(applied, { limit: "200" })}`).then(
      (r) => {
        setRows(r);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [applied]);
  const field = (k: keyof Filter) => ({
    value: filter[k],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setFilter({ ...filter, [k]: e.currentTarget.value }),
  });
  return (
    <Stack>
      <Title order={2} size="h3">
        Audit trail
      </Title>
      <Group align="end" wrap="wrap">
        <TextInput label="Who (e-mail)" {...field("email")} />
        <TextInput label="Patient (name or e-mail)" {...field("patient")} />
        <TextInput label="Case id" {...field("caseId")} />
        <TextInput label="Action" {...field("action")} />
        <Select
          label="Outcome"
          data={["", "allowed", "denied", "error"].map((v) => ({ value: v, label: v || "any" }))}
          value={filter.outcome}
          onChange={(v) => setFilter({ ...filter, outcome: v ?? "" })}
        />
        <TextInput label="From" type="datetime-local" {...field("from")} />
        <TextInput label="To" type="datetime-local" {...field("to")} />
        <Button onClick={() => setApplied(filter)}>Filter</Button>
        <Button
          variant="default"
          onClick={() => {
            setFilter(EMPTY);
            setApplied(EMPTY);
          }}
        >
          Clear
        </Button>
        <Anchor href={`/api/audit?${auditQuery(applied, { format: "csv", limit: "100000" })}`} download>
          Export CSV
        </Anchor>
      </Group>
      {error && <Badge color="red">{error}</Badge>}
      <ScrollArea h={400}>
        <Table aria-label="audit trail" fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Resource</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>From</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{new Date(a.at).toLocaleString()}</Table.Td>
                <Table.Td>
                  {a.email ?? a.userId ?? "—"} {a.role ? `(${a.role})` : ""}
                </Table.Td>
                <Table.Td>{a.action}</Table.Td>
                <Table.Td>
                  {a.resourceType} {a.resourceId?.slice(0, 8) ?? ""}
                </Table.Td>
                <Table.Td>
                  <Badge color={a.outcome === "allowed" ? "green" : "red"}>{a.outcome}</Badge>
                </Table.Td>
                <Table.Td>{a.ip}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Stack>
  );
}
