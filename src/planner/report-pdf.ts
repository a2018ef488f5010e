/**
 * The plan as a PDF, made without a browser (PDFKit; the figures are the HTML report's SVGs drawn by
 * svg-to-pdfkit). The text uses the PDF standard fonts, so characters outside their encoding are spelled out.
 */
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { therapyCatalog } from "../therapy/catalog.js";
import { doseText } from "../therapy/dose-text.js";
import { stepDays, type Protocol } from "../therapy/protocol-schema.js";
import { approvedPlanDocument } from "./approved.js";
import type { PatientCopy } from "./patient-copy.js";
import type { Plan } from "./plan.js";
import { tieCell, tieLines } from "./plan-ties.js";
import { clinicalLines, ppcFigure } from "./report-clinical.js";
import { burdenFigure, sldFigure, formatProbability as pct, timelineFigure } from "./report-figures.js";
import { convergenceNotice, toxicityPct, toxicityWords, ttpText, type ApprovalInfo } from "./report-html.js";

const REPLACE: Record<string, string> = {
  "≥": ">=",
  "≤": "<=",
  "→": "->",
  "≈": "~",
  "−": "-",
  "·": "·",
  "‑": "-",
  "⁻": "-",
  "³": "3",
  "₀": "0",
  α: "alpha",
  β: "beta",
  γ: "gamma",
  κ: "kappa",
  λ: "lambda",
  "…": "...",
  Π: "Pi",
  "∏": "Pi",
  σ: "sigma",
  "²": "2",
};

/** The text of an SVG figure made showable by the standard fonts (→ as ->, ≥ as >=), markup untouched. */
export function pdfSvg(svg: string): string {
  return svg.replace(/>([^<]+)</g, (_, t: string) => `>${pdfText(t)}<`);
}

/** Text the standard fonts (WinAnsi) can show: known symbols spelled out, anything else as '?'. */
export function pdfText(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (REPLACE[ch] !== undefined) out += REPLACE[ch];
    else if (code < 0x80 || (code >= 0xa0 && code <= 0xff) || "–—‘’“”•€×µ".includes(ch)) out += ch;
    else out += "?";
  }
  return out;
}

/** A box drawn on a page (points, origin top left): for layout checks (inside the margins, nothing overlapping). */
export interface LayoutBox {
  readonly page: number;
  readonly kind: "text" | "figure" | "cell" | "heading";
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly text?: string;
}

