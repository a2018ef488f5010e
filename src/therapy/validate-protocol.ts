import { nearAgentIds, resolveAgentName } from "./agent-names.js";
import type { Agent, Rule } from "./catalog-schema.js";
import { matches, therapyCatalog, type TherapyCatalog } from "./catalog.js";
import { activityGBq } from "./dose-amount.js";
import { stepDays, type Protocol, type Step } from "./protocol-schema.js";

export interface ProtocolProblem {
  /** Path in the document, e.g. `phases[1].steps[0].dose`. */
  readonly path: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  /** The sequencing rule that was broken, with its source. */
  readonly rule?: string;
  readonly source?: string;
}

/** One administration of a step, on an absolute day. */
export interface Administration {
  readonly phase: number;
  readonly step: number;
  readonly day: number;
  readonly agent: Agent;
  readonly spec: Step;
  readonly path: string;
}

/** Every administration of the protocol's known agents, in time order. */
export function administrations(
  protocol: Protocol,
  catalog: TherapyCatalog = therapyCatalog(),
): Administration[] {
  const out: Administration[] = [];
  protocol.phases.forEach((phase, pi) =>
    phase.steps.forEach((step, si) => {
      const agent = catalog.agents.get(step.agent);
      if (!agent) return;
      for (const day of stepDays(phase, step)) {
        out.push({ phase: pi, step: si, day, agent, spec: step, path: `phases[${pi}].steps[${si}]` });
      }
    }),
  );
  return out.sort((a, b) => a.day - b.day);
}

/**
 * Checks a parsed protocol against the catalog and the sequencing rules; returns every problem at once
 * (empty when the protocol is fine).
 */
