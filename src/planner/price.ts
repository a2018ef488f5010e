/**
 * What a plan costs: the clinic's price list (catalog/prices.yaml, versioned when admins edit it in the web app)
 * applied to a protocol and the patient's body size. Every amount is an item with its quantity, unit price and
 * what it was built from; what cannot be priced is listed, never silently left out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR } from "../therapy/catalog.js";
import { mostellerBsa } from "../therapy/patient.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { stepDays } from "../therapy/step-days.js";
import type { Estimate, EstimateItem } from "./estimate-types.js";

const Money = z.number().nonnegative().max(1e9);
const Named = z.object({ name: z.string().min(1), price: Money }).strict();
export const PriceListSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code like EUR"),
    source: z.string().min(1),
    agents: z.record(
      z.string(),
      z
        .object({
          per: z.enum(["mg", "ug", "IU", "PFU", "administration"]),
          price: Money,
          with: z.array(z.string()).optional(),
        })
        .strict(),
    ),
    procedures: z.record(z.string(), Named.extend({ unit: z.string().min(1) }).strict()),
    sbrt_min_gy: z.number().positive(),
    clinic: z.object({ inpatient_day: Named, outpatient_visit: Named }).strict(),
    monitoring: z
      .object({ lab_panel: Named, scan: Named, scan_every_days: z.number().int().positive() })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [id, a] of Object.entries(p.agents))
      for (const w of a.with ?? [])
        if (!p.procedures[w])
          ctx.addIssue({ code: "custom", path: ["agents", id, "with"], message: `unknown procedure '${w}'` });
    for (const need of ["sbrt-fraction", "radiotherapy-fraction", "surgery"])
      if (!p.procedures[need])
        ctx.addIssue({ code: "custom", path: ["procedures"], message: `'${need}' is required` });
  });
export type PriceList = z.infer<typeof PriceListSchema>;

export const PRICES_FILE = path.join(CATALOG_DIR, "prices.yaml");
/** The shipped price list (the first version of the clinic's). */
export function shippedPriceList(): PriceList {
  return parseDocumentWith(PriceListSchema, readFileSync(PRICES_FILE, "utf8"), PRICES_FILE);
}

export type { Estimate, EstimateItem } from "./estimate-types.js";

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) =>
  Math.abs(x) >= 1e4 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(2) : String(round2(x));

/**
 * The estimate of a protocol: agents by absolute dose, procedures (radiotherapy fractions, surgery, those agents
 * need), days in clinic, outpatient visits, lab panels and scans over the plan.
 */
