/** The patient's quote for the approved plan: the total, the items, and the PDF, before the treatment starts. */
import { Button, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import type { Estimate } from "../../../src/planner/estimate-types.js";
import { get } from "../api";
import { EstimateTable, money } from "./CostTab";

export function QuoteCard({ planId }: { planId: string }) {
  const [quote, setQuote] = useState<{ estimate: Estimate; createdAt: string } | null>(null);
  useEffect(() => {
    get<{ estimate: Estimate; createdAt: string }>(`/api/plans/${planId}/quote`)
      .then(setQuote)
      .catch(() => setQuote(null));
  }, [planId]);
  if (!quote) return null;
  return (
    <Stack gap="xs" aria-label="quote of your plan">
      <Text fw={600}>
        Cost estimate: {money(quote.estimate.total, quote.estimate.currency)} (given{" "}
        {new Date(quote.createdAt).toLocaleDateString()})
      </Text>
      <EstimateTable e={quote.estimate} label="quote items" />
      <Button component="a" href={`/api/plans/${planId}/quote?format=pdf`} variant="light">
        Download the quote (PDF)
      </Button>
    </Stack>
  );
}
