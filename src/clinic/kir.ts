/**
 * KIR-ligand mismatch (the ligand–ligand, "missing self" model; Ruggeri et al., Science 2002;295:2097): donor NK
 * cells are alloreactive against the recipient when the recipient lacks a KIR ligand group the donor has — HLA-C
 * group C1 or C2, or the HLA-B (or A*23/24/25/32) Bw4 epitope. Allele groups as in shared/research/clinical.md §5.1
 * (approximate by first field; the IPD-KIR ligand tables give allele-level assignments).
 */
export type KirLigand = "C1" | "C2" | "Bw4";

const C1 = new Set(["01", "03", "07", "08", "12", "14", "16"]);
const C2 = new Set(["02", "04", "05", "06", "15", "17", "18"]);
/** HLA-B allele groups carrying Bw4 (first field; approximate) and the Bw4-bearing HLA-A groups. */
const BW4_B = new Set([
  "13",
  "27",
  "37",
  "38",
  "44",
  "47",
  "49",
  "51",
  "52",
  "53",
  "57",
  "58",
  "59",
  "63",
  "77",
]);
const BW4_A = new Set(["23", "24", "25", "32"]);

export class HlaTypingError extends Error {
  override readonly name = "HlaTypingError";
}

function parseAllele(a: string): { locus: string; group: string } {
  const m = /^(?:HLA-)?([ABC])\*(\d{2,3})(?::[\w:]+)?[A-Z]?$/.exec(a.trim());
  if (!m) throw new HlaTypingError(`'${a}' is not an HLA class I allele like C*07:01 or HLA-B*57:01`);
  return { locus: m[1], group: m[2] };
}

/** The KIR ligand groups present in an HLA class I typing (alleles of A, B and C). */
export function kirLigands(alleles: readonly string[]): Set<KirLigand> {
  const out = new Set<KirLigand>();
  for (const a of alleles) {
    const { locus, group } = parseAllele(a);
    if (locus === "C" && C1.has(group)) out.add("C1");
    if (locus === "C" && C2.has(group)) out.add("C2");
    if ((locus === "B" && BW4_B.has(group)) || (locus === "A" && BW4_A.has(group))) out.add("Bw4");
  }
  return out;
}

export interface DonorScore {
  readonly donor: string;
  /** Ligand groups the donor has and the recipient lacks: each gives an alloreactive donor NK subset. */
  readonly mismatches: readonly KirLigand[];
  readonly score: number;
  readonly note: string;
}

/** Scores candidate donors by KIR-ligand mismatch in the graft-versus-tumor direction, best first. */
export function scoreDonors(
  recipient: readonly string[],
  donors: readonly { id: string; hla: readonly string[] }[],
): DonorScore[] {
  const rec = kirLigands(recipient);
  return donors
    .map((d) => {
      const don = kirLigands(d.hla);
      const mismatches = (["C1", "C2", "Bw4"] as KirLigand[]).filter((g) => don.has(g) && !rec.has(g));
      const receptors = mismatches.map((g) =>
        g === "C1" ? "KIR2DL2/3" : g === "C2" ? "KIR2DL1" : "KIR3DL1",
      );
      return {
        donor: d.id,
        mismatches,
        score: mismatches.length,
        note: mismatches.length
          ? `alloreactive ${receptors.join(" and ")}+ NK subsets, provided the donor carries ${receptors.join(" and ")} (KIR genotyping)`
          : "no KIR-ligand mismatch",
      };
    })
    .sort((a, b) => b.score - a.score);
}
