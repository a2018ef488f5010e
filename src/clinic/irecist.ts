/**
 * iRECIST (Seymour L et al., Lancet Oncol 2017;18:e143–e152, doi:10.1016/S1470-2045(17)30074-8, Table 2) on top of
 * the RECIST 1.1 time points: unconfirmed progression (iUPD), its confirmation (iCPD) at the next assessment
 * 4–8 weeks later, and the reset of the bar when the next assessment shows iSD/iPR/iCR.
 *
 * New lesions are measured separately: up to five measurable ones (≥ 10 mm, nodes ≥ 15 mm short axis) are
 * new-lesion targets (NLT) whose sum of measures is followed on its own; the others are new-lesion non-targets
 * (NLNT). Rules and their sources: shared/research/clinical.md §2.2 and docs/clinic.md.
 */
import {
  daysBetween,
  overallResponse,
  recistTimepoints,
  type Assessment,
  type TimepointResponse,
} from "./recist.js";

export type IrecistResponse = "iCR" | "iPR" | "iSD" | "NON-iCR/NON-iUPD" | "iUPD" | "iCPD" | "NE";
type Category = "target" | "non-target" | "new lesions";

export interface IrecistTimepoint {
  readonly date: string;
  readonly label?: string;
  /** The RECIST 1.1 time point this iRECIST response is built on. */
  readonly recist: TimepointResponse;
  readonly response: IrecistResponse;
  /** Sum of measures of the new-lesion targets (mm), null when there are none. */
  readonly newLesionTargetSumMm: number | null;
  /** The categories in unconfirmed progression after this time point. */
  readonly progressing: readonly Category[];
  /** Why the response is what it is (triggers, confirmation, reset, ignored scans). */
  readonly reasons: readonly string[];
}