export function validateProtocol(
  protocol: Protocol,
  catalog: TherapyCatalog = therapyCatalog(),
): ProtocolProblem[] {
  const problems: ProtocolProblem[] = [];
  protocol.phases.forEach((phase, pi) => {
    phase.steps.forEach((step, si) => {
      const p = `phases[${pi}].steps[${si}]`;
      const agent = catalog.agents.get(step.agent);
      if (!agent) {
        const m = resolveAgentName(step.agent, catalog);
        const near =
          m.kind === "name"
            ? [m.id]
            : m.kind === "ambiguous"
              ? [...m.ids]
              : nearAgentIds(step.agent, catalog);
        problems.push({
          path: `${p}.agent`,
          severity: "error",
          message: `unknown agent '${step.agent}'${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`,
        });
        return;
      }
      if (!agent.routes.includes(step.route)) {
        problems.push({
          path: `${p}.route`,
          severity: "error",
          message: `${agent.name} is not given ${step.route} (routes: ${agent.routes.join(", ")})`,
        });
      }
      // an activity (MBq, mCi) is compared with a label dose in GBq
      const gbq = activityGBq(step.dose.value, step.dose.unit);
      const asGBq =
        gbq !== null && step.dose.unit !== "GBq" && !agent.doses.some((d) => d.unit === step.dose.unit);
      const form = agent.doses.find((d) => d.unit === (asGBq ? "GBq" : step.dose.unit));
      const value = asGBq ? gbq : step.dose.value;
      if (!form) {
        problems.push({
          path: `${p}.dose.unit`,
          severity: "error",
          message: `${agent.name} is not dosed in ${step.dose.unit} (units: ${agent.doses.map((d) => d.unit).join(", ")})`,
        });
      } else if (value > form.max * (1 + 1e-9)) {
        const reason = step.dose_override_reason;
        const written = `${step.dose.value} ${step.dose.unit}${asGBq ? ` (${Number(value.toPrecision(4))} GBq)` : ""}`;
        problems.push({
          path: `${p}.dose.value`,
          severity: reason ? "warning" : "error",
          message: `${written} is above the label maximum of ${form.max} ${form.unit} for ${agent.name} (${form.schedule})${reason ? `; overridden: ${reason}` : "; give dose_override_reason to override"}`,
        });
      }
      if (step.field_fraction !== undefined && agent.model.conversion !== "radiation") {
        problems.push({
          path: `${p}.field_fraction`,
          severity: "error",
          message: `field_fraction applies to radiotherapy only, not to ${agent.name}`,
        });
      }
      if (phase.duration_days !== undefined) {
        const late = stepDays(phase, step).filter((d) => d > phase.start_day + phase.duration_days! + 1e-9);
        if (late.length)
          problems.push({
            path: `${p}.days`,
            severity: "warning",
            message: `${late.length} administration(s) after the end of phase '${phase.name}' (day ${phase.start_day + phase.duration_days})`,
          });
      }
    });
  });
  const admins = administrations(protocol, catalog);
  // courses limited by the label
  const perStep = new Map<string, Administration[]>();
  for (const a of admins) perStep.set(a.agent.id, [...(perStep.get(a.agent.id) ?? []), a]);
  for (const [, list] of perStep) {
    const max = list[0].agent.max_doses_per_course;
    if (max !== undefined && list.length > max) {
      problems.push({
        path: list[max].path,
        severity: "error",
        message: `${list.length} doses of ${list[0].agent.name}: the label allows at most ${max} per course`,
      });
    }
  }
  // overlapping infusions
  const infusions = admins.filter((a) => a.spec.infusion_hours !== undefined);
  for (let i = 0; i < infusions.length; i++) {
    for (let j = i + 1; j < infusions.length; j++) {
      const a = infusions[i];
      const b = infusions[j];
      if (b.day >= a.day + a.spec.infusion_hours! / 24 - 1e-9) continue;
      if (a.path === b.path) {
        problems.push({
          path: `${a.path}.infusion_hours`,
          severity: "error",
          message: `infusions of ${a.agent.name} overlap (day ${a.day} lasts ${a.spec.infusion_hours} h, next on day ${b.day})`,
        });
      } else if (
        a.spec.route === "iv" &&
        b.spec.route === "iv" &&
        !b.spec.combination_reason &&
        !a.spec.combination_reason
      ) {
        problems.push({
          path: b.path,
          severity: "warning",
          message: `IV infusion of ${b.agent.name} on day ${b.day} overlaps the infusion of ${a.agent.name} (${a.path})`,
        });
      }
    }
  }
  // the same agent twice at the same time: a duplicated step (or a day listed twice)
  for (let i = 0; i < admins.length; i++)
    for (let j = i + 1; j < admins.length && Math.abs(admins[j].day - admins[i].day) < 1e-9; j++) {
      const a = admins[i];
      const b = admins[j];
      if (a.agent.id !== b.agent.id) continue;
      problems.push({
        path: b.path,
        severity: "error",
        message:
          a.path === b.path
            ? `${b.agent.name} is listed twice on day ${fmtDay(b.day)} in the same step`
            : `${b.agent.name} on day ${fmtDay(b.day)} duplicates ${a.path} (the same agent on the same day)`,
      });
    }
  for (const rule of catalog.rules) problems.push(...checkRule(rule, admins));
  return dedupe(problems);
}

/** A day for messages: whole days as integers, fractions (hours) to two decimals. */
const fmtDay = (d: number): string =>
  Math.abs(d - Math.round(d)) < 1e-9 ? String(Math.round(d)) : d.toFixed(2);

