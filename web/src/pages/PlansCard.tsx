import { Badge, Button, Card, Group, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { post } from "../api";

export interface PlanSummary {
  id: string;
  status: string;
  chosen: string | null;
  createdAt: string;
  approvedAt: string | null;
}

/** Plan statuses in plain words, with the colour of their badge. */
export const PLAN_STATUS_WORDS: Record<string, { text: string; color: string }> = {
  draft: { text: "Draft (not approved)", color: "gray" },
  approved: { text: "Approved, not started", color: "blue" },
  active: { text: "In progress", color: "green" },
  completed: { text: "Completed", color: "teal" },
  withdrawn: { text: "Withdrawn", color: "red" },
};

/**
 * The case's plans and what can happen to them next: start an approved plan, complete an active one, withdraw
 * one with a reason. The case's status follows (the server answers with it).
 */
export function PlansCard({
  plans,
  act,
}: {
  plans: PlanSummary[];
  act: (f: () => Promise<unknown>, ok: string) => Promise<void>;
}) {
  const [reason, setReason] = useState<Record<string, string>>({});
  const change = (p: PlanSummary, status: string, ok: string) =>
    act(
      () =>
        post(`/api/plans/${p.id}/status`, {
          status,
          ...(status === "withdrawn" ? { reason: reason[p.id] ?? "" } : {}),
        }),
      ok,
    );
  return (
    <Card withBorder>
      <Title order={3} mb="xs">
        Plans
      </Title>
      {plans.length === 0 && <Text c="dimmed">No plan yet: make one in the Planner tab.</Text>}
      <Table fz="sm" aria-label="plans">
        <Table.Tbody>
          {plans.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>
                {new Date(p.createdAt).toLocaleDateString()}
                {p.chosen ? ` · ${p.chosen}` : ""}
              </Table.Td>
              <Table.Td>
                <Badge color={PLAN_STATUS_WORDS[p.status]?.color} tt="none" style={{ maxWidth: "none" }}>
                  {PLAN_STATUS_WORDS[p.status]?.text ?? p.status}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Group gap="xs" align="end">
                  {p.status === "approved" && (
                    <Button
                      size="compact-sm"
                      onClick={() => void change(p, "active", "The plan has started.")}
                    >
                      Start the plan
                    </Button>
                  )}
                  {p.status === "active" && (
                    <Button
                      size="compact-sm"
                      variant="light"
                      onClick={() => void change(p, "completed", "The plan is completed.")}
                    >
                      Complete
                    </Button>
                  )}
                  {["draft", "approved", "active"].includes(p.status) && (
                    <>
                      <TextInput
                        size="xs"
                        aria-label={`reason to withdraw the plan of ${new Date(p.createdAt).toLocaleDateString()}`}
                        placeholder="reason to withdraw"
                        value={reason[p.id] ?? ""}
                        onChange={(e) => setReason({ ...reason, [p.id]: e.currentTarget.value })}
                      />
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="light"
                        disabled={!reason[p.id]?.trim()}
                        onClick={() => void change(p, "withdrawn", "The plan is withdrawn.")}
                      >
                        Withdraw
                      </Button>
                    </>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
