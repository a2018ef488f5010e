import { Alert, Badge, Button, Group, Select, Stack, Switch, Table, TextInput, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { api, get, post } from "../api";
import { AuditTrail } from "./AuditTrail";

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  lockedUntil: string | null;
}
export function AdminPage() {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [form, setForm] = useState({ email: "", name: "", role: "clinician" });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const load = async () => {
    setUsers(await get<UserRow[]>("/api/users"));
  };
  useEffect(() => void load(), []);
  const create = async () => {
    try {
      await post("/api/users", form);
      setMsg({
        ok: true,
        text: `Invited ${form.email}: they choose their password with the e-mailed code. A coordinator assigns cases.`,
      });
      setForm({ email: "", name: "", role: "clinician" });
      await load();
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message });
    }
  };
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
        <Button onClick={() => void create()}>Invite</Button>
      </Group>
      {msg && (
        <Alert color={msg.ok ? "green" : "red"} role="status">
          {msg.text}
        </Alert>
      )}
      <AuditTrail />
    </Stack>
  );
}
