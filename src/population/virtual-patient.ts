/**
 * A virtual patient: clinical-model parameters plus covariates and lesions, sampled from the priors of a cancer
 * type (catalog/vpop-priors.yaml) with the covariate links stated below. The untreated patient is consistent with
 * its sampled volume doubling time: the intrinsic growth constant is set so that growth minus the immune killing
 * at baseline (effectors at their quasi-steady state) equals the net growth ln 2 / VDT.
 */
import { seededRandom, standardNormal } from "../engine/statistics.js";
import { CHEMO_MECHANISMS, type ChemoMechanism, type SensitivityPathway } from "../therapy/catalog-schema.js";
import { cancerPriors, sampleCategory, sampleNumber, vpopPriors } from "./priors.js";
import {
  alkRearrangedShare,
  brafV600Share,
  brcaMutantShare,
  egfrMutantShare,
  krasG12cShare,
  metEx14Share,
  retFusionShare,
  vegfDependence,
} from "./marker-prevalence.js";
import type { CancerType, Covariates, Lesion, LesionSite } from "./types.js";

export { alkRearrangedShare, brafV600Share, egfrMutantShare, krasG12cShare } from "./marker-prevalence.js";

export type { Covariates, Lesion, LesionSite } from "./types.js";

export interface VirtualPatient {
  readonly id: string;
  readonly covariates: Covariates;
  readonly lesions: readonly Lesion[];
  /** Clinical-model parameters of this patient (names of models/immunoplan-clinical.yaml). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Fractions of chemotherapy-resistant (R) and antigen-loss (Q) cells at baseline. */
  readonly r0: number;
  readonly q0: number;
  /** Expected number of occult metastases (1e4 cells up to detectability) at a burden of 1e10 cells. */
  readonly occult: number;
  /** Effectors at their quasi-steady state at baseline (cells). */
  readonly e0: number;
  /** Share of the baseline lesion volume held by dead cells not yet cleared (their steady state). */
  readonly deadFraction: number;
  /** Immune pressure at baseline: the share of intrinsic growth that immune killing cancels. */
  readonly fImm: number;
  /**
   * Sensitivity to each mechanism class of chemotherapy relative to `kc` (log-normal, mean 1; absent: 1 for all).
   * A dose's exposure equivalents are multiplied by its class's factor.
   */
  readonly chemoSensitivity?: Readonly<Record<ChemoMechanism, number>>;
  /**
   * Response to targeted agents (module `targeted`): the sensitivity to each pathway and the rate of adaptation,
   * as factors (log-normal, mean 1) on the model's kv / km and lam_v / lam_m. Absent: 1.
   */
  readonly targeted?: Readonly<Record<SensitivityPathway, number>> & {
    readonly adaptation: number;
    /**
     * Share of the viable tumour cells that the VEGFR tyrosine kinase inhibitors do not reach (0–1): cells on
     * co-opted pre-existing vessels (module `targeted`, parameter Nvc; bevacizumab's kill, module `antivegf`, has no
     * such floor). Absent: 0.
     */
    readonly coopted?: number;
  };
  /** Seed of this patient's own randomness (reader noise, occult lesions). */
  readonly noiseSeed: number;
}

/** Clinical-model defaults the baseline computation needs (models/immunoplan-clinical.yaml). */
export const MODEL_DEFAULTS = {
  /** Lethal tumour volume, mm³ (Kmax = rho × this). */
  maxVolumeMm3: 3e6,
  /** Below this burden growth is exponential at the Gompertz rate of this burden (model parameter Nfloor). */
  gompertzFloor: 1e9,
  Ket: 1.2,
  prime0: 1e8,
  K_ag: 1e9,
  dE: 0.05,
} as const;

const SITES_BY_STAGE: Record<string, readonly LesionSite[][]> = {
  // [sites of the first lesion, sites of the others]
  IIIB: [
    ["skin", "subcutaneous", "node"],
    ["skin", "subcutaneous", "node"],
  ],
  IIIC: [
    ["skin", "subcutaneous", "node"],
    ["skin", "subcutaneous", "node"],
  ],
  M1a: [
    ["skin", "subcutaneous", "node"],
    ["skin", "subcutaneous", "node"],
  ],
  M1b: [["lung"], ["lung", "skin", "subcutaneous", "node"]],
  M1c: [
    ["liver", "visceral"],
    ["liver", "visceral", "lung", "node", "subcutaneous", "bone"],
  ],
};
const DEFAULT_SITES: Record<CancerType, LesionSite[][]> = {
  melanoma: [
    ["skin", "subcutaneous", "node"],
    ["node", "lung", "liver", "subcutaneous"],
  ],
  nsclc: [["lung"], ["lung", "node", "liver", "visceral", "bone"]],
  "renal-cell-carcinoma": [
    ["lung", "visceral"],
    ["lung", "node", "liver", "bone"],
  ],
  "large-b-cell-lymphoma": [["node"], ["node", "node", "visceral"]],
  "prostate-cancer": [["node"], ["node", "bone"]],
};

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const cellsOf = (dMm: number, rho: number) => rho * (Math.PI / 6) * dMm ** 3;

