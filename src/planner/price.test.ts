import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { therapyCatalog } from "../therapy/catalog.js";
import { ProtocolSchema } from "../therapy/protocol-schema.js";
import { estimateProtocol, PriceListSchema, shippedPriceList } from "./price.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const protocol = (f: string) =>
  ProtocolSchema.parse(parse(readFileSync(path.join(ROOT, "examples/protocols", f), "utf8")));

describe("plan estimates from the price list", () => {
  it("CAR-T with Flu/Cy: doses by BSA, lymphodepletion once, the product, 17 days in clinic, labs and a scan", () => {
    const prices = shippedPriceList();
    const e = estimateProtocol(
      protocol("cart-lymphodepletion.yaml"),
      { weightKg: 70, heightCm: 170 },
      prices,
    );
    const bsa = Math.sqrt((170 * 70) / 3600); // Mosteller, 1.818 m²
    const item = (id: string) => e.items.find((i) => i.id === id)!;
    expect(item("fludarabine").quantity).toBeCloseTo(3 * 30 * bsa, 1);
    expect(item("fludarabine").amount).toBeCloseTo(3 * 30 * bsa * prices.agents.fludarabine.price, 1);
    expect(item("cyclophosphamide").quantity).toBeCloseTo(3 * 500 * bsa, 1);
    expect(item("lymphodepletion")).toMatchObject({
      quantity: 1,
      unitPrice: prices.procedures.lymphodepletion.price,
    });
    expect(item("axicabtagene-ciloleucel")).toMatchObject({ quantity: 1, unit: "administration" });
    expect(item("inpatient_day").quantity).toBe(3 + 14);
    expect(item("lab_panel").quantity).toBe(Math.ceil(17 / 7));
    expect(item("scan").quantity).toBe(1);
    expect(e.total).toBeCloseTo(
      e.items.reduce((s, i) => s + i.amount, 0),
      2,
    );
    expect(e.missing).toEqual([]);
  });

  it("pembrolizumab every 3 weeks: flat mg dose, outpatient visits with a lab panel each, scans every 8 weeks", () => {
    const p = protocol("pembrolizumab-q3w.yaml");
    const e = estimateProtocol(p, {}, shippedPriceList());
    const pem = e.items.find((i) => i.id === "pembrolizumab")!;
    const visits = e.items.find((i) => i.id === "outpatient_visit")!.quantity;
    expect(pem.quantity).toBe(200 * visits);
    expect(e.items.find((i) => i.id === "lab_panel")!.quantity).toBe(visits);
    expect(e.missing).toEqual([]);
  });

  it("what cannot be priced is listed: a per-kg dose without a weight, an agent without a price", () => {
    const prices = shippedPriceList();
    const e = estimateProtocol(protocol("cart-lymphodepletion.yaml"), {}, prices);
    expect(e.missing).toEqual([
      "fludarabine: mg/m2 needs the patient's weight and height",
      "cyclophosphamide: mg/m2 needs the patient's weight and height",
    ]);
    const { fludarabine: _f, ...agents } = prices.agents;
    void _f;
    const e2 = estimateProtocol(
      protocol("cart-lymphodepletion.yaml"),
      { weightKg: 70, heightCm: 170 },
      { ...prices, agents },
    );
    expect(e2.missing).toEqual(["fludarabine: no price in the price list"]);
  });

  it("the shipped list prices every agent of the therapy catalog and rejects broken lists with their path", () => {
    const prices = shippedPriceList();
    for (const id of therapyCatalog().agents.keys()) {
      const dose = therapyCatalog().agents.get(id)!.doses[0].unit;
      if (dose === "Gy" || dose === "fraction") continue;
      expect(prices.agents[id], id).toBeDefined();
    }
    const bad = PriceListSchema.safeParse({
      ...prices,
      currency: "euro",
      agents: { x: { per: "mg", price: -1, with: ["nope"] } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["currency", "agents.x.price"]),
    );
  });
});
