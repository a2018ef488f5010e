/** The patient's quote for an approved plan as a PDF (PDFKit, standard fonts): items, total, what it assumes. */
import PDFDocument from "pdfkit";
import type { Estimate } from "./price.js";
import { pdfText } from "./report-pdf.js";

export interface QuoteHeader {
  readonly planName: string;
  readonly patientName: string;
  readonly date: string;
  readonly priceListVersion: number;
}

const money = (x: number, currency: string) =>
  `${currency} ${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** A unit price: cents, or the significant digits of a price below one (0.00012 per IU). */
export const unitMoney = (x: number, currency: string): string =>
  x !== 0 && Math.abs(x) < 1
    ? `${currency} ${x.toLocaleString("en-US", { maximumSignificantDigits: 3 })}`
    : money(x, currency);

export function renderQuotePdf(e: Estimate, h: QuoteHeader): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: `Quote: ${pdfText(h.planName)}` } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 100;
  doc
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(pdfText(`Quote for ${h.planName}`));
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(pdfText(`${h.patientName} · ${h.date} · price list version ${h.priceListVersion}`))
    .moveDown();
  const cols = [0, 215, 305, 390].map((x) => 50 + x);
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
    const heights = cells.map((c, i) => {
      const w = (i + 1 < cols.length ? cols[i + 1] : 50 + width) - cols[i] - 6;
      return doc.heightOfString(pdfText(c), { width: w });
    });
    if (y + Math.max(...heights) > doc.page.height - 60) doc.addPage();
    const top = doc.y;
    cells.forEach((c, i) => {
      const w = (i + 1 < cols.length ? cols[i + 1] : 50 + width) - cols[i] - 6;
      doc.text(pdfText(c), cols[i], top, { width: w, align: i >= 2 ? "right" : "left" });
    });
    doc.x = 50;
    doc.y = top + Math.max(...heights) + 4;
  };
  row(["Item", "Quantity", "Unit price", "Amount"], true);
  for (const i of e.items)
    row([
      `${i.description}\n${i.basis}`,
      `${i.quantity.toLocaleString("en-US")} ${i.unit}`,
      unitMoney(i.unitPrice, e.currency),
      money(i.amount, e.currency),
    ]);
  doc.moveDown(0.5);
  row(["Total", "", "", money(e.total, e.currency)], true);
  doc.moveDown();
  doc.font("Helvetica").fontSize(9);
  if (e.missing.length)
    doc.text(pdfText(`Not priced (the total is a lower bound): ${e.missing.join("; ")}.`), 50, doc.y, {
      width,
    });
  doc.text(pdfText(`Assumptions: ${e.assumptions.join("; ")}.`), 50, doc.y, { width });
  doc.moveDown();
  doc.text(
    "This is an estimate of the planned treatment made before it starts, not an invoice. It keeps the prices it was made with; later changes of the price list do not change it.",
    50,
    doc.y,
    { width },
  );
  doc.end();
  return done;
}