/**
 * Effectors at their quasi-steady state for a burden N (cells): E solves prime(N) = (dE + exhaust(N, E))·E with the
 * model's assignments at baseline (no treatment, Treg = 1), exhaust = kex·beta_pd1·N / (N + E + 1). Multiplied out,
 * dE·E² + (dE·(N + 1) + kex·beta_pd1·N − prime)·E − prime·(N + 1) = 0, whose one non-negative root is taken in the
 * form that does not cancel (until 2026-12-07 a damped fixed-point iteration of up to 60 steps, relative tolerance
 * 1e-9, evaluated ~15,000 times per patient: it agreed with the root to 2e-9 and cost 1.3 s per 10,000 patients).
 */
export function steadyEffectors(N: number, p: Readonly<Record<string, number>>, imm = p.imm): number {
  const suppF = 1 / (1 + p.supp);
  const prime = MODEL_DEFAULTS.prime0 * imm * suppF * (N / (N + MODEL_DEFAULTS.K_ag));
  const a = MODEL_DEFAULTS.dE;
  const b = a * (N + 1) + p.kex * p.beta_pd1 * N - prime;
  const c = prime * (N + 1);
  const root = Math.sqrt(b * b + 4 * a * c);
  return b >= 0 ? (2 * c) / (b + root) : (root - b) / (2 * a);
}

/** Per-cell killing rate at baseline (no treatment). */
export function baselineKill(N: number, E: number, p: Readonly<Record<string, number>>): number {
  const ratio = E / (N + 1);
  return (p.kmax * (1 - p.beta_pd1) * (1 / (1 + p.supp)) * ratio) / (MODEL_DEFAULTS.Ket + ratio);
}

/**
 * Largest immunogenicity: effectors at most prime0 × 10 / dE = 2e10 cells (a few % of all T cells) [assumption].
 */
export const MAX_IMMUNOGENICITY = 10;

/** Largest immune pressure at baseline: intrinsic growth at most 5 × the net growth [assumption]. */
export const MAX_IMMUNE_PRESSURE = 0.8;

/**
 * The immune state of an untreated patient at baseline. The immune pressure f (share of intrinsic growth cancelled
 * by killing) is a patient parameter: intrinsic growth g = g_net / (1 − f), baseline killing f·g. Immunogenicity
 * `imm` is the value for which effectors at their quasi-steady state kill at that rate (bisection on log imm; if
 * even imm = MAX_IMMUNOGENICITY cannot, the pressure is lowered to what the other parameters allow). Dead cells are at their
 * steady share of the lesion volume, kill/(kclear + g_net).
 */
export function immuneBaseline(
  cells: number,
  gNet: number,
  fImmDrawn: number,
  p: Readonly<Record<string, number>>,
): { imm: number; viable: number; effectors: number; growth: number; fImm: number; deadFraction: number } {
  let f = Math.min(MAX_IMMUNE_PRESSURE, Math.max(0, fImmDrawn));
  let viable = cells;
  let imm = 1;
  for (let pass = 0; pass < 4; pass++) {
    const target = (f * gNet) / (1 - f);
    // (imm passed as a number: no parameter object copied per evaluation)
    const killAt = (logImm: number) => baselineKill(viable, steadyEffectors(viable, p, Math.exp(logImm)), p);
    let lo = Math.log(1e-6);
    let hi = Math.log(MAX_IMMUNOGENICITY);
    if (killAt(hi) < target) {
      const k = killAt(hi);
      f = k / (k + gNet);
      imm = Math.exp(hi);
    } else {
      for (let it = 0; it < 60; it++) {
        const mid = 0.5 * (lo + hi);
        if (killAt(mid) < target) lo = mid;
        else hi = mid;
      }
      imm = Math.exp(0.5 * (lo + hi));
    }
    const kill = (f * gNet) / (1 - f);
    const deadShare = kill / (p.kclear + gNet);
    viable = cells / (1 + deadShare);
  }
  const growth = gNet / (1 - f);
  const kill = growth - gNet;
  const deadShare = kill / (p.kclear + gNet);
  const q = { ...p, imm };
  return {
    imm,
    viable,
    effectors: steadyEffectors(viable, q),
    growth,
    fImm: f,
    deadFraction: deadShare / (1 + deadShare),
  };
}

