import { Badge, List, Table, Text, Title } from "@mantine/core";

/** One RECIST 1.1 time point as the API returns it (src/clinic/recist.ts). */
export interface Timepoint {
  date: string;
  sumMm: number | null;
  changeFromBaselinePct: number | null;
  changeFromNadirPct: number | null;
  changeFromNadirMm: number | null;
  nadirMm: number | null;
  target: string;
  nonTarget: string;
  newLesions: boolean;
  overall: string;
}
export interface IrecistPoint {
  date: string;
  response: string;
  reasons: string[];
}
/** GET /api/cases/{id}/response: the current line of treatment against its own baseline. */
export interface ResponseView {
  lineStart?: string | null;
  baseline?: { date: string; sumMm: number | null };
  baselineReason?: string;
  recist: {
    timepoints: Timepoint[];
    best: {
      response: string;
      confirmed: string;
      date: string | null;
      confirmedDate?: string | null;
      minSdDays?: number;
      confirmDays?: number;
    };
  } | null;
  irecist: {
    timepoints: IrecistPoint[];
    best: { response: string; date: string | null; progressionDate: string | null };
  } | null;
  /** Immune-related response criteria, unidimensional (src/clinic/irrc.ts); absent from older servers. */
  irrc?: { timepoints: { date: string; response: string; confirmed: boolean | null }[] } | null;
  note?: string;
}

/** Response words for people: the category and what it means. */
export const RESPONSE_WORDS: Record<string, string> = {
  CR: "complete response",
  PR: "partial response",
  SD: "stable disease",
  PD: "progressive disease",
  NE: "not evaluable",
  "NON-CR/NON-PD": "neither complete response nor progression",
  iCR: "complete response (iRECIST)",
  iPR: "partial response (iRECIST)",
  iSD: "stable disease (iRECIST)",
  iUPD: "unconfirmed progression (iRECIST)",
  iCPD: "confirmed progression (iRECIST)",
  "NON-iCR/NON-iUPD": "neither complete response nor progression (iRECIST)",
  irCR: "complete response (irRC)",
  irPR: "partial response (irRC)",
  irSD: "stable disease (irRC)",
  irPD: "progression (irRC; counts when the next scan ≥ 4 weeks later confirms it)",
};
const COLOR: Record<string, string> = {
  CR: "green",
  PR: "teal",
  SD: "gray",
  "NON-CR/NON-PD": "gray",
  PD: "red",
  NE: "yellow",
  iCR: "green",
  iPR: "teal",
  iSD: "gray",
  "NON-iCR/NON-iUPD": "gray",
  iUPD: "orange",
  iCPD: "red",
  irCR: "green",
  irPR: "teal",
  irSD: "gray",
  irPD: "orange",
};

function ResponseBadge({ r, variant }: { r: string | undefined; variant?: "light" | "filled" }) {
  if (!r) return <Text c="dimmed">—</Text>;
  return (
    <Badge
      variant={variant}
      color={COLOR[r] ?? "blue"}
      tt="none"
      title={RESPONSE_WORDS[r] ?? r}
      style={{ maxWidth: "none", minWidth: "max-content" }}
    >
      {r}
    </Badge>
  );
}

const signed = (x: number, unit: string) =>
  `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(0)}${unit}`;

/** RECIST 1.1, iRECIST and irRC of the current line: baseline, time points, PD against its nadir, best responses. */
export function ResponseSection({ response }: { response: ResponseView | null }) {
  if (!response?.recist)
    return <Text c="dimmed">{response?.note ?? "Needs a baseline and a follow-up scan."}</Text>;
  const { recist, irecist } = response;
  const iAt = new Map((irecist?.timepoints ?? []).map((t) => [t.date, t]));
  const irAt = new Map((response.irrc?.timepoints ?? []).map((t) => [t.date, t]));
  const best = recist.best;
  return (
    <>
      {response.baseline && (
        <Text size="sm" data-testid="recist-baseline">
          Baseline {response.baseline.date}
          {response.baseline.sumMm !== null ? `, sum of diameters ${response.baseline.sumMm} mm` : ""}:{" "}
          {response.baselineReason}
        </Text>
      )}
      <Table fz="sm" aria-label="response">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Sum (mm)</Table.Th>
            <Table.Th>vs baseline</Table.Th>
            <Table.Th>vs nadir</Table.Th>
            <Table.Th>RECIST 1.1</Table.Th>
            <Table.Th>iRECIST</Table.Th>
            {response.irrc && (
              <Table.Th title="immune-related response criteria (unidimensional)">irRC</Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {recist.timepoints.map((t) => (
            <Table.Tr key={t.date}>
              <Table.Td>{t.date}</Table.Td>
              <Table.Td>{t.sumMm ?? "—"}</Table.Td>
              <Table.Td>
                {t.changeFromBaselinePct === null ? "—" : signed(t.changeFromBaselinePct, " %")}
              </Table.Td>
              <Table.Td>
                {t.nadirMm === null || t.changeFromNadirMm === null
                  ? "—"
                  : `${signed(t.changeFromNadirMm, " mm")}${
                      t.changeFromNadirPct === null ? "" : ` (${signed(t.changeFromNadirPct, " %")})`
                    }${t.overall === "PD" ? ` from the nadir of ${t.nadirMm} mm` : ""}`}
                {t.newLesions ? "; new lesion" : ""}
              </Table.Td>
              <Table.Td>
                <ResponseBadge r={t.overall} />
              </Table.Td>
              <Table.Td>
                <ResponseBadge r={iAt.get(t.date)?.response} />
              </Table.Td>
              {response.irrc && (
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <ResponseBadge r={irAt.get(t.date)?.response} />
                  {irAt.get(t.date)?.response === "irPD" &&
                    (irAt.get(t.date)?.confirmed === true
                      ? " confirmed"
                      : irAt.get(t.date)?.confirmed === false
                        ? " not confirmed"
                        : " to be confirmed")}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" mt="xs" data-testid="recist-best">
        RECIST 1.1 best overall response: <b>{best.response}</b> (
        {RESPONSE_WORDS[best.response] ?? best.response}
        ); confirmed: <b>{best.confirmed}</b>
        {best.minSdDays !== undefined
          ? ` — stable disease counts from ${best.minSdDays} days after the baseline, a response is confirmed by a scan ≥ ${best.confirmDays} days later`
          : ""}
        .
      </Text>
      {irecist && (
        <>
          <Text size="sm" data-testid="irecist-best">
            iRECIST best overall response: <b>{irecist.best.response}</b>
            {irecist.best.progressionDate
              ? `; confirmed progression dated from the unconfirmed progression of ${irecist.best.progressionDate}`
              : ""}
            .
          </Text>
          {irecist.timepoints.some((t) => t.reasons.length > 0) && (
            <>
              <Title order={5} mt="xs">
                iRECIST reasons
              </Title>
              <List size="sm">
                {irecist.timepoints.flatMap((t) =>
                  t.reasons.map((r, k) => (
                    <List.Item key={`${t.date}-${k}`}>
                      {t.date} {t.response}: {r}
                    </List.Item>
                  )),
                )}
              </List>
            </>
          )}
        </>
      )}
    </>
  );
}
