/** Codes the importer recognizes (mCODE STU4 / US Core; shared/research/clinical.md §1.2–1.5). */
export const SNOMED = "http://snomed.info/sct";
export const LOINC = "http://loinc.org";
export const MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/";

/** TNM observations by code: [kind, item]. SNOMED codes of mCODE STU4 and their LOINC equivalents. */
export const TNM_CODES: Record<string, ["clinical" | "pathologic", "stage-group" | "T" | "N" | "M"]> = {
  "399537006": ["clinical", "stage-group"],
  "399504009": ["clinical", "T"],
  "399534004": ["clinical", "N"],
  "399387003": ["clinical", "M"],
  "399588009": ["pathologic", "stage-group"],
  "384625004": ["pathologic", "T"],
  "371494008": ["pathologic", "N"],
  "371497001": ["pathologic", "M"],
  "21908-9": ["clinical", "stage-group"],
  "21905-5": ["clinical", "T"],
  "21906-3": ["clinical", "N"],
  "21907-1": ["clinical", "M"],
  "21902-2": ["pathologic", "stage-group"],
  "21899-0": ["pathologic", "T"],
  "21900-6": ["pathologic", "N"],
  "21901-4": ["pathologic", "M"],
};

export const LOINC_CODES = {
  ecog: "89247-1",
  karnofsky: "89243-0",
  bodyWeight: "29463-7",
  bodyHeight: "8302-2",
  bodySurfaceArea: "8277-6",
  diseaseStatus: "97509-4",
  tumorSize: "21889-1",
  tumorLongestDimension: "33728-7",
  msi: "81695-9",
  tmb: "94076-7",
} as const;

/** Keywords that put a (non-cancer) condition into a category that matters for immunotherapy eligibility. */
export const CONDITION_KEYWORDS: [RegExp, "autoimmune" | "transplant" | "infection" | "pregnancy"][] = [
  [
    /autoimmun|lupus|rheumatoid|crohn|ulcerative colitis|psoriasis|multiple sclerosis|myasthenia|thyroiditis|sarcoidosis|vasculitis|type 1 diabetes/i,
    "autoimmune",
  ],
  [/transplant|allograft/i, "transplant"],
  [/pregnan/i, "pregnancy"],
  [/infection|hepatitis b|hepatitis c|hiv|tuberculosis|sepsis/i, "infection"],
];
