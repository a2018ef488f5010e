/**
 * The forecast's population fit on a study where the full-Ω Gompertz fit does not converge (Laleh 2022 rows
 * 1400–1899; src/models/population-starts.test.ts): the diagonal Ω is used and the warning shown.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "./io.js";
import { runCli } from "./main.js";

const DATA = path.resolve(
  import.meta.dirname,
  "../../../shared/research/data/laleh2022-clinical-tgi/laleh2022_S6_target_lesion_LD.csv",
);

describe("forecast on a population fit that needs the diagonal Ω", () => {
  const lines = readFileSync(DATA, "utf8").split(/\r?\n/);
  const text = [lines[0], ...lines.slice(1400, 1900)].join("\n") + "\n";
  const dir = mkdtempSync(path.join(tmpdir(), "fallback-"));
  const file = path.join(dir, "sub.csv");
  writeFileSync(file, text);

  it("the full Ω falls back to the diagonal one, said on stderr and in the JSON; the forecast follows each patient", () => {
    let out = "";
    let err = "";
    const io: CliIO = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      interactive: false,
      cwd: "/",
    };
    const code = runCli(
      [
        "forecast",
        "--data",
        file,
        "--train-points",
        "3",
        "--min-points",
        "6",
        "--model",
        "gompertz",
        "--json",
      ],
      io,
    );
    expect(code).toBe(0);
    const j = JSON.parse(out) as {
      patients: { test: { predicted: number }[] }[];
      summary: { median_ae_mm: number };
      warnings: string[];
    };
    const firstForecasts = new Set(j.patients.map((p) => p.test[0].predicted.toFixed(1)));
    expect(firstForecasts.size).toBeGreaterThan(j.patients.length / 2);
    // the broken fit gave 12.2 mm; the classical models per patient 2.2–4.2 mm on these readings
    expect(j.summary.median_ae_mm).toBeLessThan(3);
    // the full Ω did not converge on these readings: the diagonal one was used, and said so on stderr and in the JSON
    expect(j.warnings).toHaveLength(1);
    expect(j.warnings[0]).toMatch(/full Ω did not converge .* the diagonal Ω is used/);
    expect(err).toContain(j.warnings[0]);
  });
});
