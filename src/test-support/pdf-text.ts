/** Test support: the text of a PDFKit document (compressed or not): its hex-encoded strings, decoded (WinAnsi ≈ Latin-1). */
import { inflateSync } from "node:zlib";

export function pdfText(pdf: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const s = pdf.indexOf("stream", at, "latin1");
    if (s < 0) break;
    let start = s + "stream".length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    const end = pdf.indexOf("endstream", start, "latin1");
    if (end < 0) break;
    const dict = pdf.subarray(Math.max(0, s - 200), s).toString("latin1");
    const raw = pdf.subarray(start, end);
    let body: string;
    try {
      body = (/FlateDecode/.test(dict.slice(dict.lastIndexOf("<<"))) ? inflateSync(raw) : raw).toString(
        "latin1",
      );
    } catch {
      body = "";
    }
    parts.push(body);
    at = end + "endstream".length;
  }
  return parts
    .join("\n")
    .split(/\n/)
    .map((line) =>
      [...line.matchAll(/<([0-9a-f]+)>/gi)].map((m) => Buffer.from(m[1], "hex").toString("latin1")).join(""),
    )
    .filter(Boolean)
    .join("\n");
}
