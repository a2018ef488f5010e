import {
  Alert,
  Badge,
  Button,
  Group,
  PasswordInput,
  ScrollArea,
  Select,
  Stack,
  Switch,
  Table,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { api, get, post } from "../api";

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  lockedUntil: string | null;
}
interface AuditRow {
  id: number;
  at: string;
  userId: string | null;
  role: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
}

export function AdminPage() {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [audit, setAudit] = useState<AuditRow[]>([]);
  const [form, setForm] = useState({ email: "", name: "", role: "clinician", password: "" });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const load = async () => {
    setUsers(await get<UserRow[]>("/api/users"));
    setAudit(await get<AuditRow[]>("/api/audit?limit=100"));
  };
  useEffect(() => void load(), []);
  const create = async () => {
    try {
      await post("/api/users", form);
      setMsg({ ok: true, text: `Created ${form.email}` });
      setForm({ email: "", name: "", role: "clinician", password: "" });
      await load();
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message });
    }
  };
  const names = new Map(users.map((u) => [u.id, u.email]));
  return (
    <Stack>
      <Title order={1}>Users</Title>
      <Table aria-label="users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Active</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{u.name}</Table.Td>
              <Table.Td>
                <Badge>{u.role}</Badge>
                {u.lockedUntil && new Date(u.lockedUntil) > new Date() ? (
                  <Badge color="red" ml={4}>
                    locked
                  </Badge>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Switch
                  aria-label={`${u.email} active`}
                  checked={!u.disabled}
                  onChange={(e) =>
                    void api("PATCH", `/api/users/${u.id}`, { disabled: !e.currentTarget.checked }).then(
                      load,
                      (err: Error) => setMsg({ ok: false, text: err.message }),
                    )
                  }
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={2} size="h3">
        New account
      </Title>
      <Group align="end">
        <TextInput
          label="E-mail"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
        <TextInput
          label="Name"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
        />
        <Select
          label="Role"
          data={["patient", "clinician", "coordinator", "admin"]}
          value={form.role}
          onChange={(v) => setForm({ ...form, role: v ?? "clinician" })}
        />
        <PasswordInput
          label="Initial password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
        />
        <Button onClick={() => void create()}>Create</Button>
      </Group>
      {msg && (
        <Alert color={msg.ok ? "green" : "red"} role="status">
          {msg.text}
        </Alert>
      )}
      <Title order={2} size="h3">
        Audit trail (latest 100)
      </Title>
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
            {audit.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{new Date(a.at).toLocaleString()}</Table.Td>
                <Table.Td>
                  {a.userId ? (names.get(a.userId) ?? a.userId) : "—"} {a.role ? `(${a.role})` : ""}
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
