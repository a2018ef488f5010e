/// <reference lib="webworker" />
/**
 * The simulations of the web app, off the page's thread: the engine and the model language run here in the
 * browser (the same code as the server's), so an edited protocol's prediction updates without a round trip.
 */
import { compileModel } from "../../src/engine/language/compile-model.js";
import type { CompiledModel } from "../../src/engine/language/compile.js";
import type { DoseSpec } from "../../src/engine/language/model-spec.js";
import { solve } from "../../src/engine/solve.js";
import { quantileSorted } from "../../src/engine/statistics.js";

export interface SampleInput {
  readonly set: Record<string, number>;
  readonly initial: Record<string, number>;
}

export type WorkerRequest =
  | {
      readonly kind: "bands";
      readonly id: number;
      readonly modelText: string;
      readonly modules: readonly string[];
      readonly set: Record<string, number>;
      readonly doses: readonly DoseSpec[];
      readonly samples: readonly SampleInput[];
      readonly horizon: number;
    }
  | {
      readonly kind: "run";
      readonly id: number;
      readonly modelText: string;
      readonly modules: readonly string[];
      readonly parameters: Record<string, number>;
      readonly initial: Record<string, number>;
      readonly tEnd: number;
      readonly nOut: number;
    };

export type WorkerResponse =
  | {
      readonly kind: "bands";
      readonly id: number;
      readonly days: number[];
      readonly bands: number[][];
      readonly pEliminated: number;
      readonly ms: number;
    }
  | {
      readonly kind: "run";
      readonly id: number;
      readonly times: number[];
      readonly states: Record<string, number[]>;
      readonly ms: number;
    }
  | { readonly kind: "error"; readonly id: number; readonly message: string };

const cache = new Map<string, CompiledModel>();
function model(text: string, modules: readonly string[]): CompiledModel {
  const key = `${text.length}:${text.slice(0, 64)}:${[...modules].sort().join(",")}`;
  let m = cache.get(key);
  if (!m) {
    m = compileModel(text, "model.yaml", { modules: [...modules] }).model;
    cache.set(key, m);
  }
  return m;
}

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  const t0 = performance.now();
  try {
    const m = model(req.modelText, req.modules);
    if (req.kind === "run") {
      const p = m.defaultParameters();
      for (const [k, v] of Object.entries(req.parameters))
        if (m.parameterIndex(k) >= 0) p[m.parameterIndex(k)] = v;
      const y0 = m.defaultInitialState();
      for (const [k, v] of Object.entries(req.initial)) if (m.stateIndex(k) >= 0) y0[m.stateIndex(k)] = v;
      const sol = solve(m.problem({ tEnd: req.tEnd, parameters: p, y0 }), {
        nOut: req.nOut,
        rtol: 1e-6,
        atol: 1e-6,
        dense: false,
        maxSteps: 500_000,
      });
      const states: Record<string, number[]> = {};
      m.stateNames.forEach((n, i) => (states[n] = Array.from(sol.column(i))));
      const out: WorkerResponse = {
        kind: "run",
        id: req.id,
        times: Array.from(sol.times),
        states,
        ms: performance.now() - t0,
      };
      self.postMessage(out);
      return;
    }
    const days: number[] = [];
    for (let d = 0; d < req.horizon; d += 7) days.push(d);
    days.push(req.horizon);
    const times = Float64Array.from(days);
    const defaults = m.defaultParameters();
    const p = Float64Array.from(defaults);
    const y0 = new Float64Array(m.dimension);
    const prob = m.problem({ tEnd: req.horizon, parameters: p, y0, doses: req.doses });
    const iT = m.tumorIndex;
    const logT = req.samples.map(() => new Float64Array(days.length));
    let eliminated = 0;
    req.samples.forEach((s, k) => {
      // the sample's values, then the protocol's (e.g. the rejection of donor cells) on the published ones
      p.set(defaults);
      for (const set of [s.set, req.set])
        for (const n in set) {
          const i = m.parameterIndex(n);
          if (i >= 0) p[i] = set[n];
        }
      y0.fill(0);
      for (const [n, v] of Object.entries(s.initial)) {
        const i = m.stateIndex(n);
        if (i >= 0) y0[i] = v;
      }
      const sol = solve(prob, { times, rtol: 1e-3, atol: 1e-6, dense: false, maxSteps: 500_000 });
      for (let i = 0; i < days.length; i++)
        logT[k][i] = i < sol.times.length ? Math.log10(sol.values[i * m.dimension + iT] + 1) : 0;
      if (sol.events.some((e) => e.name === "eliminated")) eliminated++;
    });
    const col = new Float64Array(req.samples.length);
    const bands = QUANTILES.map(() => new Array<number>(days.length));
    for (let i = 0; i < days.length; i++) {
      for (let k = 0; k < col.length; k++) col[k] = logT[k][i];
      col.sort();
      QUANTILES.forEach((q, j) => (bands[j][i] = quantileSorted(col, q)));
    }
    const out: WorkerResponse = {
      kind: "bands",
      id: req.id,
      days,
      bands,
      pEliminated: eliminated / req.samples.length,
      ms: performance.now() - t0,
    };
    self.postMessage(out);
  } catch (e) {
    const out: WorkerResponse = { kind: "error", id: req.id, message: (e as Error).message };
    self.postMessage(out);
  }
};
