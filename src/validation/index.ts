import { CART_CASES } from "./cart.js";
import { CLINICAL_MODEL_CASES } from "./clinical-model.js";
import { DEPILLIS2005_CASES } from "./depillis2005.js";
import { DEPILLIS2006_CASES } from "./depillis2006.js";
import { ENGINE_CASES } from "./engine.js";
import { KUZNETSOV1994_CASES } from "./kuznetsov1994.js";
import { OTHER_MODEL_CASES } from "./other-models.js";
import type { ValidationCase } from "./types.js";

/** Every validation case, engine first, then by model. */
export const VALIDATION_CASES: readonly ValidationCase[] = [
  ...ENGINE_CASES,
  ...DEPILLIS2005_CASES,
  ...DEPILLIS2006_CASES,
  ...KUZNETSOV1994_CASES,
  ...CART_CASES,
  ...OTHER_MODEL_CASES,
  ...CLINICAL_MODEL_CASES,
];

export type { Check, ValidationCase } from "./types.js";
