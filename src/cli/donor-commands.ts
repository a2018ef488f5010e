import path from "node:path";
import { parseArgs } from "node:util";
import { loadCase } from "../clinic/case-file.js";
import { HlaTypingError, kirLigands, scoreDonors } from "../clinic/kir.js";
import { UsageError, type CliIO } from "./io.js";

export const DONORS_USAGE = `usage: immunoplan donors CASE.json --donor ID=ALLELE,ALLELE,… [--donor …] [--json]
  ranks candidate donors of NK / killer cells by KIR-ligand mismatch with the patient's HLA class I typing
  (missing self, Ruggeri et al. 2002), e.g. --donor brother=A*01:01,B*57:01,B*08:01,C*06:02,C*07:01`;

export function runDonorsCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      donor: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(DONORS_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("donors needs one CASE file");
  const file = positionals[0];
  const c = loadCase(path.resolve(io.cwd, file));
  if (!c.hlaTyping?.alleles.length)
    throw new UsageError(`${file}: hlaTyping.alleles: the case has no HLA typing of the patient`);
  if (!values.donor?.length)
    throw new UsageError("--donor: give at least one candidate donor as ID=ALLELE,ALLELE,…");
  const donors = values.donor.map((d, i) => {
    const eq = d.indexOf("=");
    if (eq <= 0) throw new UsageError(`--donor #${i + 1}: '${d}' is not ID=ALLELE,ALLELE,…`);
    return {
      id: d.slice(0, eq),
      hla: d
        .slice(eq + 1)
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
    };
  });
  const classI = (alleles: readonly string[]) => alleles.filter((a) => /^(HLA-)?[ABC]\*/.test(a));
  for (const d of donors) {
    const bad = d.hla.find((a) => !/^(HLA-)?[A-Z][A-Z0-9]*\*\d/.test(a));
    if (bad) throw new UsageError(`--donor ${d.id}: '${bad}' is not an HLA allele like B*44:02`);
    if (classI(d.hla).length === 0) throw new UsageError(`--donor ${d.id}: no HLA-A, -B or -C alleles`);
    d.hla = classI(d.hla);
  }
  let scores;
  try {
    scores = scoreDonors(classI(c.hlaTyping.alleles), donors);
  } catch (e) {
    if (e instanceof HlaTypingError) throw new UsageError(`--donor: ${e.message}`);
    throw e;
  }
  const ligands = [...kirLigands(classI(c.hlaTyping.alleles))];
  if (values.json) {
    io.out(JSON.stringify({ caseId: c.id, recipientLigands: ligands, donors: scores }, null, 1) + "\n");
    return 0;
  }
  io.out(`Patient ${c.id}: KIR ligands ${ligands.join(", ") || "none"}\n`);
  for (const s of scores)
    io.out(
      `  ${s.donor}: ${s.score} mismatch(es)${s.mismatches.length ? ` (${s.mismatches.join(", ")})` : ""} — ${s.note}\n`,
    );
  io.out("Decision support only: KIR genotyping of the donor and the clinician's judgement decide.\n");
  return 0;
}
