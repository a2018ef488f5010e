/** The shape of a plan's cost estimate (price.ts); types only, shared with the web app. */

export interface EstimateItem {
  readonly category: "agent" | "procedure" | "clinic" | "monitoring";
  readonly id: string;
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly amount: number;
  /** What the quantity was built from ("3 × 30 mg/m² × 1.9 m²"). */
  readonly basis: string;
}

export interface Estimate {
  readonly currency: string;
  readonly total: number;
  readonly items: readonly EstimateItem[];
  /** What could not be priced (no price, no weight for a per-kg dose, …): the total is then a lower bound. */
  readonly missing: readonly string[];
  readonly assumptions: readonly string[];
  readonly body: {
    readonly weightKg: number | null;
    readonly heightCm: number | null;
    readonly bsaM2: number | null;
  };
  /** The price list version it was made with (null: the shipped list). */
  readonly priceListVersion: number | null;
}
