/**
 * Best overall response (BOR) and confirmed best overall response (CBOR) from a series of RECIST 1.1 overall
 * time-point responses, with the rules of admiralonco, the pharmaverse reference implementation
 * (`derive_param_bor`, `derive_param_confirmed_bor`, Apache-2.0; re-implemented here from its documentation):
 *
 * - only assessments up to and including the first PD count;
 * - SD and NON-CR/NON-PD count only at or after the minimum duration for SD from the reference date (treatment
 *   start or the line's baseline; RECIST 1.1 leaves it to the protocol, usually 6–8 weeks): earlier they are NE,
 *   so an early SD followed by PD is PD and a lone early SD is NE;
 * - BOR takes CR and PR as they are; CBOR needs confirmation: a CR needs a later CR at least `confirmDays` after
 *   it, with only CR or NE (at most `maxNe` NE) in between; a PR needs a later CR or PR at least `confirmDays`
 *   after it, with only CR, PR, NE (at most `maxNe`) and SD (at most one when `acceptSd`, else none) in between,
 *   and no PR after a CR; an unconfirmed CR or PR at or after the SD window counts as SD;
 * - ranking CR > PR > SD > NON-CR/NON-PD > PD > NE > ND; among equals the first by date.
 *
 * A series without any assessment is NE (admiralonco's `missing_as_ne = TRUE`).
 */
import type { OverallResponse } from "./recist.js";

export type RecordedResponse = OverallResponse | "ND";

export interface ResponseRecord {
  /** ISO date (a partial date such as 2014-02 means the middle of its month, 2014 the middle of its year). */
  readonly date: string;
  readonly response: RecordedResponse;
}

export interface BorOptions {
  /** Treatment start or baseline: the minimum duration for SD is counted from here. */
  readonly referenceDate: string;
  /** Minimum duration for SD / NON-CR/NON-PD, days from the reference date. Default 42 (6 weeks). */
  readonly minSdDays?: number;
  /** Confirmation of CR / PR: the confirming assessment at least this many days later. Default 28. */
  readonly confirmDays?: number;
  /** NE assessments accepted between a response and its confirmation. Default 1. */
  readonly maxNe?: number;
  /** Accept one SD between a PR and its confirmation. Default false. */
  readonly acceptSd?: boolean;
  /** Date of first progression when it is known from elsewhere; default: the first PD record. */
  readonly pdDate?: string;
}

export interface BorResult {
  readonly response: RecordedResponse;
  /** Date of the assessment that gave it; null when there is none. */
  readonly date: string | null;
}

const ORDER: readonly RecordedResponse[] = ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "ND"];

/** Days from date a to date b (ISO; a partial date means the middle of its month or year). */
export function daysBetween(a: string, b: string): number {
  const parse = (d: string) => Date.parse(d.length === 7 ? `${d}-15` : d.length === 4 ? `${d}-07-01` : d);
  return (parse(b) - parse(a)) / 86_400_000;
}

/** The records up to and including the first PD (or the given PD date), oldest first. */
function restrict(records: readonly ResponseRecord[], pdDate?: string): ResponseRecord[] {
  for (const r of records)
    if (!Number.isFinite(daysBetween(r.date, r.date)))
      throw new Error(`response date '${r.date}' is not an ISO date`);
  const sorted = [...records].sort((a, b) => daysBetween(b.date, a.date));
  const pd = pdDate ?? sorted.find((r) => r.response === "PD")?.date;
  return pd === undefined ? sorted : sorted.filter((r) => daysBetween(r.date, pd) >= 0);
}

function pickBest(candidates: readonly ResponseRecord[]): BorResult {
  let best: ResponseRecord | null = null;
  for (const c of candidates) {
    const rank = ORDER.indexOf(c.response);
    if (!best || rank < ORDER.indexOf(best.response)) best = c;
  }
  return best ? { response: best.response, date: best.date } : { response: "NE", date: null };
}

/** The SD-window reading shared by BOR and CBOR: early SD / NON-CR/NON-PD become NE. */
function windowed(r: ResponseRecord, o: BorOptions): RecordedResponse {
  const inWindow = daysBetween(o.referenceDate, r.date) >= (o.minSdDays ?? 42);
  if (r.response === "SD" || r.response === "NON-CR/NON-PD") return inWindow ? r.response : "NE";
  return r.response;
}

/** Best overall response, confirmation not required (admiralonco `derive_param_bor`). */
export function deriveBor(records: readonly ResponseRecord[], o: BorOptions): BorResult {
  return pickBest(restrict(records, o.pdDate).map((r) => ({ date: r.date, response: windowed(r, o) })));
}

/**
 * The assessments from just after `i` up to the first one that could confirm it (at least confirmDays later and
 * `confirming`), or null when there is none.
 */
function confirmationPeriod(
  rs: readonly ResponseRecord[],
  i: number,
  confirmDays: number,
  confirming: readonly RecordedResponse[],
): ResponseRecord[] | null {
  for (let j = i + 1; j < rs.length; j++)
    if (confirming.includes(rs[j].response) && daysBetween(rs[i].date, rs[j].date) >= confirmDays)
      return rs.slice(i + 1, j + 1);
  return null;
}

const count = (rs: readonly ResponseRecord[], v: RecordedResponse) =>
  rs.filter((r) => r.response === v).length;

/** Confirmed best overall response (admiralonco `derive_param_confirmed_bor`). */
export function deriveConfirmedBor(records: readonly ResponseRecord[], o: BorOptions): BorResult {
  const confirmDays = o.confirmDays ?? 28;
  const maxNe = o.maxNe ?? 1;
  const maxSd = o.acceptSd ? 1 : 0;
  const rs = restrict(records, o.pdDate);
  const candidates: ResponseRecord[] = rs.map((r, i) => {
    if (r.response === "CR") {
      const p = confirmationPeriod(rs, i, confirmDays, ["CR"]);
      if (p && p.every((x) => x.response === "CR" || x.response === "NE") && count(p, "NE") <= maxNe)
        return r;
    } else if (r.response === "PR") {
      const p = confirmationPeriod(rs, i, confirmDays, ["CR", "PR"]);
      if (
        p &&
        p.every((x) => ["CR", "PR", "SD", "NE"].includes(x.response)) &&
        count(p, "NE") <= maxNe &&
        count(p, "SD") <= maxSd &&
        !p.some((x, k) => x.response === "PR" && p.slice(0, k).some((y) => y.response === "CR"))
      )
        return r;
    }
    // unconfirmed CR / PR read as SD, inside the SD window or not at all
    const asSd = r.response === "CR" || r.response === "PR" ? { ...r, response: "SD" as const } : r;
    return { date: r.date, response: windowed(asSd, o) };
  });
  return pickBest(candidates);
}