function dedupe(problems: ProtocolProblem[]): ProtocolProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function checkRule(rule: Rule, admins: readonly Administration[]): ProtocolProblem[] {
  const out: ProtocolProblem[] = [];
  const report = (path: string, message: string) =>
    out.push({
      path,
      severity: rule.severity,
      message: `${message} — ${rule.description.trim()}`,
      rule: rule.id,
      source: rule.source,
    });
  switch (rule.kind) {
    case "order": {
      const firsts = admins.filter((a) => matches(a.agent, rule.first));
      const thens = admins.filter((a) => matches(a.agent, rule.then));
      if (!firsts.length || !thens.length) break;
      const ref = rule.reference === "first" ? firsts[0] : firsts[firsts.length - 1];
      const which = rule.reference === "first" ? "first" : "last";
      const gap = rule.min_gap_days ?? 0;
      const early = thens.filter((a) => a.day < ref.day + gap - 1e-9);
      if (early.length) {
        const a = early[0];
        const d = a.day - ref.day;
        const when =
          d < -1e-9
            ? `comes ${fmtDay(-d)} day(s) before`
            : d < 1e-9
              ? "is on the same day as"
              : `is only ${fmtDay(d)} day(s) after`;
        report(
          a.path,
          `${a.agent.name} on day ${fmtDay(a.day)} ${when} the ${which} ${ref.agent.name} dose (day ${fmtDay(ref.day)}); give it on day ${fmtDay(ref.day + gap)} or later`,
        );
      }
      break;
    }
    case "precedes": {
      const [lo, hi] = rule.window_days ?? [0, Infinity];
      for (const a of admins.filter((x) => matches(x.agent, rule.then))) {
        const ok = admins.some(
          (f) => matches(f.agent, rule.first) && a.day - f.day >= lo - 1e-9 && a.day - f.day <= hi + 1e-9,
        );
        if (!ok)
          report(
            a.path,
            `${a.agent.name} on day ${a.day} has no ${(rule.first?.classes ?? rule.first?.modalities ?? []).join("/")} step ${lo}–${hi} days before`,
          );
      }
      break;
    }
    case "low-burden": {
      for (const a of admins.filter((x) => matches(x.agent, rule.applies_to))) {
        if (a.spec.when === "minimal-burden") continue;
        const debulked = admins.some((f) => f.day < a.day && matches(f.agent, rule.after));
        if (!debulked)
          report(
            a.path,
            `${a.agent.name} on day ${a.day} is neither marked 'when: minimal-burden' nor preceded by debulking`,
          );
      }
      break;
    }
    case "interval": {
      for (const iv of rule.intervals ?? []) {
        const list = admins.filter((a) => iv.agents.includes(a.agent.id));
        // one problem per step: the first dose too early, then how many more of the step's doses are (a two-year
        // schedule at a trial's interval would otherwise give one line per dose)
        const early = new Map<string, { first: string; days: number[] }>();
        for (let i = 1; i < list.length; i++) {
          const prev = list[i - 1];
          const cur = list[i];
          if (cur.day - prev.day < 1e-9) continue; // same-day duplicates are reported on their own
          const scale =
            iv.dose && prev.spec.dose.unit === iv.dose.unit ? prev.spec.dose.value / iv.dose.value : 1;
          const min = iv.days * Math.max(scale, 1e-9);
          if (cur.day - prev.day >= min - 1e-9) continue;
          const seen = early.get(cur.path);
          if (seen) seen.days.push(cur.day);
          else
            early.set(cur.path, {
              first: `${cur.agent.name} on day ${fmtDay(cur.day)} is ${fmtDay(cur.day - prev.day)} day(s) after the dose of day ${fmtDay(prev.day)} (${prev.spec.dose.value} ${prev.spec.dose.unit}); its dosing interval is ${fmtDay(min)} days (${iv.label})`,
              days: [cur.day],
            });
        }
        for (const [path, { first, days }] of early)
          report(
            path,
            days.length === 1
              ? first
              : `${first}; so are ${days.length - 1} more doses of this step (days ${days.slice(1, 6).map(fmtDay).join(", ")}${days.length > 6 ? `, … ${fmtDay(days[days.length - 1])}` : ""})`,
          );
      }
      break;
    }
    case "exclusive": {
      for (let i = 0; i < admins.length; i++) {
        for (let j = i + 1; j < admins.length && admins[j].day === admins[i].day; j++) {
          const a = admins[i];
          const b = admins[j];
          if (a.agent.class !== b.agent.class || a.agent.id === b.agent.id) continue;
          if (a.spec.combination_reason || b.spec.combination_reason) continue;
          // multi-agent regimens that are the standard of care, not a duplicated class: cytotoxic drugs of
          // different mechanisms on one day (a platinum doublet, R-CHOP's parts) and fludarabine with
          // cyclophosphamide (Flu/Cy, the lymphodepletion of the CAR-T and TIL labels); two drugs of one mechanism
          // (carboplatin with cisplatin) still count
          const ma = a.agent.clinical?.mechanism;
          const mb = b.agent.clinical?.mechanism;
          if (ma && mb && ma !== mb) continue;
          if (a.agent.clinical?.input === "lymphodepletion" && b.agent.clinical?.input === "lymphodepletion")
            continue;
          report(
            b.path,
            `${a.agent.name} and ${b.agent.name} (both ${ma && mb ? `${ma} ` : ""}${a.agent.class}) on day ${a.day}`,
          );
        }
      }
      break;
    }
  }
  return out;
}
