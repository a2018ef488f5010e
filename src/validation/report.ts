import type { Check, ValidationCase } from "./types.js";

export interface CaseResult {
  readonly case: ValidationCase;
  readonly checks: readonly Check[];
  readonly error?: string;
  readonly ms: number;
}

/** Runs every case (never throws: a failing run is reported as such). */
export function runCases(cases: readonly ValidationCase[]): CaseResult[] {
  return cases.map((c) => {
    const started = performance.now();
    try {
      const checks = c.run();
      return { case: c, checks, ms: performance.now() - started };
    } catch (e) {
      return { case: c, checks: [], error: (e as Error).message, ms: performance.now() - started };
    }
  });
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function status(ch: Check): string {
  if (ch.knownDiscrepancy) return ch.pass ? "pass" : "**differs** †";
  return ch.pass ? "pass" : "**FAIL**";
}

/** The results of some cases as Markdown sections with one table each. */
export function casesMarkdown(results: readonly CaseResult[], headingLevel = 3): string {
  const h = "#".repeat(headingLevel);
  const out: string[] = [];
  for (const r of results) {
    out.push(`${h} ${r.case.title}`, "");
    out.push(`\`${r.case.id}\` — source: ${r.case.source}. Setup: ${r.case.setup}.`, "");
    if (r.error) {
      out.push(`**Error**: ${cell(r.error)}`, "");
      continue;
    }
    out.push(
      "| quantity | published / reference | Immunoplan | tolerance | result |",
      "|---|---:|---:|---|---|",
    );
    for (const ch of r.checks) {
      out.push(
        `| ${cell(ch.quantity)} | ${cell(ch.published)} | ${cell(ch.ours)} | ${cell(ch.tolerance)} | ${status(ch)} |`,
      );
    }
    const notes = r.checks.filter((ch) => ch.knownDiscrepancy);
    for (const ch of notes) out.push("", `† ${cell(ch.quantity)}: ${ch.knownDiscrepancy}`);
    out.push("");
  }
  return out.join("\n");
}

export function summary(results: readonly CaseResult[]): {
  cases: number;
  checks: number;
  pass: number;
  fail: number;
  known: number;
} {
  let checks = 0;
  let pass = 0;
  let fail = 0;
  let knownCount = 0;
  for (const r of results) {
    if (r.error) fail++;
    for (const ch of r.checks) {
      checks++;
      if (ch.knownDiscrepancy && !ch.pass) knownCount++;
      else if (ch.pass) pass++;
      else fail++;
    }
  }
  return { cases: results.length, checks, pass, fail, known: knownCount };
}