export interface PdfOptions {
  /** Compress page streams (default true; tests read the text uncompressed). */
  readonly compress?: boolean;
  /** Receives every box the report drew, with the page size and margin, when the document is done. */
  readonly onLayout?: (l: { boxes: LayoutBox[]; width: number; height: number; margin: number }) => void;
  /** An approved plan: the candidate as approved (possibly edited) and when. */
  readonly approved?: ApprovalInfo;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/** One line per step: phase, days, agent, dose (and the reason for a dose above the label), route, purpose. */
export function scheduleLines(protocol: Protocol): string[] {
  const catalog = therapyCatalog();
  return protocol.phases.flatMap((ph) =>
    ph.steps.map((s) => {
      const days = stepDays(ph, s);
      return `• ${ph.name}, day ${days.length > 6 ? `${days[0]}, ${days[1]}, … ${days.at(-1)} (${days.length} doses)` : days.join(", ")}: ${catalog.agents.get(s.agent)?.name ?? s.agent} ${doseText(s.dose)}${s.dose_override_reason ? ` (above the label maximum: ${s.dose_override_reason})` : ""} ${s.route}${s.intent ? ` — ${s.intent}` : ""}`;
    }),
  );
}

export function renderPlanPdf(source: Plan, opts: PdfOptions = {}): Promise<Buffer> {
  const approval = opts.approved;
  const plan = approval ? approvedPlanDocument(source, approval.candidate) : source;
  const doc = new PDFDocument({
    size: "A4",
    margin: 48,
    compress: opts.compress ?? true,
    info: {
      Title: `Immunoplan plan ${plan.caseId} ${plan.date}`,
      Creator: "Immunoplan",
      Subject: plan.disclaimer,
    },
  });
  const done = collect(doc);
  const width = doc.page.width - 96;
  const boxes: LayoutBox[] = [];
  let page = 1;
  doc.on("pageAdded", () => page++);
  /** Records where a paragraph went (a page break inside it: from the top margin of the new page). */
  const record = (kind: LayoutBox["kind"], s: string, x: number, y0: number, p0: number, w: number) => {
    const y = page === p0 ? y0 : 48;
    boxes.push({ page, kind, x, y, w, h: doc.y - y, text: s });
  };
  const text = (s: string, o: PDFKit.Mixins.TextOptions = {}, kind: LayoutBox["kind"] = "text") => {
    const x = doc.x;
    const y0 = doc.y;
    const p0 = page;
    doc.text(pdfText(s), o);
    record(kind, s, x, y0, p0, o.width ?? 48 + width - x);
    return doc;
  };
  const heading = (s: string, size = 14) => {
    doc.moveDown(0.6).font("Helvetica-Bold").fontSize(size);
    // a heading is not left alone at the foot of a page
    if (doc.y > doc.page.height - 48 - 4 * size) doc.addPage();
    text(s, {}, "heading");
    doc.font("Helvetica").fontSize(9.5).moveDown(0.2);
  };
  const disclaimer = () => {
    const y = doc.y;
    doc.font("Helvetica-Bold").fontSize(9.5);
    const h = doc.heightOfString(pdfText(plan.disclaimer), { width: width - 16 });
    doc.rect(48, y, width, h + 12).fillAndStroke("#fff4e5", "#e69500");
    doc.fillColor("#222").text(pdfText(plan.disclaimer), 56, y + 6, { width: width - 16 });
    boxes.push({ page, kind: "text", x: 48, y, w: width, h: h + 12, text: plan.disclaimer });
    // below the box, whatever the line height (moveDown after the text alone ends inside it)
    doc.font("Helvetica").fontSize(9.5);
    doc.y = y + h + 12 + 6;
    doc.x = 48;
  };
  const figure = (svg: string, w: number, h: number) => {
    const scale = width / w;
    if (doc.y + h * scale > doc.page.height - 48) doc.addPage();
    // preserveAspectRatio makes svg-to-pdfkit fit the figure into the box (without it the SVG's own width in px
    // is drawn, wider than the page); its text in the standard fonts' characters (arrows as ->)
    SVGtoPDF(doc, pdfSvg(svg), 48, doc.y, {
      width: w * scale,
      height: h * scale,
      assumePt: false,
      preserveAspectRatio: "xMinYMin meet",
    });
    boxes.push({ page, kind: "figure", x: 48, y: doc.y, w: w * scale, h: h * scale });
    doc.y += h * scale + 6;
    doc.x = 48;
  };
  const svgSize = (svg: string) => {
    const m = /width="(\d+)" height="(\d+)"/.exec(svg);
    return m ? { w: Number(m[1]), h: Number(m[2]) } : { w: 940, h: 520 };
  };

  doc.font("Helvetica-Bold").fontSize(17);
  text(`Personalized protocol candidates - case ${plan.caseId}`);
  doc.font("Helvetica").fontSize(9.5);
  text(
    `Plan date (day 0): ${plan.date} · ${plan.simulations} simulations of the Immunoplan ${plan.model === "clinical" ? "clinical model calibrated on published trials" : "core model"} (${plan.candidates.length} candidates × ${plan.personalization.samples} posterior samples, and the explanations)`,
  );
  doc.moveDown(0.4);
  disclaimer();
  const notice = convergenceNotice(plan);
  if (notice || (plan.flags ?? []).length) {
    doc.font("Helvetica-Bold").fillColor("#c92a2a");
    if (notice) text(`WARNING: ${notice}`);
    for (const f of plan.flags ?? []) text(`WARNING: ${f}`);
    doc.font("Helvetica").fillColor("#222");
  }
  if (approval) {
    const c = approval.candidate;
    heading("Approved protocol");
    doc.font("Helvetica-Bold");
    text(c.name);
    doc.font("Helvetica");
    text(
      `Approved ${approval.approvedAt ? new Date(approval.approvedAt).toISOString().slice(0, 10) : ""}${c.edited ? " with the clinician's edits; the prediction was simulated for the protocol as approved" : " as generated"}. Predicted at 12 months: control ${pct(c.outcome.pControl[1])}, elimination ${pct(c.outcome.pElimination[1])}; 6 months: control ${pct(c.outcome.pControl[0])}, elimination ${pct(c.outcome.pElimination[0])}; median time to progression ${ttpText(c.outcome, plan.horizonDays)} (${c.outcome.samples} posterior samples). Toxicity: ${toxicityWords(c)}. ${c.burden.clinicDays} days in clinic, ${c.burden.outpatientVisits} outpatient visits.`,
    );
    heading("Schedule as approved", 11);
    for (const l of scheduleLines(c.protocol)) text(l);
    const tl = timelineFigure(plan, c);
    const ts = svgSize(tl);
    figure(tl, ts.w, ts.h);
  }
  heading(approval ? "How the candidates compared" : "Summary");
  const rec = plan.candidates.find((c) => c.id === plan.recommended);
  const ref = plan.candidates.find((c) => c.id === "none");
  if (rec && !approval)
    text(
      `Highest score: ${rec.name}. Predicted at 12 months: control ${pct(rec.outcome.pControl[1])}, elimination ${pct(rec.outcome.pElimination[1])}${ref ? `; without treatment: control ${pct(ref.outcome.pControl[1])}, median time to progression ${ttpText(ref.outcome, plan.horizonDays)}` : ""}.`,
    );
  // the candidates the first choice cannot be told apart from, beside it
  if (rec && !approval) tieLines(plan).forEach((l, i) => text(i === 0 ? l : `  - ${l}`));
  for (const n of plan.notes) text(`• ${n}`);
  const burden = burdenFigure(plan);
  const bs = svgSize(burden);
  figure(burden, bs.w, bs.h);
  const sld = sldFigure(plan);
  if (sld) {
    const ss = svgSize(sld);
    figure(sld, ss.w, ss.h);
  }

  heading("Ranking");
  text(
    `${plan.scoreFormula}; weights ${Object.entries(plan.weights)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  );
  doc.moveDown(0.3);
  // column starts and widths (the last column ends at the right margin): every header on one line, one y
  const ties = plan.ties !== undefined;
  const cols = ties ? [0, 22, 178, 226, 274, 316, 366, 410] : [0, 22, 232, 285, 338, 391, 448];
  const colWidth = (i: number) => (i + 1 < cols.length ? cols[i + 1] : width) - cols[i] - 4;
  const row = (cells: string[]) => {
    const y = doc.y;
    cells.forEach((v, i) => {
      doc.text(pdfText(v), 48 + cols[i], y, { lineBreak: false, width: colWidth(i), ellipsis: true });
      boxes.push({ page, kind: "cell", x: 48 + cols[i], y, w: colWidth(i), h: 11, text: v });
    });
    doc.x = 48;
    doc.y = y + 12;
  };
  doc.font("Helvetica-Bold").fontSize(8.5);
  row([
    "#",
    "candidate",
    "ctrl 12 mo",
    "elim 12 mo",
    "P(best)",
    "P(G≥3 AE)",
    "score",
    ...(ties ? ["vs #1 (± 1.96 SE)"] : []),
  ]);
  doc.y += 2;
  doc.font("Helvetica").fontSize(8.5);
  for (const c of plan.candidates.slice(0, 15)) {
    if (doc.y > doc.page.height - 70) doc.addPage();
    const cells = [
      String(c.rank),
      c.id,
      pct(c.outcome.pControl[1]),
      pct(c.outcome.pElimination[1]),
      pct(c.pBest),
      toxicityPct(c),
      c.score.toFixed(3),
      ...(ties ? [tieCell(plan, c)] : []),
    ];
    row(cells);
  }
  doc.x = 48;
  doc.fontSize(9.5);

  plan.explanations.forEach((x, k) => {
    const c = plan.candidates.find((k) => k.id === x.id)!;
    doc.addPage();
    // the same sections as the HTML report
    if (k === 0)
      heading(
        approval
          ? "The approved candidate and the alternatives considered"
          : "The recommendation and the best alternatives",
      );
    heading(`#${c.rank} ${c.name}`, 13);
    text(
      `12 months: control ${pct(c.outcome.pControl[1])}, elimination ${pct(c.outcome.pElimination[1])}; 6 months: control ${pct(c.outcome.pControl[0])}, elimination ${pct(c.outcome.pElimination[0])}; median time to progression ${ttpText(c.outcome, plan.horizonDays)}; best in ${pct(c.pBest)} of the samples. Toxicity: ${toxicityWords(c)}. ${c.burden.clinicDays} days in clinic, ${c.burden.outpatientVisits} outpatient visits.`,
    );
    const tl = timelineFigure(plan, c);
    const ts = svgSize(tl);
    figure(tl, ts.w, ts.h);
    heading("Schedule", 11);
    for (const l of scheduleLines(c.protocol)) text(l);
    heading("Why each step is there", 11);
    for (const s of x.steps) {
      doc.font("Helvetica-Bold");
      text(`${s.clinicStep}: ${s.agents.map((a) => a.name).join(", ")}`);
      doc.font("Helvetica");
      text(`Targets: ${s.targets} [${s.source}]`);
      text(`Evaluation: ${s.eligibility.verdict} — ${s.eligibility.reasons.join("; ")}`);
      text(
        `The model at 12 months: with it control ${pct(c.outcome.pControl[1])}, elimination ${pct(c.outcome.pElimination[1])}; ${s.without ? `without it control ${pct(s.without.pControl[1])}, elimination ${pct(s.without.pElimination[1])}` : "without it the design breaks a sequencing rule"}.`,
      );
      doc.moveDown(0.3);
    }
    if (c.warnings.length) {
      heading("Sequencing rules", 11);
      for (const w of c.warnings) text(`• ${w}`);
    }
    heading("What the model cannot know", 11);
    for (const k of x.cannotKnow) text(`• ${k}`);
  });

