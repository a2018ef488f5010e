/** The administrative part of the case record's patient (what a coordinator may see and change). */
import { z } from "zod";

export const PatientDetails = z
  .object({
    name: z.string().min(1).max(200).optional(),
    birthDate: z.iso.date().optional(),
    sex: z.enum(["female", "male", "other", "unknown"]).optional(),
    country: z.string().max(100).optional(),
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "a BCP 47 language tag like en or de-CH")
      .optional(),
    contact: z.string().max(200).optional(),
  })
  .strict();
