import { Slider, Text } from "@mantine/core";
import type { ExplorerPatientParameter } from "../../../../src/planner/explore-types.js";
import { fmt, formatQuantity } from "../../format";

/** One parameter: log-scale slider when its range is positive and spans a decade or more, linear otherwise. */
export function ParameterSlider(props: {
  readonly p: ExplorerPatientParameter;
  readonly onChange: (v: number) => void;
}) {
  const { p } = props;
  const [lo, hi] = p.bounds; // the server's: a value inside them is accepted
  const log = lo > 0 && hi / lo >= 10;
  const to = (v: number) => (log ? Math.log10(v) : v);
  const from = (x: number) => (log ? 10 ** x : x);
  const min = to(lo);
  const max = to(hi);
  const clampedFrom = (x: number) => Math.min(hi, Math.max(lo, from(x)));
  const marks = p.population
    ? [p.population.p5, p.population.p50, p.population.p95].map((v) => ({ value: to(v) }))
    : [];
  return (
    <div>
      <Text size="sm" title={`${p.description} — ${p.source}`} fw={p.changed ? 700 : undefined}>
        {p.name} = {formatQuantity(fmt(p.value), p.unit)}
        {p.changed ? " (changed)" : ""}
      </Text>
      <Slider
        thumbLabel={`parameter ${p.name}`}
        min={min}
        max={max}
        step={(max - min) / 200}
        value={to(p.value)}
        marks={marks}
        onChangeEnd={(x) => props.onChange(clampedFrom(x))}
        label={(x) => fmt(from(x))}
      />
      <Text size="xs" c="dimmed">
        {p.population
          ? `population 5–95 %: ${fmt(p.population.p5)}–${fmt(p.population.p95)}`
          : "shared by every virtual patient"}
        {p.range ? `; plausible ${fmt(p.range[0])}–${fmt(p.range[1])}` : ""}
      </Text>
    </div>
  );
}
