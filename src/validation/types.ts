/**
 * The validation suite: every published or reference result Immunoplan reproduces, as data that both the
 * tests (validation.test.ts) and the generated report (docs/validation.md) use.
 */
export interface Check {
  /** What is compared, e.g. "T(30)" or "cleared (first day T < 1)". */
  readonly quantity: string;
  /** The published or reference value, as shown. */
  readonly published: string;
  /** Our value, as shown. */
  readonly ours: string;
  /** The tolerance, as shown (e.g. "±1 %", "≤ 1e-4"). */
  readonly tolerance: string;
  readonly pass: boolean;
  /**
   * A documented discrepancy: the reason we do not match. Reported, not asserted. Only for numbers the
   * project computed elsewhere ([SIM]) or could not verify, never to hide a failing published result.
   */
  readonly knownDiscrepancy?: string;
}

export interface ValidationCase {
  readonly id: string;
  /** Model name (a file in models/), or "engine". */
  readonly model: string;
  readonly title: string;
  /** Where the published/reference values come from. */
  readonly source: string;
  /** Inputs in words: initial state, doses, horizon, tolerances. */
  readonly setup: string;
  run(): Check[];
}

export function fmt(x: number, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5
    ? String(+x.toPrecision(digits))
    : x
        .toExponential(digits - 1)
        .replace(/\.?0+e/, "e")
        .replace("e+", "e");
}

/** |ours − published| ≤ rtol·|published|. */
export function relCheck(
  quantity: string,
  ours: number,
  published: number,
  rtol: number,
  shown?: string,
): Check {
  // show enough digits to see the comparison at this tolerance
  const digits = Math.max(4, Math.ceil(-Math.log10(rtol)) + 2);
  return {
    quantity,
    published: shown ?? fmt(published, digits),
    ours: fmt(ours, digits),
    tolerance: `±${+(rtol * 100).toPrecision(3)} %`,
    pass: Math.abs(ours - published) <= rtol * Math.abs(published),
  };
}

/** |ours − published| ≤ atol. */
export function absCheck(quantity: string, ours: number, published: number, atol: number, unit = ""): Check {
  return {
    quantity,
    published: `${fmt(published)}${unit}`,
    ours: `${fmt(ours)}${unit}`,
    tolerance: `±${fmt(atol)}${unit}`,
    pass: Math.abs(ours - published) <= atol,
  };
}

/** ours ≤ bound. */
export function maxCheck(quantity: string, ours: number, bound: number, reference: string): Check {
  return {
    quantity,
    published: reference,
    ours: fmt(ours, 2),
    tolerance: `≤ ${fmt(bound, 2)}`,
    pass: ours <= bound,
  };
}

export function textCheck(quantity: string, ours: string, published: string): Check {
  return { quantity, published, ours, tolerance: "same", pass: ours === published };
}

export function known(check: Check, reason: string): Check {
  return { ...check, knownDiscrepancy: reason };
}

/**
 * Agreement to the digits the source printed: "0.044" allows ±0.0005, "1.19e6" ±0.005e6 (half a unit of the last
 * printed digit).
 */
export function digitsCheck(quantity: string, ours: number, printed: string): Check {
  const value = Number(printed);
  const m = /^-?(\d*)\.?(\d*)(?:e([+-]?\d+))?$/i.exec(printed.trim());
  const decimals = m ? m[2].length : 0;
  const exp = m && m[3] ? Number(m[3]) : 0;
  const halfUnit = 0.5 * Math.pow(10, exp - decimals);
  return {
    quantity,
    published: printed,
    ours: fmt(ours, Math.max(4, printed.replace(/[^0-9]/g, "").length + 1)),
    tolerance: `±${fmt(halfUnit, 2)} (printed digits)`,
    pass: Math.abs(ours - value) <= halfUnit * (1 + 1e-9),
  };
}
