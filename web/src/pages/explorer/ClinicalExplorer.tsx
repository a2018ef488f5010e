import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useEffect, useMemo, useRef, useState } from "react";
import type {
  ExplorerPopulation,
  ExploreResult,
  PublishedFigure,
} from "../../../../src/planner/explore-types.js";
import { get, post } from "../../api";
import { LogPlot, PALETTE, type PlotLine } from "../../components/LogPlot";
import { fmt, pct } from "../../format";
import { ParameterSlider } from "./ParameterSlider";
import { PopulationPanel, type PopulationRun } from "./PopulationPanel";
import { download } from "./download";

interface Catalog {
  cancers: string[];
  draws: number;
  maxDays: number;
}
type Run = ExploreResult & { ms: number };

const CANCER_NAMES: Record<string, string> = {
  melanoma: "Melanoma",
  nsclc: "Non-small-cell lung cancer",
  "renal-cell-carcinoma": "Renal cell carcinoma",
  "large-b-cell-lymphoma": "Large B-cell lymphoma",
  "prostate-cancer": "Prostate cancer",
};

const ci = (c: PublishedFigure["ci"], f: (x: number) => string) =>
  c ? ` (95 % CI ${f(c[0])}–${c[1] === null ? "not reached" : f(c[1])})` : "";
/** A published end point as the trial reported it: a median in months, every other one a proportion. */
const published = (p: PublishedFigure) =>
  p.value === null
    ? `${p.endpoint.replace(/_/g, " ")} not reached${ci(p.ci, fmt)}`
    : /median/i.test(p.endpoint)
      ? `${p.endpoint.replace(/_/g, " ")} ${fmt(p.value)}${ci(p.ci, fmt)}`
      : `${p.endpoint.replace(/_/g, " ")} ${pct(p.value)}${ci(p.ci, pct)}`;

/**
 * The calibrated clinical model: a virtual patient of a cancer type's calibrated population under a published trial
 * arm's protocol, simulated on the server, its parameters changeable; and the same protocol on 100 of the
 * population's virtual patients.
 */