/** Samples one virtual patient of a cancer type; `seed` makes it reproducible. */
export function sampleVirtualPatient(cancer: CancerType, seed: number, id = `vp-${seed}`): VirtualPatient {
  const rand = seededRandom(seed);
  const shared = vpopPriors().shared;
  const pri = cancerPriors(cancer);
  const stage = sampleCategory(pri.stage.dist, rand);
  const nTarget = Number(sampleCategory(pri.n_target.dist, rand));
  const sld = sampleNumber(pri.sld_mm.dist, rand);
  const vdt = sampleNumber(pri.vdt_days.dist, rand);
  const rho = sampleNumber(shared.rho.dist, rand);
  const het = sampleNumber(shared.lesion_heterogeneity.dist, rand);
  // split the sum of diameters over the target lesions (Dirichlet(2) shares; each ≥ 10 mm, measurable)
  const shares = Array.from({ length: nTarget }, () => -Math.log(rand()) - Math.log(rand()));
  const tot = shares.reduce((a, b) => a + b, 0);
  const sites = SITES_BY_STAGE[stage] ?? DEFAULT_SITES[cancer];
  const lesions: Lesion[] = [];
  const pick = (list: readonly LesionSite[]) => list[Math.floor(rand() * list.length)];
  // the patient's residual masses resolve with one half-life, drawn from a stream of its own so that every other
  // draw of the patient is what it was before the half-life was added
  const scarHalfLife = sampleNumber(shared.residual_mass_half_life.dist, seededRandom(seed ^ 0x2545f491));
  // sensitivity per chemotherapy class, from a stream of its own too (partial cross-resistance between classes)
  const chemoRand = seededRandom(seed ^ 0x5bd1e995);
  const sdChemo = sampleNumber(shared.chemo_class_sd.dist, chemoRand);
  const chemoSensitivity = Object.fromEntries(
    CHEMO_MECHANISMS.map((m) => [m, Math.exp(sdChemo * standardNormal(chemoRand) - (sdChemo * sdChemo) / 2)]),
  ) as Record<ChemoMechanism, number>;
  const { brafV600, egfrMutant, alkRearranged, krasG12c, brcaMutant, metEx14, retFusion, ...targeted } =
    targetedResponse(seed, cancer);
  const make = (role: Lesion["role"], k: number, d: number, site: LesionSite): Lesion => {
    const nodal = site === "node";
    const lesion = {
      id: `${role === "target" ? "T" : "NT"}${k + 1}`,
      role,
      site,
      nodal,
      injectable: site === "skin" || site === "subcutaneous" || (nodal && cancer === "melanoma"),
      visceral: site === "lung" || site === "liver" || site === "visceral",
      diameterMm: d,
      w: Math.exp(het * standardNormal(rand)),
    };
    const resolves = rand() < sampleNumber(shared.lesion_resolution.dist, rand);
    return resolves
      ? { ...lesion, scar: 0 }
      : { ...lesion, scar: sampleNumber(shared.residual_mass.dist, rand), scarHalfLife };
  };
  for (let k = 0; k < nTarget; k++) {
    const site = pick(k === 0 ? sites[0] : sites[1]);
    const min = site === "node" ? 15 : 10;
    // a single lesion above 150 mm is exceptional: cap it (the sum of diameters then falls short of the draw)
    lesions.push(make("target", k, Math.min(150, Math.max(min, (sld * shares[k]) / tot)), site));
  }
  const nNonTarget = Math.min(4, Math.floor(-Math.log(rand()) * 1.2));
  for (let k = 0; k < nNonTarget; k++) lesions.push(make("non-target", k, 6 + 10 * rand(), pick(sites[1])));
  const cells0 = lesions.reduce((s, l) => s + cellsOf(l.diameterMm, rho), 0);

  const p: Record<string, number> = {
    rho,
    beta_pd1: sampleNumber(pri.beta_pd1.dist, rand),
    supp: sampleNumber(shared.supp.dist, rand),
    kmax: sampleNumber(shared.kmax.dist, rand),
    kex: sampleNumber(shared.kex.dist, rand),
    kclear: sampleNumber(shared.kclear.dist, rand),
    kc: sampleNumber(pri.kc.dist, rand),
    f_spec: sampleNumber(shared.f_spec.dist, rand),
    rho_car: sampleNumber(shared.rho_car.dist, rand),
    burst: sampleNumber(shared.burst.dist, rand),
  };
  const gNet = Math.LN2 / vdt;
  // EGFR- or ALK-driven tumours are immunologically colder: f_imm scaled (f_imm_driver_factor, own stream)
  const driverFactor =
    (egfrMutant || alkRearranged) && pri.f_imm_driver_factor
      ? sampleNumber(pri.f_imm_driver_factor.dist, seededRandom(seed ^ 0x1b873593))
      : 1;
  const baseline = immuneBaseline(cells0, gNet, sampleNumber(pri.f_imm.dist, rand) * driverFactor, p);
  const N0 = baseline.viable;
  p.imm = baseline.imm;
  // the plateau lies well above the baseline burden: at least 3 L, and at least three times the baseline volume
  p.Kmax = Math.max(rho * MODEL_DEFAULTS.maxVolumeMm3, 3 * cells0);
  p.kg = baseline.growth / Math.log(p.Kmax / Math.max(N0, MODEL_DEFAULTS.gompertzFloor));
  const e0 = baseline.effectors;
  const growthRef = Math.LN2 / sampleMedian(pri.vdt_days.dist);
  const ldh =
    rand() <
    logistic(
      pri.ldh.intercept +
        pri.ldh.per_log_burden * Math.log(N0 / 1e10) +
        pri.ldh.per_log_growth * Math.log(gNet / growthRef),
    );
  const inflamed = p.imm / (p.imm + 0.5);
  const tpsScale = pri.pdl1_link?.scale ?? 1;
  const tpsPower = pri.pdl1_link?.power ?? 1;
  const tps = Math.min(
    100,
    100 * (tpsScale * p.beta_pd1 * inflamed) ** tpsPower * Math.exp(0.8 * standardNormal(rand)),
  );
  const ecog = rand() < logistic(-0.7 + 0.8 * Math.log(N0 / 1e10)) ? 1 : 0;
  const u = rand();
  const priorLines = u < 0.6 ? 0 : u < 0.85 ? 1 : 2;
  return {
    id,
    covariates: {
      cancer,
      stage,
      ldh_elevated: ldh,
      pdl1_tps: tps,
      ecog,
      prior_lines: priorLines,
      injectable: lesions.some((l) => l.injectable),
      weight_kg: sampleNumber(shared.weight_kg.dist, rand),
      height_cm: sampleNumber(shared.height_cm.dist, rand),
      gfr_ml_min: sampleNumber(shared.gfr_ml_min.dist, rand),
      vdt_days: vdt,
      sld_mm: lesions.filter((l) => l.role === "target").reduce((s, l) => s + l.diameterMm, 0),
      braf_v600: brafV600,
      egfr_mutant: egfrMutant,
      alk_rearranged: alkRearranged,
      kras_g12c: krasG12c,
      brca_mutant: brcaMutant,
      met_ex14: metEx14,
      ret_fusion: retFusion,
    },
    lesions,
    parameters: p,
    r0: sampleNumber(pri.r0.dist, rand),
    q0: sampleNumber(shared.q0.dist, rand),
    occult: sampleNumber(shared.occult_lesions.dist, rand),
    e0,
    deadFraction: baseline.deadFraction,
    fImm: baseline.fImm,
    chemoSensitivity,
    targeted,
    noiseSeed: Math.floor(rand() * 2 ** 31),
  };
}

