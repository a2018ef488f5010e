/**
 * Synthetic trial files (made-up arms and sizes, not published trials) for the tests of the targeted agents that act
 * only in tumours with a marker (src/population/*-status.test.ts): arms of a daily oral agent for two years, and an
 * untreated arm, on one cancer type, with the population's marker field given or not.
 */

/** An arm giving `agent` orally at `mgPerDay` every day for 104 weeks. */
export function dailyArm(name: string, agent: string, mgPerDay: number, patients: number): string {
  return `  - name: ${name}
    patients: ${patients}
    protocol:
      name: ${agent}
      phases:
        - name: treatment
          start_day: 0
          steps:
            - { agent: ${agent}, dose: { value: ${mgPerDay}, unit: mg }, route: oral, days: { every: 1, count: 728 } }
`;
}

/** An arm with no treatment. */
export function untreatedArm(patients: number): string {
  return `  - name: untreated
    patients: ${patients}
    protocol:
      name: no treatment
      phases:
        - { name: observation, start_day: 0, steps: [] }
`;
}

/**
 * A trial file: `marker` is the population field and its value (null: not given, so that the reader infers it),
 * on line 3 of the file; scans every 6 weeks for 104 weeks.
 */
export function markerTrial(
  name: string,
  testFile: string,
  cancer: string,
  marker: { field: string; value: string | null },
  arms: readonly string[],
): string {
  const field = marker.value === null ? "" : `, ${marker.field}: ${marker.value}`;
  return `name: ${name}
source: "synthetic (tests of ${testFile}), not a published trial"
population: { cancer: ${cancer}${field} }
arms:
${arms.join("")}assessment: { criteria: recist1.1, first_week: 6, every_weeks: 6, follow_up_weeks: 104, confirm: true }
`;
}
