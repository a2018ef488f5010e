/** Routes of administration in plain words, for patients — shared by the reports and the web app (no imports). */
export const ROUTE_WORDS: Readonly<Record<string, string>> = {
  iv: "infusion into a vein",
  sc: "injection under the skin",
  intratumoral: "injection into the tumor",
  "external-beam": "radiotherapy session",
  oral: "by mouth",
  intrathecal: "into the spinal fluid",
  ommaya: "into the Ommaya reservoir",
  intravesical: "into the bladder",
  topical: "on the skin",
  surgical: "operation",
};