/**
 * A patient's response to targeted agents, from a random stream of its own (seed-derived), so that adding it left
 * every other draw of every existing patient unchanged: sensitivity per pathway and adaptation rate, log-normal with
 * mean 1 (catalog/vpop-priors.yaml `targeted`).
 */
export function targetedResponse(
  seed: number,
  cancer: CancerType,
): NonNullable<VirtualPatient["targeted"]> & {
  readonly brafV600: boolean;
  readonly egfrMutant: boolean;
  readonly alkRearranged: boolean;
  readonly krasG12c: boolean;
  readonly brcaMutant: boolean;
  readonly metEx14: boolean;
  readonly retFusion: boolean;
} {
  const pri = vpopPriors().targeted;
  const r = seededRandom(seed ^ 0x68e31da4);
  const sdA = sampleNumber(pri.adaptation_sd.dist, r);
  const out: Record<string, number> = {};
  const lognormal = (p: SensitivityPathway): number => {
    const sd = sampleNumber(pri[`${p}_sensitivity_sd`].dist, r);
    return Math.exp(sd * standardNormal(r) - (sd * sd) / 2);
  };
  // the draws of the first pathways and of the adaptation come first, in their original order
  // times the cancer type's dependence on the VEGF pathway (a factor, no draw: the stream is unchanged)
  out.vegfr = lognormal("vegfr") * vegfDependence(cancer);
  out.mtor = lognormal("mtor");
  out.adaptation = Math.exp(sdA * standardNormal(r) - (sdA * sdA) / 2);
  // BRAF and MEK inhibitors act only in a tumour with a BRAF V600 mutation
  const brafV600 = r() < brafV600Share(cancer);
  out.braf = lognormal("braf") * (brafV600 ? 1 : 0);
  out.mek = lognormal("mek") * (brafV600 ? 1 : 0);
  // interferon alfa (module interferon), drawn after the others so that their draws are unchanged
  out.ifn = lognormal("ifn");
  // androgen-receptor pathway inhibitors (module ar): drawn for every cancer type; only prostate cancer is treated with them
  out.ar = lognormal("ar");
  // CD20 × CD3 engagers: only B-cell lymphoma carries CD20 (drawn for every patient, to keep the stream's order)
  out.cd3 = lognormal("cd3") * (cancer === "large-b-cell-lymphoma" ? 1 : 0);
  // EGFR inhibitors act only in a tumour with a sensitizing EGFR mutation (appended: the draws above are unchanged)
  const egfrMutant = r() < egfrMutantShare(cancer);
  out.egfr = lognormal("egfr") * (egfrMutant ? 1 : 0);
  // ALK inhibitors act only in a tumour with an ALK rearrangement, drawn among the EGFR wild-type ones so that the
  // population's share is the table's (appended: the draws above are unchanged; the uniform is drawn for everyone)
  const uAlk = r();
  const alkRearranged = !egfrMutant && uAlk < alkRearrangedShare(cancer) / (1 - egfrMutantShare(cancer));
  out.alk = lognormal("alk") * (alkRearranged ? 1 : 0);
  // KRAS G12C inhibitors act only in a tumour with a KRAS G12C mutation, drawn among the tumours with neither an
  // EGFR mutation nor an ALK rearrangement (appended, as ALK)
  const uKras = r();
  const others = 1 - egfrMutantShare(cancer) - alkRearrangedShare(cancer);
  const krasG12c = !egfrMutant && !alkRearranged && others > 0 && uKras < krasG12cShare(cancer) / others;
  out.kras = lognormal("kras") * (krasG12c ? 1 : 0);
  // PARP inhibitors act only in a tumour with a BRCA1/2 alteration (appended: the draws above are unchanged)
  const brcaMutant = r() < brcaMutantShare(cancer);
  out.parp = lognormal("parp") * (brcaMutant ? 1 : 0);
  // PSMA-targeted radioligands: PSMA is expressed by prostate cancer (appended: the draws above are unchanged)
  out.psma = lognormal("psma") * (cancer === "prostate-cancer" ? 1 : 0);
  // MET and RET inhibitors act only in a tumour with a MET exon 14 skipping alteration or a RET fusion, drawn (one
  // uniform for both) among the tumours with none of the drivers above, so that the population's shares are the
  // tables' (appended: the draws above are unchanged)
  const uDriver = r();
  const rest = others - krasG12cShare(cancer);
  const free = !egfrMutant && !alkRearranged && !krasG12c && rest > 0;
  const metEx14 = free && uDriver < metEx14Share(cancer) / rest;
  const retFusion = free && !metEx14 && uDriver < (metEx14Share(cancer) + retFusionShare(cancer)) / rest;
  out.met = lognormal("met") * (metEx14 ? 1 : 0);
  out.ret = lognormal("ret") * (retFusion ? 1 : 0);
  // the share of the tumour that VEGFR inhibitors cannot reach (vessel co-option; module targeted's Nvc):
  // appended, so the draws above are unchanged
  out.coopted = Math.min(1, sampleNumber(pri.vegfr_coopted_fraction.dist, r));
  return {
    ...(out as NonNullable<VirtualPatient["targeted"]>),
    brafV600,
    egfrMutant,
    alkRearranged,
    krasG12c,
    brcaMutant,
    metEx14,
    retFusion,
  };
}

/** The median of a prior (for centring covariate links). */
function sampleMedian(d: Parameters<typeof sampleNumber>[0]): number {
  if ("lognormal" in d) return d.lognormal[0];
  if ("fixed" in d) return d.fixed;
  if ("loguniform" in d) return Math.sqrt(d.loguniform[0] * d.loguniform[1]);
  const r = seededRandom(1);
  const xs = Array.from({ length: 1001 }, () => sampleNumber(d, r)).sort((a, b) => a - b);
  return xs[500];
}

/** Cells in a lesion of diameter d (mm) at density rho (cells/mm³), as a sphere. */
export const lesionCells = cellsOf;