  doc.addPage();
  if (plan.clinical) {
    heading("The patient in the calibrated population");
    for (const l of clinicalLines(plan)) text(`• ${l}`);
    const ppc = ppcFigure(plan);
    if (ppc) {
      const ps = svgSize(ppc);
      figure(ppc, ps.w, ps.h);
    }
  }
  heading("The patient's model");
  const p = plan.personalization;
  text(
    `${p.fitMethod ? `${p.fitMethod}: ${p.observations.map((o) => `${o.date}: ${o.sldMm} mm`).join("; ")}; ${p.convergence}` : `Fitted to ${p.observations.length} scan(s) (${p.observations.map((o) => `${o.date}: ${o.sldMm} mm`).join("; ")}) by MCMC, ${p.converged ? "converged (R-hat < 1.1)" : "NOT converged (R-hat >= 1.1)"}`}. Tumor cells on day 0: ${p.burdenAtStart.median.toExponential(2)} (95 %: ${p.burdenAtStart.lower95.toExponential(2)} – ${p.burdenAtStart.upper95.toExponential(2)}).`,
  );
  doc.moveDown(0.3);
  for (const q of p.posterior)
    text(
      `• ${q.name} (${q.description}): median ${q.median.toPrecision(3)} ${q.unit}, 95 % ${q.lower95.toPrecision(3)} – ${q.upper95.toPrecision(3)}; ${q.informedByData ? (Number.isFinite(q.rhat) ? `R-hat ${q.rhat.toFixed(3)}, ESS ${Math.round(q.ess)}` : `informed by the scans (ESS ${Math.round(q.ess)})`) : "from the prior"}; prior ${q.prior} [${q.source}]`,
    );
  doc.moveDown(0.3);
  for (const a of p.assumptions) text(`• ${a}`);
  heading("Evaluation");
  if (plan.evaluation.missing.length)
    for (const m of plan.evaluation.missing) text(`• missing or outdated: ${m}`);
  else text("All checklist records are present and recent.");
  for (const m of plan.excludedModalities) text(`• left out: ${m.modality} — ${m.reason}`);
  doc.moveDown(0.8);
  disclaimer();
  opts.onLayout?.({ boxes, width: doc.page.width, height: doc.page.height, margin: 48 });
  doc.end();
  return done;
}

