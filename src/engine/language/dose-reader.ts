import { ModelError } from "./model-error.js";
import type { DoseSpec } from "./model-spec.js";
import { byPosition, openDocument, type Path, type Reader } from "./yaml-reader.js";

export function readDoses(r: Reader, raw: unknown, path: Path, states: ReadonlySet<string>): DoseSpec[] {
  const out: DoseSpec[] = [];
  r.list(raw, path).forEach((item, i) => {
    const p = [...path, i];
    const d = r.record(item, p, true);
    if (!d) return;
    const state = r.string(d.state, [...p, "state"], true);
    if (state && !states.has(state))
      r.error([...p, "state"], `dose to unknown state '${state}' (states: ${[...states].join(", ")})`);
    const label = d.label === undefined ? undefined : r.string(d.label, [...p, "label"], false);
    if (d.rate !== undefined) {
      r.fields(d, p, ["state", "rate", "from", "to", "every", "count", "until", "label"]);
      const rate = r.number(d.rate, [...p, "rate"], true);
      const from = r.number(d.from, [...p, "from"], true);
      const to = r.number(d.to, [...p, "to"], true);
      if (from !== undefined && to !== undefined && to <= from)
        r.error([...p, "to"], `infusion must end after it starts (from ${from}, to ${to})`);
      const rep = readRepeat(r, d, p, from);
      if (rep.every !== undefined && from !== undefined && to !== undefined && to - from > rep.every) {
        r.error(
          [...p, "every"],
          `repeated infusions would overlap (each lasts ${to - from}, every ${rep.every})`,
        );
      }
      if (rate !== undefined && from !== undefined && to !== undefined)
        out.push({ kind: "infusion", state, rate, from, to, ...rep, label });
      return;
    }
    if (d.multiply !== undefined) {
      r.fields(d, p, ["state", "multiply", "at", "every", "count", "until", "label"]);
      const factor = r.number(d.multiply, [...p, "multiply"], true);
      if (factor !== undefined && factor < 0) r.error([...p, "multiply"], `must be ≥ 0, not ${factor}`);
      const at = r.number(d.at, [...p, "at"], true);
      const rep = readRepeat(r, d, p, at);
      if (factor !== undefined && at !== undefined)
        out.push({ kind: "scale", state, factor, at, ...rep, label });
      return;
    }
    r.fields(d, p, ["state", "amount", "at", "every", "count", "until", "label"]);
    const amount = r.number(d.amount, [...p, "amount"], true);
    const at = r.number(d.at, [...p, "at"], true);
    const rep = readRepeat(r, d, p, at);
    if (amount !== undefined && at !== undefined)
      out.push({ kind: "bolus", state, amount, at, ...rep, label });
  });
  return out;
}

/** `every` with `count` or `until`: a dose repeated at a fixed interval from its first time `start`. */
function readRepeat(
  r: Reader,
  d: Record<string, unknown>,
  p: Path,
  start: number | undefined,
): { every?: number; count?: number; until?: number } {
  const every = r.number(d.every, [...p, "every"], false);
  const count = r.number(d.count, [...p, "count"], false);
  const until = r.number(d.until, [...p, "until"], false);
  if (every !== undefined && !(every > 0)) r.error([...p, "every"], `must be > 0, not ${every}`);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1))
    r.error([...p, "count"], `must be a whole number ≥ 1, not ${count}`);
  if (count !== undefined && count > 100_000)
    r.error([...p, "count"], `${count} doses is more than the limit of 100000`);
  if ((count !== undefined || until !== undefined) && every === undefined)
    r.error([...p, "every"], "is required with count or until");
  if (every !== undefined && count === undefined && until === undefined)
    r.error([...p, "count"], "a repeated dose needs count or until");
  if (until !== undefined && start !== undefined && until < start)
    r.error([...p, "until"], `must not be before the first dose (${start})`);
  if (
    until !== undefined &&
    start !== undefined &&
    every !== undefined &&
    every > 0 &&
    (until - start) / every > 100_000
  )
    r.error([...p, "until"], "more than 100000 doses");
  const rep: { every?: number; count?: number; until?: number } = {};
  if (every !== undefined) rep.every = every;
  if (count !== undefined) rep.count = count;
  if (until !== undefined) rep.until = until;
  return rep;
}

/** Parses a dose file: a YAML/JSON list of doses, or a mapping with a `doses:` list. */
export function parseDoses(text: string, file: string, stateNames: readonly string[]): DoseSpec[] {
  const { reader: r, data } = openDocument(text, file);
  const states = new Set(stateNames);
  let doses: DoseSpec[];
  if (Array.isArray(data)) doses = readDoses(r, data, [], states);
  else {
    const top = r.record(data, [], true);
    if (top && top.doses === undefined)
      r.error([], "a dose file is a list of doses or a mapping with a 'doses' list");
    doses = top ? readDoses(r, top.doses, ["doses"], states) : [];
  }
  if (r.hasErrors) throw new ModelError(byPosition(r.issues));
  return doses;
}