export interface IrecistOptions {
  /** A scan earlier than this after iUPD cannot confirm it (unless it shows another new lesion). Default 28. */
  readonly minConfirmDays?: number;
  /** A confirming scan later than this is flagged. Default 56. */
  readonly maxConfirmDays?: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const I: Record<string, IrecistResponse> = {
  CR: "iCR",
  PR: "iPR",
  SD: "iSD",
  "NON-CR/NON-PD": "NON-iCR/NON-iUPD",
  NE: "NE",
};

interface Pending {
  date: string;
  categories: Set<Category>;
  targetSum: number | null;
  nltSum: number;
  newCount: number;
}

export function irecistTimepoints(
  assessments: readonly Assessment[],
  opts: IrecistOptions = {},
): IrecistTimepoint[] {
  const minDays = opts.minConfirmDays ?? 28;
  const maxDays = opts.maxConfirmDays ?? 56;
  const recist = recistTimepoints(assessments);
  const nltIds: string[] = [];
  const seenNew = new Set<string>(); // new lesions already counted in a previous iUPD
  let nltNadir: number | null = null; // sum of measures of NLT since the last reset
  let pending: Pending | null = null;
  let confirmed = false;
  const out: IrecistTimepoint[] = [];
  for (let k = 1; k < assessments.length; k++) {
    const a = assessments[k];
    const r = recist[k - 1];
    const reasons: string[] = [];
    const present = a.lesions.filter((l) => l.role === "new" && l.state !== "absent");
    for (const l of present) {
      const measurable = l.diameterMm !== undefined && l.diameterMm >= (l.nodal ? 15 : 10);
      if (measurable && nltIds.length < 5 && !nltIds.includes(l.lesionId) && !seenNew.has(l.lesionId))
        nltIds.push(l.lesionId);
    }
    const nltSum = round(
      nltIds.reduce((s, id) => s + (a.lesions.find((l) => l.lesionId === id)?.diameterMm ?? 0), 0),
    );
    const novel = present.filter((l) => !seenNew.has(l.lesionId));
    const nlntIncrease = present.some(
      (l) =>
        !nltIds.includes(l.lesionId) &&
        (l.state === "further-increase" || l.state === "unequivocal-progression"),
    );
    const nltProgress =
      nltNadir !== null &&
      nltSum - nltNadir >= 5 &&
      (nltNadir === 0 || (nltSum - nltNadir) / nltNadir >= 0.2);
    const newTrigger = novel.length > 0 || nltProgress || nlntIncrease;
    const triggers = new Set<Category>();
    if (r.target === "PD") triggers.add("target");
    if (r.nonTarget === "PD") triggers.add("non-target");
    if (newTrigger) triggers.add("new lesions");
    // the category response ignoring new lesions already seen and stable (they do not block iSD/iPR)
    const base = overallResponse(
      r.target === "PD" ? "SD" : r.target,
      r.nonTarget === "PD" ? "NON-CR/NON-PD" : r.nonTarget,
      false,
    );
    let nonProgressing: IrecistResponse = I[base] ?? "NE";
    if (nonProgressing === "iCR" && present.length > 0) {
      nonProgressing = "iPR";
      reasons.push("new lesions still present: iCR needs all original and new lesions gone");
    }
    let response: IrecistResponse;
    if (confirmed) {
      response = "iCPD";
      reasons.push("progression already confirmed");
    } else if (pending === null) {
      if (triggers.size > 0) {
        response = "iUPD";
        reasons.push(
          `unconfirmed progression (${[...triggers].join(", ")}); confirm at the next assessment in 4–8 weeks`,
        );
        pending = {
          date: a.date,
          categories: triggers,
          targetSum: r.sumMm,
          nltSum,
          newCount: present.length,
        };
      } else response = nonProgressing;
    } else {
      const since = daysBetween(pending.date, a.date);
      const why: string[] = [];
      const targetGrowth =
        r.sumMm !== null && pending.targetSum !== null ? round(r.sumMm - pending.targetSum) : 0;
      if (pending.categories.has("target") && targetGrowth >= 5)
        why.push(`target sum +${targetGrowth} mm since iUPD on ${pending.date}`);
      if (
        pending.categories.has("non-target") &&
        a.lesions.some((l) => l.role === "non-target" && l.state === "further-increase")
      )
        why.push("further increase of the non-target disease");
      if (novel.length > 0) why.push(`another new lesion (${novel.map((l) => l.lesionId).join(", ")})`);
      if (pending.categories.has("new lesions") && round(nltSum - pending.nltSum) >= 5)
        why.push(`new-lesion target sum +${round(nltSum - pending.nltSum)} mm`);
      if (nlntIncrease && pending.categories.has("new lesions")) why.push("new non-target lesions increased");
      for (const c of triggers)
        if (!pending.categories.has(c) && c !== "new lesions")
          why.push(`progression in a new category (${c})`);
      if (since < minDays && novel.length === 0) {
        response = "iUPD";
        reasons.push(
          `${Math.round(since)} days after iUPD: too early to confirm (needs ≥ ${minDays}); still iUPD`,
        );
      } else if (why.length > 0) {
        response = "iCPD";
        confirmed = true;
        reasons.push(`confirms the iUPD of ${pending.date}: ${why.join("; ")}`);
        if (since > maxDays)
          reasons.push(`confirmation ${Math.round(since)} days after iUPD (window is 4–8 weeks)`);
      } else {
        const stillProgressing =
          (pending.categories.has("target") && r.target === "PD") ||
          (pending.categories.has("non-target") && r.nonTarget === "PD") ||
          (pending.categories.has("new lesions") && present.length > 0);
        if (stillProgressing || nonProgressing === "NE") {
          response = "iUPD";
          reasons.push("not confirmed and not improved enough to reset: remains iUPD");
        } else {
          response = nonProgressing;
          reasons.push(`not confirmed and now ${nonProgressing}: the bar is reset`);
          for (const l of present) seenNew.add(l.lesionId);
          nltNadir = nltIds.length ? nltSum : null;
          pending = null;
        }
      }
    }
    if (pending && response === "iUPD") for (const l of present) seenNew.add(l.lesionId);
    if (nltIds.length > 0 && response !== "iUPD" && response !== "iCPD")
      nltNadir = nltNadir === null ? nltSum : Math.min(nltNadir, nltSum);
    out.push({
      date: a.date,
      label: a.label,
      recist: r,
      response,
      newLesionTargetSumMm: nltIds.length ? nltSum : null,
      progressing: pending && !confirmed ? [...pending.categories] : [],
      reasons,
    });
  }
  return out;
}

const RANK: Record<IrecistResponse, number> = {
  iCR: 6,
  iPR: 5,
  iSD: 4,
  "NON-iCR/NON-iUPD": 3,
  iUPD: 2,
  iCPD: 1,
  NE: 0,
};

export interface IrecistBest {
  /** Best time-point response up to the first iCPD (iUPD may precede a later iCR/iPR/iSD). */
  readonly response: IrecistResponse;
  readonly date: string | null;
  /** Date of the first iUPD that was later confirmed (the iPFS event date), or null. */
  readonly progressionDate: string | null;
}

export function irecistBest(timepoints: readonly IrecistTimepoint[]): IrecistBest {
  let best: IrecistTimepoint | null = null;
  let lastUpd: string | null = null;
  let progressionDate: string | null = null;
  for (const t of timepoints) {
    if (!best || RANK[t.response] > RANK[best.response]) best = t;
    if (t.response === "iUPD" && lastUpd === null) lastUpd = t.date;
    if (t.response !== "iUPD" && t.response !== "iCPD" && t.response !== "NE") lastUpd = null;
    if (t.response === "iCPD") {
      progressionDate = lastUpd ?? t.date;
      break;
    }
  }
  return { response: best?.response ?? "NE", date: best?.date ?? null, progressionDate };
}