/** The patient's copy (patient-copy.ts) as a PDF: plain language, large type, no model details. */
export function renderPatientCopyPdf(
  c: PatientCopy,
  opts: Pick<PdfOptions, "compress"> = {},
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    compress: opts.compress ?? true,
    info: { Title: c.title, Creator: "Immunoplan" },
  });
  const done = collect(doc);
  const text = (s: string, o: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfText(s), o);
  const heading = (s: string, size = 14) => {
    doc.moveDown(0.7).font("Helvetica-Bold").fontSize(size);
    text(s);
    doc.font("Helvetica").fontSize(11.5).moveDown(0.2);
  };
  doc.font("Helvetica-Bold").fontSize(20);
  text(c.title);
  doc.font("Helvetica").fontSize(11.5).moveDown(0.3);
  text(`${c.greeting}. ${c.approved}`);
  doc.moveDown(0.3);
  text(c.howLong);
  for (const p of c.parts) {
    heading(p.heading);
    text(p.where);
    doc.moveDown(0.2);
    for (const i of p.items) {
      if (doc.y > doc.page.height - 100) doc.addPage();
      doc.font("Helvetica-Bold");
      text(`${i.what}: ${i.dose}, ${i.how}`);
      doc.font("Helvetica");
      text(`When: ${i.when}`);
      if (i.why) text(`Why: ${i.why}`);
      doc.moveDown(0.3);
    }
  }
  heading("What to expect");
  for (const x of c.expectation) text(x, { paragraphGap: 4 });
  heading("Whom to call");
  for (const x of c.whomToCall) text(`• ${x}`, { paragraphGap: 2 });
  doc.moveDown(0.8).fontSize(10);
  text(c.disclaimer);
  doc.end();
  return done;
}
