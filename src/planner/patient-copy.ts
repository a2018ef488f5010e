/**
 * The patient's copy of an approved plan, in plain language: what is given, on which dates, where, for how long and
 * whom to call — made from the approved protocol and its prediction (approved.ts). No model parameters, no R-hat,
 * no case identifiers: the technical report (report-html.ts, report-pdf.ts) is the clinician's copy.
 */
import { therapyCatalog } from "../therapy/catalog.js";
import { plainDoseText } from "../therapy/dose-text.js";
import { ROUTE_WORDS } from "../therapy/plain-words.js";
import { stepDays } from "../therapy/step-days.js";
import type { ApprovedCandidate } from "./approved.js";
import type { Plan } from "./plan.js";

export interface PatientCopyInfo {
  readonly patientName: string;
  readonly clinicianName: string | null;
  readonly approvedAt: Date | string | null;
  /** How to reach the clinic (CLINIC_CONTACT), if configured. */
  readonly clinicContact?: string;
}

export interface PatientCopy {
  readonly title: string;
  readonly greeting: string;
  readonly approved: string;
  readonly howLong: string;
  readonly parts: readonly {
    readonly heading: string;
    readonly where: string;
    readonly items: readonly {
      readonly when: string;
      readonly what: string;
      readonly dose: string;
      readonly how: string;
      readonly why: string | null;
    }[];
  }[];
  readonly expectation: readonly string[];
  readonly whomToCall: readonly string[];
  readonly disclaimer: string;
}

const DAY_MS = 86_400_000;

/** The calendar date of a plan day (day 0 = the plan's date). */
export function planDate(start: string, day: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + Math.floor(day) * DAY_MS).toISOString().slice(0, 10);
}

function whenText(start: string, days: readonly number[]): string {
  const byDate = new Map<string, number>();
  for (const d of days) {
    const k = planDate(start, d);
    byDate.set(k, (byDate.get(k) ?? 0) + 1);
  }
  const dates = [...byDate.entries()].map(([k, n]) => (n > 1 ? `${k} (${n} times that day)` : k));
  if (dates.length > 8)
    return `${dates.length} dates from ${dates[0]} to ${dates.at(-1)!}: ${dates.slice(0, 4).join(", ")}, …`;
  return dates.join(", ");
}

const out100 = (p: number | undefined): string =>
  p === undefined || !Number.isFinite(p) ? "an unknown number" : String(Math.round(p * 100));

export function patientCopy(plan: Plan, approved: ApprovedCandidate, info: PatientCopyInfo): PatientCopy {
  const catalog = therapyCatalog();
  const start = plan.date;
  const allDays = approved.protocol.phases.flatMap((ph) => ph.steps.flatMap((s) => stepDays(ph, s)));
  const first = allDays.length ? Math.min(...allDays) : 0;
  const last = allDays.length ? Math.max(...allDays) : 0;
  const weeks = Math.max(1, Math.round((last - first + 1) / 7));
  const parts = approved.protocol.phases
    .filter((ph) => ph.steps.length)
    .map((ph) => {
      const clinic = ph.kind === "clinic";
      const from = planDate(start, ph.start_day);
      return {
        heading: clinic
          ? `In the clinic, from ${from}${ph.duration_days ? ` for about ${ph.duration_days} days` : ""}`
          : `As an outpatient (${ph.name}), from ${from}`,
        where: clinic
          ? "You stay in the clinic; the care team gives every treatment there."
          : "You come to the clinic for each treatment and go home the same day.",
        items: ph.steps.map((s) => {
          const agent = catalog.agents.get(s.agent);
          return {
            when: whenText(start, stepDays(ph, s)),
            what: agent?.name ?? s.agent.replace(/-/g, " "),
            dose: plainDoseText(s.dose),
            how: ROUTE_WORDS[s.route] ?? s.route,
            why: s.intent ?? null,
          };
        }),
      };
    });
  const o = approved.outcome;
  return {
    title: "Your treatment plan",
    greeting: `For ${info.patientName}`,
    approved: `Approved on ${info.approvedAt ? new Date(info.approvedAt).toISOString().slice(0, 10) : "–"} by your clinician${info.clinicianName ? `, ${info.clinicianName}` : ""}.`,
    howLong: `The treatment starts on ${planDate(start, first)} and the last planned treatment is on ${planDate(start, last)} (about ${weeks} week${weeks === 1 ? "" : "s"}). Your clinician will tell you about check-ups and scans after that.`,
    parts,
    expectation: [
      `A computer model was used to help choose this plan. In the model, out of 100 simulated courses of an illness like yours, the tumor did not grow again for a year in ${out100(o.pControl[1])} and disappeared completely in ${out100(o.pElimination[1])}.`,
      "This is an estimate from a research model with a lot of uncertainty, not a promise: your own course can be better or worse. Your clinician decides with you.",
    ],
    whomToCall: [
      info.clinicianName
        ? `Questions about the plan: your clinician, ${info.clinicianName}, through the Immunoplan portal.`
        : "Questions about the plan: your care team, through the Immunoplan portal.",
      info.clinicContact
        ? `The clinic: ${info.clinicContact}.`
        : "The clinic: the phone number on your appointment letter.",
      "Call your local emergency number at once if you have trouble breathing, chest pain, confusion or a fever above 38.5 °C during the treatment.",
    ],
    disclaimer: plan.disclaimer,
  };
}

const esc = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

export function renderPatientCopyHtml(c: PatientCopy): string {
  const parts = c.parts
    .map(
      (p) =>
        `<h2>${esc(p.heading)}</h2><p>${esc(p.where)}</p><table><thead><tr><th>When</th><th>What</th><th>Dose</th><th>How</th><th>Why</th></tr></thead><tbody>${p.items
          .map(
            (i) =>
              `<tr><td>${esc(i.when)}</td><td>${esc(i.what)}</td><td>${esc(i.dose)}</td><td>${esc(i.how)}</td><td>${esc(i.why ?? "")}</td></tr>`,
          )
          .join("")}</tbody></table>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(c.title)}</title><style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 46rem; color: #222; line-height: 1.5; font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.note { background: #fff4e5; border: 2px solid #e69500; padding: 0.7rem 1rem; }
</style></head>
<body>
<h1>${esc(c.title)}</h1>
<p>${esc(c.greeting)}. ${esc(c.approved)}</p>
<p>${esc(c.howLong)}</p>
${parts}
<h2>What to expect</h2>
${c.expectation.map((x) => `<p>${esc(x)}</p>`).join("")}
<h2>Whom to call</h2>
<ul>${c.whomToCall.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>
<p class="note">${esc(c.disclaimer)}</p>
</body></html>
`;
}
