import { Anchor, Badge, Select, Table, Text, Title } from "@mantine/core";
import { StatusBadge } from "../components/StatusBadge";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, get } from "../api";
import { useAuth } from "../auth";

interface CaseSummary {
  id: string;
  title: string;
  status: string;
  patientName: string;
  clinicianId: string | null;
  clinicianName: string | null;
  updatedAt: string;
  attention: string[];
}

export function CaseList() {
  const { user } = useAuth();
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [clinicians, setClinicians] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const canAssign = user?.role === "coordinator" || user?.role === "admin";
  const load = () => get<CaseSummary[]>("/api/cases").then(setCases);
  useEffect(() => {
    void load();
    if (canAssign) void get<{ id: string; name: string }[]>("/api/clinicians").then(setClinicians);
  }, [canAssign]);
  const assign = async (caseId: string, clinicianId: string | null) => {
    setError(null);
    try {
      await api("PATCH", `/api/cases/${caseId}`, { clinicianId });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <Title order={1} mb="md">
        Cases
      </Title>
      {error && (
        <Text c="red" role="alert">
          {error}
        </Text>
      )}
      {cases.length === 0 ? (
        <Text c="dimmed">No cases assigned to you.</Text>
      ) : (
        <Table striped highlightOnHover aria-label="cases">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Case</Table.Th>
              <Table.Th>Patient</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Clinician</Table.Th>
              <Table.Th>Needs attention</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cases.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  {user?.role === "clinician" ? (
                    <Anchor component={Link} to={`/cases/${c.id}`}>
                      {c.title}
                    </Anchor>
                  ) : user?.role === "coordinator" ? (
                    // the coordinator schedules: the case's appointments and open requests
                    <Anchor component={Link} to={`/consultations?case=${c.id}`}>
                      {c.title}
                    </Anchor>
                  ) : (
                    c.title
                  )}
                </Table.Td>
                <Table.Td>{c.patientName}</Table.Td>
                <Table.Td>
                  <StatusBadge status={c.status} />
                </Table.Td>
                <Table.Td>
                  {canAssign ? (
                    <Select
                      aria-label={`clinician of ${c.title}`}
                      data={clinicians.map((x) => ({ value: x.id, label: x.name }))}
                      value={c.clinicianId}
                      placeholder="assign…"
                      onChange={(v) => void assign(c.id, v)}
                    />
                  ) : (
                    (c.clinicianName ?? "—")
                  )}
                </Table.Td>
                <Table.Td>
                  {c.attention.length
                    ? c.attention.map((a) => (
                        <Badge key={a} color="orange" mr={4}>
                          {a}
                        </Badge>
                      ))
                    : "—"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
