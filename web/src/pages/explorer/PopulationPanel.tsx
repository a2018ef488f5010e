import { Card, Table, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import type { PublishedFigure } from "../../../../src/planner/explore-types.js";
import { LogPlot, PALETTE, type PlotLine } from "../../components/LogPlot";
import { pct } from "../../format";

/** The answer of POST /api/explorer/:cancer/population. */
export interface PopulationRun {
  arm: string;
  samples: number;
  days: number[];
  sldBands: number[][] | null;
  quantiles: number[];
  pResponse: number | null;
  pComplete: number | null;
  milestones: number[];
  pControl: number[];
  medianTtpDays: number | null;
  /** The model's error on trials left out of its calibration, in words (model-error.ts). */
  modelError: string;
  published: PublishedFigure[];
  ms: number;
}

/** The protocol on the explorer's virtual patients: response, control and the bands of the sum of diameters. */
export function PopulationPanel(props: { readonly band: PopulationRun | null; readonly draws: number }) {
  const { band } = props;
  const bandLines = useMemo((): PlotLine[] => {
    if (!band?.sldBands) return [];
    const [q5, q25, q50, q75, q95] = band.sldBands;
    return [
      { label: "median", values: q50, lower: q25, upper: q75, color: PALETTE[0] },
      { label: "5 %", values: q5, color: PALETTE[6] },
      { label: "95 %", values: q95, color: PALETTE[6] },
    ];
  }, [band]);
  return (
    <Card withBorder aria-label="population">
      <Title order={3} size="h4" mb="xs">
        The same protocol on {band?.samples ?? props.draws} virtual patients of the population
      </Title>
      {!band && <Text size="sm">Simulating the population…</Text>}
      {band && (
        <>
          <Table withTableBorder w="auto" aria-label="population figures">
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>Best change of the sum ≤ −30 % (model, no reader noise, unconfirmed)</Table.Td>
                <Table.Td>{pct(band.pResponse)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>Every target lesion gone</Table.Td>
                <Table.Td>{pct(band.pComplete)}</Table.Td>
              </Table.Tr>
              {band.milestones.map((m, i) => (
                <Table.Tr key={m}>
                  <Table.Td>No progression at {Math.round(m / 30.44)} months</Table.Td>
                  <Table.Td>{pct(band.pControl[i])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed" mt="xs">
            Not a trial simulation: the whole calibrated population (not the trial's eligibility), dosed for a
            75 kg adult, lesions without reader noise and without confirmation scans; simulated in{" "}
            {Math.round(band.ms)} ms. The trial as run — enrolment, scan schedule, RECIST with confirmation —
            is `immunoplan trial simulate`, compared with the published figures in docs/calibration.md. The
            model's own error on trials left out of its calibration (a trial's figure may lie that far from
            the model's): {band.modelError}.
          </Text>
          <LogPlot
            title="Sum of diameters (mm): median, 25–75 % band, 5 % and 95 %"
            x={band.days}
            lines={bandLines}
            xLabel="time (days)"
            yLabel="sum of diameters (mm)"
            log={false}
            height={280}
          />
        </>
      )}
    </Card>
  );
}
