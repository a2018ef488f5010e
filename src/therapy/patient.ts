import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as yamlParse } from "yaml";
import { z } from "zod";
import { ModelError } from "../engine/language/index.js";
import { CATALOG_DIR } from "./catalog.js";

/** What protocol compilation needs of a patient: body size and the model's starting point. */
export const PatientSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().optional(),
    weight_kg: z.number().positive().max(500),
    height_cm: z.number().positive().max(300),
    /** Glomerular filtration rate (mL/min), for carboplatin dosed by AUC (Calvert); 90 when unknown. */
    gfr_ml_min: z.number().positive().max(300).optional(),
    /** Variant of the core model (e.g. patient10). */
    variant: z.string().optional(),
    /** Initial values of core-model states. */
    initial: z.record(z.string(), z.number().nonnegative()).optional(),
    /** Parameter values of the core model (e.g. fitted growth rate). */
    set: z.record(z.string(), z.number()).optional(),
    source: z.string().optional(),
  })
  .strict();

export type Patient = z.infer<typeof PatientSchema>;

/** Body-surface area (m²) by Mosteller: sqrt(height[cm] · weight[kg] / 3600). */
export function mostellerBsa(heightCm: number, weightKg: number): number {
  return Math.sqrt((heightCm * weightKg) / 3600);
}

/** The built-in virtual patients (catalog/patients.yaml), from the published de Pillis parameter sets. */
export function virtualPatients(): Patient[] {
  const file = path.join(CATALOG_DIR, "patients.yaml");
  const data = parseYamlList(readFileSync(file, "utf8"));
  return data.map((p, i) => {
    const r = PatientSchema.safeParse(p);
    if (!r.success) {
      throw new ModelError(
        r.error.issues.map((iss) => ({
          file,
          path: `[${i}].${iss.path.join(".")}`,
          message: iss.message,
          severity: "error",
        })),
      );
    }
    return r.data;
  });
}

function parseYamlList(text: string): unknown[] {
  const data = yamlParse(text, { logLevel: "error" }) as unknown;
  return Array.isArray(data) ? data : [];
}

/** A patient by built-in id, or from a JSON/YAML file (a case record with weight, height and model state). */
export function resolvePatient(
  arg: string | undefined,
  readFile: (f: string) => string = (f) => readFileSync(f, "utf8"),
): Patient {
  const all = virtualPatients();
  if (arg === undefined) return all[0];
  const builtin = all.find((p) => p.id === arg);
  if (builtin) return builtin;
  if (!/\.(json|ya?ml)$/i.test(arg)) {
    throw new ModelError([
      {
        file: arg,
        path: "",
        message: `unknown patient '${arg}' (built-in: ${all.map((p) => p.id).join(", ")}; or a .json/.yaml file)`,
        severity: "error",
      },
    ]);
  }
  let data: unknown;
  try {
    data = yamlParse(readFile(arg), { logLevel: "error" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelError([
      {
        file: arg,
        path: "",
        message: code === "ENOENT" ? "file not found" : (e as Error).message,
        severity: "error",
      },
    ]);
  }
  const r = PatientSchema.safeParse(data);
  if (!r.success) {
    throw new ModelError(
      r.error.issues.map((iss) => ({
        file: arg,
        path: iss.path.join("."),
        message: iss.message,
        severity: "error",
      })),
    );
  }
  return r.data;
}