export function estimateProtocol(
  protocol: Protocol,
  body: { weightKg?: number; heightCm?: number },
  prices: PriceList,
  priceListVersion: number | null = null,
): Estimate {
  const items: EstimateItem[] = [];
  const missing: string[] = [];
  const w = body.weightKg ?? null;
  const h = body.heightCm ?? null;
  const bsa = w !== null && h !== null ? mostellerBsa(h, w) : null;
  const procedureCount = new Map<string, { n: number; basis: string[] }>();
  const addProcedure = (id: string, n: number, basis: string) => {
    const p = procedureCount.get(id) ?? { n: 0, basis: [] };
    p.n += n;
    p.basis.push(basis);
    procedureCount.set(id, p);
  };
  const agentTotals = new Map<string, { qty: number; per: string; basis: string[] }>();
  const clinicDays = new Set<number>();
  const visitDays = new Set<number>();
  let first = Infinity;
  let last = -Infinity;
  const coursesWith = new Set<string>();
  for (const phase of protocol.phases) {
    const inClinic = phase.kind === "clinic";
    const phaseDays: number[] = [];
    for (const step of phase.steps) {
      const days = stepDays(phase, step);
      phaseDays.push(...days);
      const n = days.length;
      const { value, unit } = step.dose;
      const label = `${n} × ${fmt(value)} ${unit}`;
      if (unit === "Gy") {
        const sbrt = value >= prices.sbrt_min_gy;
        addProcedure(sbrt ? "sbrt-fraction" : "radiotherapy-fraction", n, `${label} (${step.agent})`);
        continue;
      }
      if (unit === "fraction") {
        addProcedure("surgery", n, `${step.agent}, ${n} operation(s)`);
        continue;
      }
      const price = prices.agents[step.agent];
      if (!price) {
        missing.push(`${step.agent}: no price in the price list`);
        continue;
      }
      for (const p of price.with ?? []) {
        if (coursesWith.has(`${step.agent}|${p}`)) continue;
        coursesWith.add(`${step.agent}|${p}`);
        addProcedure(p, 1, `for ${step.agent}`);
      }
      let qty: number;
      let basis = label;
      if (price.per === "administration") qty = n;
      else {
        const [base, per] = unit.split("/") as [string, string | undefined];
        const factor = per === "kg" ? w : per === "m2" ? bsa : per === undefined ? 1 : null;
        if (base !== price.per) {
          missing.push(`${step.agent}: dose in ${unit}, price per ${price.per}`);
          continue;
        }
        if (factor === null) {
          missing.push(
            `${step.agent}: ${unit} needs the patient's ${per === "kg" ? "weight" : "weight and height"}`,
          );
          continue;
        }
        qty = n * value * factor;
        if (per === "kg") basis += ` × ${fmt(w!)} kg`;
        if (per === "m2") basis += ` × ${fmt(bsa!)} m²`;
      }
      const t = agentTotals.get(step.agent) ?? { qty: 0, per: price.per, basis: [] };
      t.qty += qty;
      t.basis.push(basis);
      agentTotals.set(step.agent, t);
    }
    for (const d of phaseDays) {
      first = Math.min(first, d);
      last = Math.max(last, d);
    }
    if (inClinic && phaseDays.length) {
      const span = phase.duration_days ?? Math.max(...phaseDays) - Math.min(...phaseDays) + 1;
      for (let d = 0; d < span; d++) clinicDays.add(phase.start_day + d);
    } else for (const d of phaseDays) visitDays.add(d);
  }
  for (const d of clinicDays) visitDays.delete(d);
  for (const [id, t] of agentTotals) {
    const p = prices.agents[id];
    items.push({
      category: "agent",
      id,
      description: id,
      quantity: round2(t.qty),
      unit: t.per,
      unitPrice: p.price,
      amount: round2(t.qty * p.price),
      basis: t.basis.join(" + "),
    });
  }
  for (const [id, c] of procedureCount) {
    const p = prices.procedures[id];
    items.push({
      category: "procedure",
      id,
      description: p.name,
      quantity: c.n,
      unit: p.unit,
      unitPrice: p.price,
      amount: round2(c.n * p.price),
      basis: c.basis.join("; "),
    });
  }
  const simple = (
    category: EstimateItem["category"],
    id: string,
    n: { name: string; price: number },
    q: number,
    unit: string,
    basis: string,
  ) => {
    if (q > 0)
      items.push({
        category,
        id,
        description: n.name,
        quantity: q,
        unit,
        unitPrice: n.price,
        amount: round2(q * n.price),
        basis,
      });
  };
  simple(
    "clinic",
    "inpatient_day",
    prices.clinic.inpatient_day,
    clinicDays.size,
    "day",
    "the clinic phases' days",
  );
  simple(
    "clinic",
    "outpatient_visit",
    prices.clinic.outpatient_visit,
    visitDays.size,
    "visit",
    "treatment days outside the clinic",
  );
  const panels = visitDays.size + Math.ceil(clinicDays.size / 7);
  simple(
    "monitoring",
    "lab_panel",
    prices.monitoring.lab_panel,
    panels,
    "panel",
    `one per outpatient visit (${visitDays.size}) and per week in the clinic (${Math.ceil(clinicDays.size / 7)})`,
  );
  const span = Number.isFinite(first) ? last - first : 0;
  const scans = 1 + Math.floor(span / prices.monitoring.scan_every_days);
  simple(
    "monitoring",
    "scan",
    prices.monitoring.scan,
    scans,
    "scan",
    `baseline and every ${prices.monitoring.scan_every_days} days over ${Math.round(span)} days`,
  );
  return {
    currency: prices.currency,
    total: round2(items.reduce((s, i) => s + i.amount, 0)),
    items,
    missing,
    assumptions: [
      prices.source,
      "doses by the patient's current weight and body-surface area (Mosteller); vials and wastage not counted",
      "complications, hospital stays beyond the planned clinic phases and travel are not included",
    ],
    body: { weightKg: w, heightCm: h, bsaM2: bsa === null ? null : round2(bsa) },
    priceListVersion,
  };
}
