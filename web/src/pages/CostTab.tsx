/**
 * What each candidate of the newest plan would cost with the clinic's current price list (with the items it is
 * built from), and the quote of the approved plan, kept with the prices it was made with.
 */
import { Alert, Anchor, Badge, Card, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import type { Estimate } from "../../../src/planner/estimate-types.js";
import { get } from "../api";

interface PlanSummary {
  id: string;
  status: string;
  createdAt: string;
  recommended: string;
}
interface Estimates {
  priceListVersion: number;
  currency: string;
  candidates: { id: string; name: string; rank: number; estimate: Estimate }[];
  quote: { priceListVersion: number; estimate: Estimate; createdAt: string } | null;
}

export const money = (x: number, currency: string): string =>
  `${currency} ${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function EstimateTable({ e, label }: { e: Estimate; label: string }) {
  return (
    <>
      <Table fz="xs" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th>Built from</Table.Th>
            <Table.Th ta="right">Quantity</Table.Th>
            <Table.Th ta="right">Unit price</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {e.items.map((i) => (
            <Table.Tr key={`${i.category}-${i.id}`}>
              <Table.Td>{i.description}</Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {i.basis}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                {i.quantity.toLocaleString("en-US")} {i.unit}
              </Table.Td>
              <Table.Td ta="right">
                {i.unitPrice !== 0 && i.unitPrice < 1
                  ? `${e.currency} ${i.unitPrice.toLocaleString("en-US", { maximumSignificantDigits: 3 })}`
                  : money(i.unitPrice, e.currency)}
              </Table.Td>
              <Table.Td ta="right">{money(i.amount, e.currency)}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td colSpan={4} fw={700}>
              Total
            </Table.Td>
            <Table.Td ta="right" fw={700}>
              {money(e.total, e.currency)}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {e.missing.length > 0 && (
        <Alert color="yellow" mt="xs" title="Not priced: the total is a lower bound">
          {e.missing.join("; ")}
        </Alert>
      )}
    </>
  );
}

export function CostTab({ caseId }: { caseId: string }) {
  const [plans, setPlans] = useState<PlanSummary[]>([]);
  const [planId, setPlanId] = useState<string | null>(null);
  const [data, setData] = useState<Estimates | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void get<PlanSummary[]>(`/api/cases/${caseId}/plans`).then((p) => {
      setPlans(p);
      setPlanId(p[0]?.id ?? null);
    });
  }, [caseId]);
  useEffect(() => {
    if (!planId) return;
    setError(null);
    get<Estimates>(`/api/plans/${planId}/estimates`)
      .then((d) => {
        setData(d);
        setChosen(d.candidates[0]?.id ?? null);
      })
      .catch((e: Error) => setError(e.message));
  }, [planId]);
  if (!plans.length)
    return <Text c="dimmed">No plan yet: run the planner to see what its candidates cost.</Text>;
  const c = data?.candidates.find((x) => x.id === chosen);
  return (
    <Stack>
      {error && <Alert color="red">{error}</Alert>}
      <Group>
        <Select
          label="Plan"
          w={320}
          data={plans.map((p) => ({
            value: p.id,
            label: `${new Date(p.createdAt).toLocaleString()} (${p.status})`,
          }))}
          value={planId}
          onChange={setPlanId}
        />
        {data && (
          <Text size="sm" c="dimmed" mt="lg">
            price list version {data.priceListVersion} ({data.currency})
          </Text>
        )}
      </Group>
      {data?.quote && (
        <Card withBorder>
          <Group justify="space-between">
            <Title order={3}>Quote of the approved plan</Title>
            <Anchor href={`/api/plans/${planId}/quote?format=pdf`}>Quote (PDF)</Anchor>
          </Group>
          <Text size="sm" c="dimmed" mb="xs">
            made {new Date(data.quote.createdAt).toLocaleString()} with price list version{" "}
            {data.quote.priceListVersion}; later price lists do not change it
          </Text>
          <EstimateTable e={data.quote.estimate} label="quote" />
        </Card>
      )}
      {data && (
        <Card withBorder>
          <Title order={3} mb="xs">
            Estimates of the candidates
          </Title>
          <Table fz="sm" aria-label="candidate estimates" mb="sm">
            <Table.Tbody>
              {data.candidates.map((x) => (
                <Table.Tr
                  key={x.id}
                  onClick={() => setChosen(x.id)}
                  style={{ cursor: "pointer" }}
                  bg={x.id === chosen ? "var(--mantine-color-blue-0)" : undefined}
                >
                  <Table.Td>#{x.rank}</Table.Td>
                  <Table.Td>{x.name}</Table.Td>
                  <Table.Td ta="right">{money(x.estimate.total, x.estimate.currency)}</Table.Td>
                  <Table.Td>
                    {x.estimate.missing.length > 0 && <Badge color="yellow">incomplete</Badge>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {c && (
            <>
              <Text fw={600} size="sm">
                {c.name}
              </Text>
              <EstimateTable e={c.estimate} label="estimate items" />
              <Text size="xs" c="dimmed" mt="xs">
                {c.estimate.assumptions.join(" · ")}
              </Text>
            </>
          )}
        </Card>
      )}
    </Stack>
  );
}
