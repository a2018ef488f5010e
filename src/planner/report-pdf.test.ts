/**
 * The plan PDF laid out like the HTML report: every box inside the page margins, no box drawn over another, the
 * table header on one line, the figures' text in the standard fonts' characters, and the HTML report's sections
 * in the same order.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { melanomaCase } from "../test-support/planning-case.js";
import { planCase } from "./plan.js";
import { renderPlanHtml } from "./report-html.js";
import { pdfSvg, renderPlanPdf, type LayoutBox } from "./report-pdf.js";

const planned = planCase(melanomaCase(), {
  date: "2026-11-24",
  samples: 8,
  maxCandidates: 8,
  threads: 1,
  mcmc: { warmup: 200, draws: 200 },
});

async function layout() {
  const plan = await planned;
  let got: { boxes: LayoutBox[]; width: number; height: number; margin: number } | null = null;
  await renderPlanPdf(plan, { compress: false, onLayout: (l) => (got = l) });
  return { plan, l: got! };
}

const TOL = 0.5; // points
const overlap = (a: LayoutBox, b: LayoutBox) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > TOL &&
  Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > TOL;

describe("the plan PDF's layout", () => {
  it("keeps every text and figure inside the page margins", async () => {
    const { l } = await layout();
    expect(l.boxes.filter((b) => b.kind === "figure").length).toBeGreaterThanOrEqual(2);
    const outside = l.boxes.filter(
      (b) =>
        b.x < l.margin - TOL ||
        b.x + b.w > l.width - l.margin + TOL ||
        b.y < l.margin - TOL ||
        b.y + b.h > l.height - l.margin + 12, // the last line may end in the bottom margin's first points
    );
    expect(outside.map((b) => `${b.kind} p${b.page} ${b.text?.slice(0, 30) ?? ""}`)).toEqual([]);
  }, 120_000);

  it("draws no box over another (the Ranking section is not drawn over the chart)", async () => {
    const { l } = await layout();
    const clashes: string[] = [];
    for (let i = 0; i < l.boxes.length; i++)
      for (let j = i + 1; j < l.boxes.length; j++) {
        const a = l.boxes[i];
        const b = l.boxes[j];
        if (a.page === b.page && overlap(a, b))
          clashes.push(
            `p${a.page}: ${a.kind} '${a.text?.slice(0, 25) ?? ""}' × ${b.kind} '${b.text?.slice(0, 25) ?? ""}'`,
          );
      }
    expect(clashes).toEqual([]);
    // the ranking table's header cells share one line
    const header = l.boxes.filter((b) => b.kind === "cell" && ["#", "candidate", "score"].includes(b.text!));
    expect(header).toHaveLength(3);
    expect(new Set(header.map((b) => b.y)).size).toBe(1);
    // and the heading "Ranking" comes after the chart on its page
    const ranking = l.boxes.find((b) => b.kind === "heading" && b.text === "Ranking")!;
    const chart = l.boxes.find((b) => b.kind === "figure")!;
    if (chart.page === ranking.page) expect(ranking.y).toBeGreaterThanOrEqual(chart.y + chart.h);
  }, 120_000);

  it("has the HTML report's sections in the same order", async () => {
    const { plan, l } = await layout();
    const html = renderPlanHtml(plan);
    const decode = (s: string) =>
      s
        .replace(/<[^>]+>/g, "")
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&quot;/g, '"');
    const htmlHeadings = [...html.matchAll(/<h[23][^>]*>([\s\S]*?)<\/h[23]>/g)].map((m) => decode(m[1]));
    const pdfHeadings = l.boxes.filter((b) => b.kind === "heading").map((b) => b.text!);
    expect(htmlHeadings.length).toBeGreaterThanOrEqual(5);
    let at = -1;
    for (const h of htmlHeadings) {
      const k = pdfHeadings.indexOf(h, at + 1);
      expect(
        k,
        `the PDF has the HTML section '${h}' after '${pdfHeadings[at] ?? "the start"}'`,
      ).toBeGreaterThan(at);
      at = k;
    }
  }, 120_000);

  it("spells the figures' text in the standard fonts' characters (the timeline's arrows are kept as ->)", () => {
    const svg = '<svg><text x="1">SBRT → IL-2 ≥ 3</text><g><text>a &amp; b</text></g></svg>';
    expect(pdfSvg(svg)).toBe('<svg><text x="1">SBRT -> IL-2 >= 3</text><g><text>a &amp; b</text></g></svg>');
  });
});

/** Pages of a PDF as grey-level images (Poppler's pdftoppm, PGM), or null when Poppler is not installed. */
function rasterize(pdf: Buffer, dpi: number): { w: number; h: number; px: Uint8Array }[] | null {
  const bin = "/usr/bin/pdftoppm";
  if (!existsSync(bin)) return null;
  const dir = mkdtempSync(path.join(tmpdir(), "immunoplan-pdf-"));
  writeFileSync(path.join(dir, "plan.pdf"), pdf);
  execFileSync(bin, ["-r", String(dpi), "-gray", path.join(dir, "plan.pdf"), path.join(dir, "page")]);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pgm"))
    .sort()
    .map((f) => {
      const b = readFileSync(path.join(dir, f));
      // P5 <w> <h> <max>\n<bytes>
      const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(b.subarray(0, 40).toString("latin1"))!;
      return { w: Number(m[1]), h: Number(m[2]), px: b.subarray(m[0].length) };
    });
}

describe("the plan PDF as printed", () => {
  it("leaves the side margins blank on every page (nothing drawn past them)", async () => {
    const pages = rasterize(await renderPlanPdf(await planned), 36);
    if (!pages) {
      if (process.env.CI) throw new Error("CI needs Poppler's pdftoppm (apt-get install poppler-utils)");
      console.warn("PDF raster check skipped: /usr/bin/pdftoppm missing (apt-get install poppler-utils)");
      return;
    }
    const margin = Math.round((48 / 72) * 36) - 2; // the 48 pt margin at 36 dpi, less a pixel of anti-aliasing each side
    const inked: string[] = [];
    pages.forEach((p, i) => {
      for (let y = 0; y < p.h; y++)
        for (const x of [...Array(margin).keys(), ...Array.from({ length: margin }, (_, k) => p.w - 1 - k)])
          if (p.px[y * p.w + x] < 200) {
            inked.push(`page ${i + 1} at (${x}, ${y})`);
            return;
          }
    });
    expect(inked).toEqual([]);
  }, 120_000);
});
