import { Button, Card, Checkbox, Group, Select, SimpleGrid, Slider, Stack, Text, Title } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { compileModel } from "../../../../src/engine/language/compile-model.js";
import { renderSvgPlot } from "../../../../src/plot/svg.js";
import { get } from "../../api";
import { LogPlot, PALETTE } from "../../components/LogPlot";
import { fmt, formatQuantity } from "../../format";
import { modelText, simulate } from "../../sim";
import { download } from "./download";

interface ModelInfo {
  name: string;
  description: string;
  modules: { name: string; description: string }[];
}

/** Every model of the library (published models reproduced, the core model): compiled and solved in the browser. */
export function LibraryExplorer() {
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [name, setName] = useState<string | null>("immunoplan-clinical");
  const [text, setText] = useState<string | null>(null);
  const [modules, setModules] = useState<string[]>([]);
  const [factors, setFactors] = useState<Record<string, number>>({});
  /** Parameters published as 0 (failure reasons): set by value, since × 0.1 … × 10 of 0 stays 0. */
  const [absolute, setAbsolute] = useState<Record<string, number>>({});
  const [run, setRun] = useState<{ times: number[]; states: Record<string, number[]>; ms: number } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void get<ModelInfo[]>("/api/models").then(setModels), []);
  useEffect(() => {
    if (!name) return;
    setModules([]);
    setFactors({});
    setAbsolute({});
    void modelText(name).then(setText);
  }, [name]);
  const compiled = useMemo(() => {
    if (!text) return null;
    try {
      return compileModel(text, `${name}.yaml`, { modules }).model;
    } catch (e) {
      setError((e as Error).message);
      return null;
    }
  }, [text, modules, name]);
  const params = compiled?.spec.parameters ?? [];
  useEffect(() => {
    if (!compiled || !text) return;
    const parameters: Record<string, number> = {};
    for (const p of compiled.spec.parameters)
      if (p.value === 0 && absolute[p.name] !== undefined) parameters[p.name] = absolute[p.name];
      else if (factors[p.name] !== undefined) parameters[p.name] = p.value * Math.pow(10, factors[p.name]);
    const tEnd =
      name === "immunoplan-clinical"
        ? 365
        : name === "immunoplan-core" || name?.startsWith("depillis")
          ? 120
          : 100;
    const timer = setTimeout(() => {
      simulate<"run">({
        kind: "run",
        modelText: text,
        modules,
        parameters,
        initial: {},
        tEnd,
        nOut: 241,
      }).then(
        (r) => {
          setError(null);
          setRun(r);
        },
        (e: Error) => setError(e.message),
      );
    }, 60);
    return () => clearTimeout(timer);
  }, [compiled, text, modules, factors, absolute, name]);
  const lines = useMemo(
    () =>
      run
        ? Object.entries(run.states).map(([n, v], i) => ({
            label: n,
            values: v,
            color: PALETTE[i % PALETTE.length],
          }))
        : [],
    [run],
  );
  const info = models.find((m) => m.name === name);
  const csv = () =>
    run &&
    download(
      `${name}.csv`,
      [
        `t,${Object.keys(run.states).join(",")}`,
        ...run.times.map((t, i) => [t, ...Object.values(run.states).map((v) => v[i])].join(",")),
      ].join("\n") + "\n",
      "text/csv",
    );
  const svg = () =>
    run &&
    download(
      `${name}.svg`,
      renderSvgPlot({
        title: `${name} (Immunoplan model explorer)`,
        times: run.times,
        series: Object.entries(run.states).map(([n, v]) => ({ name: n, values: v })),
        note: "research model; decision support",
      }),
      "image/svg+xml",
    );
  return (
    <Stack>
      <Group align="end">
        <Select
          label="Model"
          searchable
          data={models.map((m) => m.name)}
          value={name}
          onChange={setName}
          w={280}
        />
        <Button variant="default" onClick={csv} disabled={!run}>
          Export CSV
        </Button>
        <Button variant="default" onClick={svg} disabled={!run}>
          Export SVG
        </Button>
      </Group>
      {info && <Text size="sm">{info.description}</Text>}
      {info && info.modules.length > 0 && (
        <Group>
          {info.modules.map((m) => (
            <Checkbox
              key={m.name}
              label={m.name}
              title={m.description}
              checked={modules.includes(m.name)}
              onChange={(e) =>
                setModules(
                  e.currentTarget.checked ? [...modules, m.name] : modules.filter((x) => x !== m.name),
                )
              }
            />
          ))}
        </Group>
      )}
      {error && (
        <Text c="red" role="alert">
          {error}
        </Text>
      )}
      {run && (
        <LogPlot
          title={`The battle: every population over time (simulated in ${Math.round(run.ms)} ms in this browser)`}
          x={run.times}
          lines={lines}
          xLabel="time (days)"
          yLabel="cells or concentration (each state's unit; log scale)"
          height={380}
        />
      )}
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">
          Parameters (× 0.1 … × 10 of the published value; those published as 0 by value)
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {params.slice(0, 60).map((p) => {
            // a fraction (e.g. suppression) goes up to 0.95, other zero-published parameters up to 5
            const zeroMax = /fraction/i.test(p.description ?? "") ? 0.95 : 5;
            const value =
              p.value === 0 ? (absolute[p.name] ?? 0) : p.value * Math.pow(10, factors[p.name] ?? 0);
            return (
              <div key={p.name}>
                <Text size="sm" title={`${p.description ?? ""} — ${p.source ?? ""}`}>
                  {p.name} = {formatQuantity(fmt(value), p.unit)}
                </Text>
                {p.value === 0 ? (
                  <Slider
                    thumbLabel={`parameter ${p.name}`}
                    min={0}
                    max={zeroMax}
                    step={zeroMax / 100}
                    value={absolute[p.name] ?? 0}
                    onChange={(v) => setAbsolute({ ...absolute, [p.name]: v })}
                    label={(v) => fmt(v)}
                  />
                ) : (
                  <Slider
                    thumbLabel={`parameter ${p.name}`}
                    min={-1}
                    max={1}
                    step={0.05}
                    value={factors[p.name] ?? 0}
                    onChange={(v) => setFactors({ ...factors, [p.name]: v })}
                    label={(v) => `× ${fmt(Math.pow(10, v))}`}
                  />
                )}
              </div>
            );
          })}
        </SimpleGrid>
      </Card>
    </Stack>
  );
}