export function ClinicalExplorer() {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [cancer, setCancer] = useState<string | null>("melanoma");
  const [pop, setPop] = useState<ExplorerPopulation | null>(null);
  const [arm, setArm] = useState<string | null>(null);
  const [draw, setDraw] = useState(1);
  const [horizon, setHorizon] = useState("365");
  const [overrides, setOverrides] = useState<Record<string, number>>({});
  const [run, setRun] = useState<Run | null>(null);
  const [band, setBand] = useState<PopulationRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);

  useEffect(() => void get<Catalog>("/api/explorer").then(setCatalog, (e: Error) => setError(e.message)), []);
  useEffect(() => {
    if (!cancer) return;
    setPop(null);
    setRun(null);
    setBand(null);
    setOverrides({});
    get<ExplorerPopulation>(`/api/explorer/${cancer}`).then(
      (p) => {
        setPop(p);
        // the first trial arm (a published protocol), else no treatment
        setArm(p.arms[1]?.id ?? p.arms[0]?.id ?? null);
      },
      (e: Error) => setError(e.message),
    );
  }, [cancer]);
  // a changed protocol may act on other parameters
  useEffect(() => setOverrides({}), [arm]);
  useEffect(() => {
    if (!pop || !arm || pop.cancer !== cancer) return;
    const id = ++latest.current;
    setBusy(true);
    const timer = setTimeout(() => {
      post<Run>(`/api/explorer/${cancer}/simulate`, {
        arm,
        draw: draw - 1,
        overrides,
        horizonDays: Number(horizon),
      }).then(
        (r) => {
          if (id !== latest.current) return; // an older request answered late
          setError(null);
          setRun(r);
          setBusy(false);
        },
        (e: Error) => {
          if (id !== latest.current) return;
          setError(e.message);
          setBusy(false);
        },
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [pop, cancer, arm, draw, overrides, horizon]);
  useEffect(() => {
    if (!pop || !arm || pop.cancer !== cancer) return;
    setBand(null);
    let live = true;
    post<PopulationRun>(`/api/explorer/${cancer}/population`, { arm, horizonDays: Number(horizon) }).then(
      (b) => live && setBand(b),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [pop, cancer, arm, horizon]);

  const sldLines = useMemo((): PlotLine[] => {
    if (!run) return [];
    const base = run.sldMm[0];
    const lines: PlotLine[] = [
      { label: "sum of diameters (target lesions)", values: run.sldMm, color: PALETTE[0] },
      { label: "−30 % (partial response)", values: run.days.map(() => 0.7 * base), color: PALETTE[2] },
      { label: "+20 % (progression, from the nadir)", values: nadirPlus20(run.sldMm), color: PALETTE[1] },
    ];
    run.patient.lesions.forEach((l, k) =>
      lines.push({
        label: `${l.id} (${l.site}${l.local ? ", treated locally" : ""}${l.role === "target" ? "" : ", non-target"})`,
        values: run.lesionMm[k],
        color: PALETTE[(3 + k) % PALETTE.length],
      }),
    );
    return lines;
  }, [run]);
  const cellLines = useMemo(
    (): PlotLine[] =>
      run
        ? run.states
            .filter((s) => s.unit === "cell" && s.values.some((v) => v > 0))
            .map((s, i) => ({ label: s.name, values: s.values, color: PALETTE[i % PALETTE.length] }))
        : [],
    [run],
  );
  const otherLines = useMemo(
    (): PlotLine[] =>
      run
        ? run.states
            .filter((s) => s.unit !== "cell")
            .map((s, i) => ({
              label: `${s.name} (${s.unit === "1" ? "relative" : s.unit})`,
              values: s.values,
              color: PALETTE[i % PALETTE.length],
            }))
        : [],
    [run],
  );
  const csv = () =>
    run &&
    download(
      `explorer-${run.cancer}-patient-${run.patient.draw + 1}.csv`,
      [
        `day,sld_mm,${run.patient.lesions.map((l) => `${l.id}_mm`).join(",")},${run.states.map((s) => s.name).join(",")}`,
        ...run.days.map((d, i) =>
          [d, run.sldMm[i], ...run.lesionMm.map((v) => v[i]), ...run.states.map((s) => s.values[i])].join(
            ",",
          ),
        ),
      ].join("\n") + "\n",
      "text/csv",
    );
  const params = run?.parameters ?? [];
  const armInfo = pop?.arms.find((a) => a.id === arm);
  const c = run?.patient.covariates;
  return (
    <Stack>
      <Group align="end">
        <Select
          label="Cancer type"
          data={(catalog?.cancers ?? []).map((x) => ({ value: x, label: CANCER_NAMES[x] ?? x }))}
          value={cancer}
          onChange={setCancer}
          allowDeselect={false}
          w={250}
        />
        <Select
          label="Protocol (a published trial arm)"
          searchable
          data={(pop?.arms ?? []).map((a) => ({ value: a.id, label: a.label }))}
          value={arm}
          onChange={setArm}
          allowDeselect={false}
          w={380}
        />
        <NumberInput
          label={`Virtual patient (1–${catalog?.draws ?? 100})`}
          min={1}
          max={catalog?.draws ?? 100}
          value={draw}
          onChange={(v) => typeof v === "number" && v >= 1 && v <= (catalog?.draws ?? 100) && setDraw(v)}
          w={170}
        />
        <Select
          label="Horizon"
          data={[
            { value: "182", label: "6 months" },
            { value: "365", label: "1 year" },
            { value: "730", label: "2 years" },
          ]}
          value={horizon}
          onChange={(v) => v && setHorizon(v)}
          allowDeselect={false}
          w={130}
        />
        <Button variant="default" onClick={csv} disabled={!run}>
          Export CSV
        </Button>
      </Group>
      {pop && (
        <Text size="sm">
          Calibrated population of {pop.patients.toLocaleString("en")} virtual patients (
          {pop.plausible.toLocaleString("en")} plausible, effective sample size{" "}
          {Math.round(pop.effectiveSampleSize)}
          {pop.converged ? "" : ", calibration NOT converged"}), weighted on {pop.trials.join(", ")}. The
          explorer's {pop.draws} virtual patients are a seeded draw from it.
        </Text>
      )}
      {pop?.warnings.map((w) => (
        <Alert key={w} color="orange">
          {w}
        </Alert>
      ))}
      {error && (
        <Text c="red" role="alert">
          {error}
        </Text>
      )}
      {armInfo && armInfo.published.length > 0 && (
        <Text size="sm">
          Published ({armInfo.trial}; {armInfo.source}): {armInfo.published.map(published).join(" · ")}
        </Text>
      )}
      {run && c && (
        <Card withBorder aria-label="virtual patient">
          <Title order={3} size="h4">
            Virtual patient {run.patient.draw + 1} ({run.patient.id}){busy ? " — simulating…" : ""}
          </Title>
          <Text size="sm">
            Stage {c.stage}, LDH {c.ldh_elevated ? "above" : "within"} normal, PD-L1 {fmt(c.pdl1_tps)} %, ECOG{" "}
            {c.ecog}, {c.prior_lines} prior line{c.prior_lines === 1 ? "" : "s"}; untreated volume doubling
            time {Math.round(c.vdt_days)} days; {run.patient.lesions.length} lesion
            {run.patient.lesions.length === 1 ? "" : "s"}, sum of target diameters {fmt(c.sld_mm)} mm. Best
            change of the sum:{" "}
            {Math.round(run.best.change * 100)
              .toString()
              .replace("-", "−")}{" "}
            % (day {run.best.day}).
          </Text>
          {run.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
        </Card>
      )}
      {run && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <LogPlot
            title={`Lesions of this virtual patient (simulated on the server in ${Math.round(run.ms)} ms)`}
            x={run.days}
            lines={sldLines}
            xLabel="time (days)"
            yLabel="diameter (mm)"
            log={false}
            height={320}
          />
          <LogPlot
            title="Cancer cells and effector T cells"
            x={run.days}
            lines={cellLines}
            xLabel="time (days)"
            yLabel="cells (log scale)"
            height={320}
          />
        </SimpleGrid>
      )}
      <PopulationPanel band={band} draws={pop?.draws ?? 100} />
      {run && otherLines.length > 0 && (
        <LogPlot
          title="Other states: drugs, virus, regulatory T cells, host lymphocytes (one point a day: a drug of minutes, like IL-2, shows only where a point falls just after a dose)"
          x={run.days}
          lines={otherLines}
          xLabel="time (days)"
          yLabel="each state's unit (log scale)"
          height={260}
        />
      )}
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4">
            Parameters of this virtual patient (per patient first; the band is the calibrated population's
            5–95 %)
          </Title>
          <Button
            variant="default"
            size="xs"
            onClick={() => setOverrides({})}
            disabled={!Object.keys(overrides).length}
          >
            Reset
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {params.map((p) => (
            <ParameterSlider
              key={p.name}
              p={p}
              onChange={(v) => setOverrides((o) => ({ ...o, [p.name]: v }))}
            />
          ))}
        </SimpleGrid>
        {params.length > 0 && (
          <Text size="xs" c="dimmed" mt="xs">
            {params.filter((p) => p.changed).length} changed. Sliders span the model's plausible range (log
            scale where it spans a decade or more); hover a name for its description and source.
          </Text>
        )}
      </Card>
    </Stack>
  );
}

/** The progression threshold of RECIST 1.1 on each day: 20 % above the smallest sum so far (and ≥ 5 mm). */
function nadirPlus20(sld: readonly number[]): number[] {
  let nadir = Infinity;
  return sld.map((v) => {
    nadir = Math.min(nadir, v);
    return Math.max(nadir * 1.2, nadir + 5);
  });
}
