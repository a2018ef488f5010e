/**
 * The clinic's price list (admins): every price editable, each save a new version with a note; quotes already
 * given keep the version they were made with.
 */
import {
  Alert,
  Button,
  Card,
  Group,
  List,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useCallback, useEffect, useState } from "react";
import { api, get } from "../api";

interface PriceList {
  currency: string;
  source: string;
  agents: Record<string, { per: string; price: number; with?: string[] }>;
  procedures: Record<string, { name: string; price: number; unit: string }>;
  sbrt_min_gy: number;
  clinic: Record<string, { name: string; price: number }>;
  monitoring: {
    lab_panel: { name: string; price: number };
    scan: { name: string; price: number };
    scan_every_days: number;
  };
}
interface Current {
  version: number;
  document: PriceList;
  createdAt: string;
  note: string | null;
  createdBy: string | null;
}

export function PriceListPage() {
  const [current, setCurrent] = useState<Current | null>(null);
  const [doc, setDoc] = useState<PriceList | null>(null);
  const [versions, setVersions] = useState<
    { version: number; note: string | null; createdAt: string; createdBy: string | null }[]
  >([]);
  const [note, setNote] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useCallback(async () => {
    const c = await get<Current>("/api/price-list");
    setCurrent(c);
    setDoc(structuredClone(c.document));
    setVersions(await get("/api/price-list/versions"));
  }, []);
  useEffect(() => void load(), [load]);
  if (!doc || !current) return <Text>Loading…</Text>;
  const price = (label: string, value: number, set: (v: number) => void) => (
    <NumberInput
      size="xs"
      w={130}
      aria-label={label}
      value={value}
      min={0}
      decimalScale={6}
      onChange={(v) => typeof v === "number" && set(v)}
    />
  );
  const update = (f: (d: PriceList) => void) => {
    const d = structuredClone(doc);
    f(d);
    setDoc(d);
  };
  const save = async () => {
    setMessage(null);
    try {
      const r = await api<{ version: number }>("PUT", "/api/price-list", {
        expectedVersion: current.version,
        document: doc,
        note: note || undefined,
      });
      setMessage({ ok: true, text: `saved as version ${r.version}` });
      setNote("");
      await load();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  return (
    <Stack>
      <Title order={1}>Price list</Title>
      <Text c="dimmed">
        Version {current.version} · {current.createdBy ?? "shipped catalog/prices.yaml"} ·{" "}
        {current.note ?? ""} — {doc.source}
      </Text>
      <Group>
        <TextInput
          size="xs"
          w={90}
          label="Currency"
          value={doc.currency}
          onChange={(e) => update((d) => void (d.currency = e.currentTarget.value))}
        />
      </Group>
      <Card withBorder>
        <Title order={3}>Agents (price per dose unit or per administration)</Title>
        <Table fz="sm" aria-label="agent prices">
          <Table.Tbody>
            {Object.entries(doc.agents).map(([id, a]) => (
              <Table.Tr key={id}>
                <Table.Td>{id}</Table.Td>
                <Table.Td>per {a.per}</Table.Td>
                <Table.Td>
                  {price(`price of ${id}`, a.price, (v) => update((d) => void (d.agents[id].price = v)))}
                </Table.Td>
                <Table.Td>{a.with?.join(", ")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={3}>Procedures, clinic and monitoring</Title>
        <Table fz="sm" aria-label="other prices">
          <Table.Tbody>
            {Object.entries(doc.procedures).map(([id, p]) => (
              <Table.Tr key={id}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>per {p.unit}</Table.Td>
                <Table.Td>
                  {price(`price of ${id}`, p.price, (v) => update((d) => void (d.procedures[id].price = v)))}
                </Table.Td>
              </Table.Tr>
            ))}
            {Object.entries(doc.clinic).map(([id, p]) => (
              <Table.Tr key={id}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td />
                <Table.Td>
                  {price(`price of ${id}`, p.price, (v) => update((d) => void (d.clinic[id].price = v)))}
                </Table.Td>
              </Table.Tr>
            ))}
            {(["lab_panel", "scan"] as const).map((id) => (
              <Table.Tr key={id}>
                <Table.Td>{doc.monitoring[id].name}</Table.Td>
                <Table.Td />
                <Table.Td>
                  {price(`price of ${id}`, doc.monitoring[id].price, (v) =>
                    update((d) => void (d.monitoring[id].price = v)),
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      {message && (
        <Alert color={message.ok ? "green" : "red"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </Alert>
      )}
      <Group align="flex-end">
        <TextInput
          size="xs"
          w={320}
          label="Note for this version"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <Button
          onClick={() => void save()}
          disabled={JSON.stringify(doc) === JSON.stringify(current.document)}
        >
          Save as a new version
        </Button>
      </Group>
      <Card withBorder>
        <Title order={4}>Versions</Title>
        <List size="sm">
          {versions.map((v) => (
            <List.Item key={v.version}>
              v{v.version} · {new Date(v.createdAt).toLocaleString()} · {v.createdBy ?? "catalog"} ·{" "}
              {v.note ?? ""}
            </List.Item>
          ))}
        </List>
      </Card>
    </Stack>
  );
}
